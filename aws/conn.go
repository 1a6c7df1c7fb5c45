package aws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
)

// Conn is ssopick's connection to one SSO session: sign-in, catalogue and
// role credentials.
type Conn struct {
	Session Session
	Auth    *Auth
	Portal  PortalAPI
	Pacer   *Pacer
	Cache   CatalogueCache
	// HTTP gives the client for requests outside the SDK (console
	// federation); nil in tests that need none.
	HTTP  func(context.Context) (*http.Client, error)
	Now   func() time.Time
	creds credentialStore
	// clients builds the SDK clients; nil in tests with fakes.
	clients *lazyClients
}

// Connect builds a Conn for the session; its SDK clients for the
// session's region are built at its first request (lazyClients).
func Connect(s Session, env Environment) *Conn {
	clients := &lazyClients{region: s.Region, env: env}
	return &Conn{
		Session: s,
		Auth:    &Auth{Session: s, OIDC: clients, OIDCEndpoint: clients.oidcEndpoint, Cache: env.Paths.TokenCache()},
		Portal:  clients,
		Pacer:   NewPacer(),
		Cache:   env.Paths.CatalogueCache(),
		HTTP:    clients.httpClient,
		clients: clients,
	}
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
	if err := fn(fresh.AccessToken); !errors.Is(err, ErrUnauthorized) {
		return err
	}
	return fmt.Errorf("%w: IAM Identity Center no longer accepts the sign-in to %s (signed out of the portal, or the session was ended)", ErrSignInRequired, c.Session.Label())
}

// Cached returns the session's cached catalogue, or fs.ErrNotExist.
func (c *Conn) Cached() (*Catalogue, error) { return c.Cache.Load(c.Session) }

// Fetch lists the catalogue from the portal and caches it; a failure to
// cache it is in the catalogue's SaveErr, not an error of Fetch.
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
	// A cache that cannot be written (read-only, full) costs the next run
	// a listing, not this one its answer.
	cat.SaveErr = c.Cache.Save(c.Session, cat)
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

// SignedIn asks IAM Identity Center whether the cached sign-in still works
// (one small listing call, refreshing the token once if it is refused) and
// returns when it expires. A local expiry alone is not enough: the person
// may have signed out of the portal, or an administrator ended the
// session. The error wraps ErrSignInRequired when a sign-in is needed.
func (c *Conn) SignedIn(ctx context.Context) (time.Time, error) {
	err := c.withToken(ctx, func(token string) error {
		err := c.Pacer.call(ctx, func() error {
			_, err := c.Portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: &token, MaxResults: sdkaws.Int32(1)})
			return err
		})
		if err != nil {
			return portalError("check the sign-in to "+c.Session.Label(), err)
		}
		return nil
	})
	if err != nil {
		return time.Time{}, err
	}
	tok, err := c.Auth.Cache.LoadToken(c.Session)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w for %s: %w", ErrSignInRequired, c.Session.Label(), err)
	}
	return tok.ExpiresAt, nil
}
