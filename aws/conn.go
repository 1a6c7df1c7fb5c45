package aws

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
)

// Paths are the files ssopick reads and writes.
type Paths struct {
	// AWSConfig is ~/.aws/config or $AWS_CONFIG_FILE.
	AWSConfig string
	// SSOCache is the AWS CLI's token cache, ~/.aws/sso/cache.
	SSOCache string
	// Cache is ssopick's own cache: catalogues and locks
	// ($XDG_CACHE_HOME/ssopick, default ~/.cache/ssopick).
	Cache string
}

// DefaultPaths resolves Paths from the environment and home directory.
func DefaultPaths(getenv func(string) string, home string) Paths {
	cache := getenv("XDG_CACHE_HOME")
	if cache == "" {
		cache = filepath.Join(home, ".cache")
	}
	return Paths{
		AWSConfig: ConfigPath(getenv, home),
		SSOCache:  filepath.Join(home, ".aws", "sso", "cache"),
		Cache:     filepath.Join(cache, "ssopick"),
	}
}

// TokenCache is the token cache for these paths.
func (p Paths) TokenCache() TokenCache {
	return TokenCache{Dir: p.SSOCache, LockDir: filepath.Join(p.Cache, "locks")}
}

// Conn is ssopick's connection to one SSO session: sign-in, catalogue and
// role credentials.
type Conn struct {
	Session Session
	Auth    *Auth
	Portal  PortalAPI
	Pacer   *Pacer
	Cache   CatalogueCache
	Now     func() time.Time
	creds   credentialStore
}

// Connect builds a Conn with SDK clients for the session's region.
func Connect(ctx context.Context, s Session, p Paths) (*Conn, error) {
	clients, err := NewClients(ctx, s.Region)
	if err != nil {
		return nil, err
	}
	return &Conn{
		Session: s,
		Auth:    &Auth{Session: s, OIDC: clients.OIDC, OIDCEndpoint: clients.OIDCEndpoint, Cache: p.TokenCache()},
		Portal:  clients.Portal,
		Pacer:   NewPacer(),
		Cache:   CatalogueCache{Dir: p.Cache},
	}, nil
}

func (c *Conn) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// withToken runs fn with a usable access token. If the portal refuses it,
// the token is refreshed once and fn runs again, as another process or a
// server-side logout may have ended it early.
func (c *Conn) withToken(ctx context.Context, fn func(token string) error) error {
	tok, err := c.Auth.Token(ctx)
	if err != nil {
		return err
	}
	err = fn(tok.AccessToken)
	if !errors.Is(err, ErrUnauthorized) {
		return err
	}
	unlock, lerr := c.Auth.Cache.Lock(ctx, c.Session)
	if lerr != nil {
		return lerr
	}
	// Another process may have refreshed while this one was refused: use
	// its token rather than redeem a refresh token twice.
	fresh, rerr := c.Auth.Cache.LoadToken(c.Session)
	switch {
	case rerr != nil:
		rerr = fmt.Errorf("%w for %s: %w", ErrSignInRequired, c.Session.Label(), rerr)
	case fresh.AccessToken == tok.AccessToken:
		fresh, rerr = c.Auth.refresh(ctx, fresh)
	}
	unlock()
	if rerr != nil {
		return rerr
	}
	return fn(fresh.AccessToken)
}

// CatalogueOptions say when the cached catalogue is good enough.
type CatalogueOptions struct {
	MaxAge   time.Duration // older is fetched again (0: any age is fine)
	Refresh  bool          // fetch even if a fresh cache exists
	Progress func(Progress)
}

// Cached returns the session's cached catalogue, or fs.ErrNotExist.
func (c *Conn) Cached() (*Catalogue, error) { return c.Cache.Load(c.Session) }

// Catalogue returns the cached catalogue when it is young enough, else
// fetches it from the portal and caches it. fromCache tells which.
func (c *Conn) Catalogue(ctx context.Context, o CatalogueOptions) (cat *Catalogue, fromCache bool, err error) {
	if !o.Refresh {
		if cached, err := c.Cache.Load(c.Session); err == nil && (o.MaxAge == 0 || c.now().Sub(cached.FetchedAt) < o.MaxAge) {
			return cached, true, nil
		}
	}
	cat, err = c.Fetch(ctx, o.Progress)
	return cat, false, err
}

// Fetch lists the catalogue from the portal and caches it.
func (c *Conn) Fetch(ctx context.Context, progress func(Progress)) (*Catalogue, error) {
	var rows []Row
	lister := &Lister{Portal: c.Portal, Pacer: c.Pacer}
	attempts := 0
	err := c.withToken(ctx, func(token string) (err error) {
		if attempts++; attempts > 1 && progress != nil {
			progress(Progress{Restart: true}) // rows reported so far come again
		}
		rows, err = lister.Fetch(ctx, c.Session, token, progress)
		return err
	})
	if err != nil {
		return nil, err
	}
	cat := &Catalogue{Session: c.Session.Label(), StartURL: c.Session.StartURL, FetchedAt: c.now().UTC(), Rows: rows}
	if err := c.Cache.Save(c.Session, cat); err != nil {
		return nil, err
	}
	return cat, nil
}

// Logout ends the session at IAM Identity Center and removes the token and
// client registration files, as `aws sso logout` does. The cached
// catalogue stays: it holds no secret and keeps the list instant.
func (c *Conn) Logout(ctx context.Context) error {
	if tok, err := c.Auth.Cache.LoadToken(c.Session); err == nil && c.now().Before(tok.ExpiresAt) {
		// A failed server-side logout must not keep the local files: the
		// person asked to be signed out here.
		_, _ = c.Portal.Logout(ctx, &sso.LogoutInput{AccessToken: sdkaws.String(tok.AccessToken)})
	}
	if err := c.Auth.Cache.DeleteToken(c.Session); err != nil {
		return err
	}
	return c.Auth.Cache.DeleteRegistration(c.Session)
}

// SignedIn reports whether a token that works without a new sign-in exists,
// and when it expires.
func (c *Conn) SignedIn(ctx context.Context) (time.Time, bool) {
	tok, err := c.Auth.Token(ctx)
	if err != nil {
		return time.Time{}, false
	}
	return tok.ExpiresAt, true
}
