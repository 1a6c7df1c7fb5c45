package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/launch"
)

// credentialProcessCredentials is the credential-process command's work:
// the role's credentials from the role cache while they last (no portal
// call at all), else from the portal, cached for the next run. With
// auto_login = true an expired sign-in is renewed once for every process
// that finds it so (see autoSignIn); without it, a needed sign-in is an
// error saying to run `ssopick login`.
func credentialProcessCredentials(ctx context.Context, f *factory, o roleFlags) (aws.RoleCredentials, error) {
	choice, err := f.roleCache()
	if err != nil {
		return aws.RoleCredentials{}, err
	}
	warn := func(err error) {
		fmt.Fprintf(f.ErrOut, "ssopick: warning: the role cache (%s) failed (%v); the credentials come from IAM Identity Center instead.\n", choice.Backend, err)
	}
	debug := func(account, role, from string, start time.Time) {
		if f.Debug != nil {
			fmt.Fprintf(f.Debug, "debug: credentials for %s %s from %s in %v (cache: %s: %s)\n",
				account, role, from, time.Since(start).Round(time.Microsecond), choice.Backend, choice.Reason)
		}
	}
	start := time.Now()
	if creds, account, ok := fromCacheAlone(f, o, choice.Cache, warn); ok {
		debug(account, o.Role, "the cache", start)
		return creds, nil
	}
	s, err := f.openSessions(ctx, false)
	if err != nil {
		return aws.RoleCredentials{}, err
	}
	if f.Prefs.AutoLogin {
		s.SignIn = autoSignIn(f, s)
	}
	ch, err := findRole(ctx, s, o)
	if err != nil {
		return aws.RoleCredentials{}, err
	}
	start = time.Now()
	// A chained role's own keys are not cached between runs (they are
	// another identity under the same account and role names); the SSO
	// role it starts from is, and the chain is assumed from it.
	chain, from := ch.Row.Chain, ch
	if chain != nil {
		from = aws.Choice{Row: chain.From, Conn: ch.Conn}
	}
	creds, hit, err := ch.Conn.CachedRoleCredentials(ctx, choice.Cache, from.Row.AccountID, from.Row.RoleName,
		func() (aws.RoleCredentials, error) { return s.Credentials(ctx, from) }, warn)
	if err == nil {
		debug(from.Row.AccountID, from.Row.RoleName, map[bool]string{true: "the cache", false: "the portal"}[hit], start)
	}
	if err == nil && chain != nil {
		creds, err = ch.Conn.ChainCredentials(ctx, chain, creds)
	}
	return creds, err
}

// fromCacheAlone answers from the role cache before anything is connected
// (building the SDK clients costs more than the answer), for a role
// roleWithoutConnecting names. Anything else (no cached list, an
// ambiguous name, a miss) is left to the full path, which says what is
// wrong.
func fromCacheAlone(f *factory, o roleFlags, cache aws.RoleCache, warn func(error)) (aws.RoleCredentials, string, bool) {
	if cache == aws.NoRoleCache {
		return aws.RoleCredentials{}, "", false
	}
	session, row, ok := roleWithoutConnecting(f, o)
	if !ok {
		return aws.RoleCredentials{}, "", false
	}
	creds, found, err := aws.LookupCachedRole(cache, f.Paths.TokenCache(), session, row.AccountID, row.RoleName, time.Now())
	if err != nil {
		warn(err)
	}
	return creds, row.AccountID, found
}

// roleWithoutConnecting is the session and row -a and -r name, when they
// name an SSO role without doubt with nothing but files: an account id and
// a single session, or the cached lists of every selected session, as
// Sessions.Find would name it. --profile and --assume are left to the full
// path (a chain is not the role it starts from).
func roleWithoutConnecting(f *factory, o roleFlags) (aws.Session, aws.Row, bool) {
	if o.Account == "" || o.Role == "" || o.Profile != "" || o.Assume != "" {
		return aws.Session{}, aws.Row{}, false
	}
	sessions, err := f.sessions()
	if err != nil || len(sessions) == 0 {
		return aws.Session{}, aws.Row{}, false
	}
	if aws.IsAccountID(o.Account) && len(sessions) == 1 {
		return sessions[0], aws.Row{AccountID: o.Account, RoleName: o.Role, Session: sessions[0].Label()}, true
	}
	var rows []aws.Row
	for _, s := range sessions {
		cat, err := f.Paths.CatalogueCache().Load(s)
		if err != nil {
			return aws.Session{}, aws.Row{}, false
		}
		rows = append(rows, cat.Rows...)
	}
	hit, found, err := aws.FindRow(rows, o.Account, o.Role)
	if !found || err != nil {
		return aws.Session{}, aws.Row{}, false
	}
	for _, s := range sessions {
		if s.Label() == hit.Session {
			return s, hit, true
		}
	}
	return aws.Session{}, aws.Row{}, false
}

// roleCache chooses the role cache's backend for this process (see
// aws.OpenRoleCache); the agent, when it is the one, is started as
// `ssopick agent`, detached.
func (f *factory) roleCache() (aws.RoleCacheChoice, error) {
	return aws.OpenRoleCache(aws.RoleCacheOptions{
		Getenv: f.Getenv,
		Paths:  f.Paths,
		StartAgent: func(socket string) error {
			self, err := os.Executable()
			if err != nil {
				return err
			}
			return launch.StartDetached([]string{self, "agent", "--socket", socket, "--cache", f.Paths.Cache}, f.Environ())
		},
	})
}

// autoLoginTimeout bounds a sign-in credential-process starts by itself:
// an SDK waiting on it should not wait forever on a tab nobody sees.
const autoLoginTimeout = 10 * time.Minute

// autoSignIn is the sign-in credential-process runs with auto_login =
// true. It never reads stdin: the sign-in's messages go to stderr (the
// browser flow, or the device flow where no browser can be opened), and
// ssopick waits for it. Across processes it runs once per session: under
// the session's sign-in lock, a process finds the token another one got
// meanwhile; one that waited for another's sign-in, or saw one fail after
// it began, gives up rather than open a tab of its own. Thirty parallel
// runs open one tab, whether the person signs in or closes it.
func autoSignIn(f *factory, s *aws.Sessions) func(context.Context, *aws.Conn) error {
	began := time.Now()
	var mu sync.Mutex
	seen := map[string]string{} // session → the access token this process found
	tokenOf := func(c *aws.Conn) (string, time.Time) {
		if tok, err := c.Auth.Cache.LoadToken(c.Session); err == nil {
			return tok.AccessToken, tok.ExpiresAt
		}
		return "", time.Time{}
	}
	for _, c := range s.Conns {
		seen[c.Session.Label()], _ = tokenOf(c)
	}
	return func(ctx context.Context, c *aws.Conn) error {
		label := c.Session.Label()
		unlock, waited, err := c.Auth.Cache.SignInLock(ctx, c.Session)
		if err != nil {
			return err
		}
		defer unlock()
		mu.Lock()
		defer mu.Unlock()
		if tok, expires := tokenOf(c); tok != "" && tok != seen[label] && time.Now().Before(expires) {
			seen[label] = tok
			return nil // another process signed in meanwhile
		}
		if waited || c.Auth.Cache.SignInFailedAt(c.Session).After(began) {
			return fmt.Errorf("%w: the sign-in to %s that another ssopick started did not finish", aws.ErrSignInRequired, label)
		}
		fmt.Fprintf(f.ErrOut, "ssopick: the sign-in to %s has expired; signing in again (auto_login = true).\n", label)
		sctx, cancel := context.WithTimeout(ctx, autoLoginTimeout)
		defer cancel()
		if err := signIn(sctx, f, c, signInOptions{}); err != nil {
			_ = c.Auth.Cache.MarkSignInFailed(c.Session, time.Now())
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				return fmt.Errorf("%w: the sign-in to %s was not finished within %v", aws.ErrSignInRequired, label, autoLoginTimeout)
			}
			return err
		}
		seen[label], _ = tokenOf(c)
		return nil
	}
}
