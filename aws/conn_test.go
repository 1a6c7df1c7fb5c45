package aws

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ssopick/ssopick/sandbox"
)

type fixture struct {
	srv *sandbox.Server
	env Environment
	// paths are env.Paths.
	paths Paths
	sess  Session
}

// newFixture starts a sandbox and points the SDK at it through the
// standard endpoint variables, handed in rather than set on the process,
// with a temporary home for every file.
func newFixture(t *testing.T, opts sandbox.Options) *fixture {
	t.Helper()
	opts.AutoApprove = true
	srv, err := sandbox.Start(opts, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	home := t.TempDir()
	vars := map[string]string{
		"AWS_ENDPOINT_URL_SSO_OIDC": srv.URL(),
		"AWS_ENDPOINT_URL_SSO":      srv.URL(),
	}
	paths := Paths{
		AWSConfig:      filepath.Join(home, "config"),
		AWSCredentials: filepath.Join(home, "credentials"),
		SSOCache:       filepath.Join(home, "sso"),
		Cache:          filepath.Join(home, "cache"),
	}
	return &fixture{
		srv:   srv,
		env:   Environment{Getenv: func(k string) string { return vars[k] }, Paths: paths},
		paths: paths,
		sess:  Session{Name: "acme", StartURL: srv.StartURL(), Region: srv.Region(), Scopes: DefaultScopes},
	}
}

func (fx *fixture) connect(t *testing.T) *Conn {
	t.Helper()
	return Connect(fx.sess, fx.env)
}

func (fx *fixture) signedIn(t *testing.T) *Conn {
	t.Helper()
	conn := fx.connect(t)
	if _, err := conn.Auth.SignInWithDeviceCode(context.Background(), func(DeviceCode) {}); err != nil {
		t.Fatalf("sign in: %v", err)
	}
	return conn
}

func TestCatalogueCompleteUnderThrottlingAndServerErrors(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{Accounts: 300, ThrottleRPS: 100, FailRate: 0.1, Seed: 3})
	conn := fx.signedIn(t)
	var last Progress
	var streamed int
	cat, err := conn.Fetch(context.Background(), func(p Progress) {
		last = p
		streamed += len(p.Rows)
	})
	if err != nil {
		t.Fatalf("catalogue: %v", err)
	}
	org := fx.srv.Organisation()
	if len(cat.Rows) != org.RoleCount() || streamed != len(cat.Rows) {
		t.Fatalf("%d rows (%d streamed), want %d", len(cat.Rows), streamed, org.RoleCount())
	}
	for _, r := range cat.Rows {
		if !org.HasRole(r.AccountID, r.RoleName) {
			t.Fatalf("row %+v is not in the organisation", r)
		}
	}
	if last.AccountsDone != 300 || last.AccountsTotal != 300 {
		t.Errorf("last progress %+v", last)
	}
	if st := fx.srv.Stats(); st.Failed == 0 {
		t.Errorf("no injected failure was seen: %+v", st)
	}

	// The second time comes from the cache, without a portal call.
	before := fx.srv.Stats().Calls["ListAccounts"]
	sessions := &Sessions{Conns: []*Conn{fx.connect(t)}}
	again, err := sessions.Rows(context.Background(), ListOptions{Freshness: FreshOnly, MaxAge: time.Hour})
	if err != nil || len(again) != len(cat.Rows) || fx.srv.Stats().Calls["ListAccounts"] != before {
		t.Errorf("cached catalogue: %v, %d rows, %d ListAccounts calls", err, len(again), fx.srv.Stats().Calls["ListAccounts"]-before)
	}
}

func TestTokenRefusedMidListingIsRefreshedOnce(t *testing.T) {
	t.Parallel()
	clock := sandbox.NewClock(time.Now())
	fx := newFixture(t, sandbox.Options{Accounts: 50, TokenLifetime: time.Hour, Now: clock.Now})
	conn := fx.signedIn(t)
	// The service's clock runs ahead: it considers the token expired while
	// the cache still says an hour is left.
	clock.Advance(2 * time.Hour)
	cat, err := conn.Fetch(context.Background(), nil)
	if err != nil {
		t.Fatalf("fetch with a token the portal refuses: %v", err)
	}
	if len(cat.Rows) != fx.srv.Organisation().RoleCount() {
		t.Errorf("%d rows", len(cat.Rows))
	}
	if st := fx.srv.Stats(); st.Refreshes != 1 || st.Logins != 1 {
		t.Errorf("refreshes %d logins %d, want 1 and 1", st.Refreshes, st.Logins)
	}
}

func TestTokenRefreshWindowAndRevocation(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{TokenLifetime: time.Hour})
	conn := fx.signedIn(t)
	first, err := conn.Auth.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// 50 minutes later, under the 15-minute window: refreshed.
	conn.Auth.Now = func() time.Time { return time.Now().Add(50 * time.Minute) }
	second, err := conn.Auth.Token(context.Background())
	if err != nil || second.AccessToken == first.AccessToken || fx.srv.Stats().Refreshes != 1 {
		t.Fatalf("refresh: %v, refreshes %d", err, fx.srv.Stats().Refreshes)
	}
	cached, _ := conn.Auth.Cache.LoadToken(fx.sess)
	if cached.AccessToken != second.AccessToken || cached.RefreshToken == "" {
		t.Error("the refreshed token was not saved")
	}

	// Revoked at the service (an administrator ended the session): the
	// refresh is refused, so only a new sign-in helps, even though the
	// cached access token has not expired yet.
	fx.srv.RevokeAll()
	conn.Auth.Now = func() time.Time { return time.Now().Add(100 * time.Minute) }
	if _, err := conn.Auth.Token(context.Background()); !errors.Is(err, ErrSignInRequired) {
		t.Errorf("revoked: %v, want ErrSignInRequired", err)
	}
}

func TestConcurrentRefreshHappensOnce(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{TokenLifetime: time.Hour})
	fx.signedIn(t)
	later := func() time.Time { return time.Now().Add(50 * time.Minute) }
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conn := fx.connect(t) // each as if a separate process
			conn.Auth.Now = later
			_, err := conn.Auth.Token(context.Background())
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if n := fx.srv.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes for 20 concurrent callers, want 1", n)
	}
}

func TestRoleCredentialsAndConsoleURL(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{})
	conn := fx.signedIn(t)
	acct := fx.srv.Organisation().Accounts[1]
	ctx := context.Background()
	creds, err := conn.RoleCredentials(ctx, acct.ID, "ViewOnlyAccess")
	if err != nil || creds.AccessKeyID == "" || time.Until(creds.Expiration) < 50*time.Minute {
		t.Fatalf("credentials %+v: %v", creds.Expiration, err)
	}
	again, _ := conn.RoleCredentials(ctx, acct.ID, "ViewOnlyAccess")
	if again.AccessKeyID != creds.AccessKeyID || fx.srv.Stats().Calls["GetRoleCredentials"] != 1 {
		t.Error("credentials were not reused")
	}
	if _, err := conn.RoleCredentials(ctx, acct.ID, "NoSuchRole"); err == nil {
		t.Error("an unassigned role gave credentials")
	}

	login, err := ConsoleURL(ctx, nil, ConsoleRequest{
		Credentials: creds, Region: "eu-west-1", Endpoint: fx.srv.URL() + "/federation", Issuer: "ssopick",
	})
	if err != nil {
		t.Fatalf("console URL: %v", err)
	}
	resp, err := http.Get(login)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("console login: %v %v", resp, err)
	}
	resp.Body.Close()
	logins := fx.srv.Stats().ConsoleLogins
	if len(logins) != 1 || logins[0].AccountID != acct.ID || logins[0].RoleName != "ViewOnlyAccess" ||
		logins[0].Destination != ConsoleHome("eu-west-1") {
		t.Errorf("console logins %+v", logins)
	}
	forged := creds
	forged.SecretAccessKey = "wrong"
	if _, err := ConsoleURL(ctx, nil, ConsoleRequest{Credentials: forged, Region: "eu-west-1", Endpoint: fx.srv.URL() + "/federation"}); err == nil {
		t.Error("forged credentials gave a console URL")
	}
}

func TestLogoutRemovesFilesAndEndsTheSession(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{})
	conn := fx.signedIn(t)
	if err := conn.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Auth.Cache.LoadToken(fx.sess); !errors.Is(err, ErrNoToken) {
		t.Errorf("token after logout: %v", err)
	}
	if _, err := conn.Auth.Cache.LoadRegistration(fx.sess); err == nil {
		t.Error("registration kept after logout")
	}
	if fx.srv.Stats().Calls["Logout"] != 1 {
		t.Error("Logout was not called")
	}
}

func TestTokenWithoutRefreshIsUsedToItsEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := &Auth{Session: Session{StartURL: "https://a.awsapps.com/start", Region: "us-east-1"}, Cache: TokenCache{Dir: dir, LockDir: dir}}
	tok := &Token{StartURL: a.Session.StartURL, AccessToken: "aoa-legacy", ExpiresAt: time.Now().Add(5 * time.Minute)}
	if err := a.Cache.SaveToken(a.Session, tok); err != nil {
		t.Fatal(err)
	}
	got, err := a.Token(context.Background())
	if err != nil || got.AccessToken != "aoa-legacy" {
		t.Fatalf("a valid token without refresh token: %v %v", got, err)
	}
	a.Now = func() time.Time { return time.Now().Add(6 * time.Minute) }
	if _, err := a.Token(context.Background()); !errors.Is(err, ErrSignInRequired) {
		t.Errorf("expired: %v", err)
	}
}

func TestConcurrentRefusalsRefreshOnce(t *testing.T) {
	t.Parallel()
	clock := sandbox.NewClock(time.Now())
	fx := newFixture(t, sandbox.Options{Accounts: 30, TokenLifetime: time.Hour, Now: clock.Now})
	fx.signedIn(t)
	a, b := fx.connect(t), fx.connect(t)
	clock.Advance(2 * time.Hour) // the service refuses the token both hold
	var wg sync.WaitGroup
	var restarts sync.Map
	for i, conn := range []*Conn{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := conn.Fetch(context.Background(), func(p Progress) {
				if p.Restart {
					restarts.Store(i, true)
				}
			})
			if err != nil {
				t.Errorf("fetch %d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	if n := fx.srv.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes for two refused callers, want 1", n)
	}
	if _, ok := restarts.Load(0); !ok {
		if _, ok := restarts.Load(1); !ok {
			t.Error("no listing reported its restart after the token was refused")
		}
	}
}
