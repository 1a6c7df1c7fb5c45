package aws

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ssopick/ssopick/sandbox"
)

func TestAccountRows(t *testing.T) {
	t.Parallel()
	rows := []Row{
		{AccountID: "111111111111", AccountName: "acme-prod", RoleName: "Admin"},
		{AccountID: "111111111111", AccountName: "acme-prod", RoleName: "ReadOnly"},
		{AccountID: "222222222222", AccountName: "Acme-Dev", RoleName: "Admin"},
		{AccountID: "333333333333", AccountName: "shared", RoleName: "Admin"},
		{AccountID: "444444444444", AccountName: "shared", RoleName: "Admin"},
		// An account named like another's id loses to the id.
		{AccountID: "555555555555", AccountName: "111111111111", RoleName: "Admin"},
	}
	for _, tc := range []struct {
		account string
		ids     []string
		err     string
	}{
		{"111111111111", []string{"111111111111", "111111111111"}, ""},
		{"acme-prod", []string{"111111111111", "111111111111"}, ""},
		{"ACME-PROD", []string{"111111111111", "111111111111"}, ""},
		{"Acme-Dev", []string{"222222222222"}, ""},
		{"acme-dev", []string{"222222222222"}, ""},
		{"shared", nil, `"shared" names 2 accounts: shared (333333333333), shared (444444444444); use the account id`},
		{"nope", nil, ""},
	} {
		got, err := AccountRows(rows, tc.account)
		var ids []string
		for _, r := range got {
			ids = append(ids, r.AccountID)
		}
		if strings.Join(ids, ",") != strings.Join(tc.ids, ",") || (err == nil) != (tc.err == "") || err != nil && err.Error() != tc.err {
			t.Errorf("AccountRows(%q) = %v, %v; want %v, %q", tc.account, ids, err, tc.ids, tc.err)
		}
	}
}

// age rewrites the cached catalogue as if fetched d ago.
func age(t *testing.T, c *Conn, d time.Duration) {
	t.Helper()
	cat, err := c.Cached()
	if err != nil {
		t.Fatal(err)
	}
	cat.FetchedAt = time.Now().Add(-d).UTC()
	if err := c.Cache.Save(c.Session, cat); err != nil {
		t.Fatal(err)
	}
}

func TestSessionsCacheRules(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{Accounts: 8})
	conn := fx.signedIn(t)
	var later []Session
	var warnings []string
	s := &Sessions{
		Conns:        []*Conn{conn},
		RefreshLater: func(sess Session) { later = append(later, sess) },
		Warn:         func(msg string) { warnings = append(warnings, msg) },
	}
	ctx := context.Background()
	lists := func() int { return fx.srv.Stats().Calls["ListAccounts"] }
	want := fx.srv.Organisation().RoleCount()
	rows := func(o ListOptions) {
		t.Helper()
		got, err := s.Rows(ctx, o)
		if err != nil || len(got) != want {
			t.Fatalf("%+v: %d rows, %v; want %d", o, len(got), err, want)
		}
	}

	rows(ListOptions{Freshness: StaleWhileRefresh, MaxAge: time.Hour}) // nothing cached: fetched
	if lists() != 1 {
		t.Fatalf("a missing list made %d ListAccounts calls, want 1", lists())
	}
	rows(ListOptions{Freshness: StaleWhileRefresh, MaxAge: time.Hour})
	rows(ListOptions{Freshness: FreshOnly, MaxAge: time.Hour})
	if lists() != 1 || len(later) != 0 {
		t.Fatalf("a fresh list was fetched again (%d calls) or queued (%v)", lists(), later)
	}

	age(t, conn, 2*time.Hour)
	rows(ListOptions{Freshness: StaleWhileRefresh, MaxAge: time.Hour})
	if lists() != 1 || len(later) != 1 || later[0].Name != "acme" {
		t.Fatalf("a stale list: %d calls and %v refreshes later; want it answered at once and refreshed later", lists(), later)
	}
	rows(ListOptions{Freshness: FreshOnly, MaxAge: time.Hour})
	if lists() != 2 {
		t.Fatalf("FreshOnly on a stale list made %d calls in all, want 2", lists())
	}
	rows(ListOptions{Freshness: Forced})
	if lists() != 3 {
		t.Fatalf("Forced made %d calls in all, want 3", lists())
	}

	// A forced refresh that fails falls back to the cached list, warning.
	_ = fx.srv.Close()
	rows(ListOptions{Freshness: Forced})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "could not refresh the list of acme") {
		t.Errorf("warnings %q", warnings)
	}
}

func TestSessionsSignInHookAndFind(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{Accounts: 8})
	conn := fx.connect(t)
	s := &Sessions{Conns: []*Conn{conn}}
	ctx := context.Background()
	acct := fx.srv.Organisation().Accounts[1]

	// Signed out and no one to ask: the advice to sign in.
	if _, err := s.Find(ctx, acct.Name, "ViewOnlyAccess"); !errors.Is(err, ErrSignInRequired) || !strings.Contains(err.Error(), "ssopick login") {
		t.Fatalf("signed out, no sign-in hook: %v", err)
	}
	signIns := 0
	s.SignIn = func(ctx context.Context, c *Conn) error {
		signIns++
		_, err := c.Auth.SignInWithDeviceCode(ctx, func(DeviceCode) {})
		return err
	}
	ch, err := s.Find(ctx, strings.ToUpper(acct.Name), "ViewOnlyAccess")
	if err != nil || signIns != 1 || ch.Row.AccountID != acct.ID || ch.Conn != conn {
		t.Fatalf("Find after a sign-in: %+v, %v, %d sign-ins", ch.Row, err, signIns)
	}
	creds, err := s.Credentials(ctx, ch)
	if err != nil || !strings.HasPrefix(creds.AccessKeyID, "ASIA") {
		t.Fatalf("credentials: %v", err)
	}

	// A role the account lacks, in a fresh list: no refetch, the rows to
	// suggest from.
	before := fx.srv.Stats().Calls["ListAccounts"]
	_, err = s.Find(ctx, acct.Name, "NoSuchRole")
	var missing *RoleNotFoundError
	if !errors.As(err, &missing) || len(missing.Rows) != fx.srv.Organisation().RoleCount() || fx.srv.Stats().Calls["ListAccounts"] != before {
		t.Fatalf("missing role: %v", err)
	}
	// In a list older than a minute, it is looked for once more.
	age(t, conn, 2*time.Minute)
	if _, err = s.Find(ctx, acct.Name, "NoSuchRole"); !errors.As(err, &missing) || fx.srv.Stats().Calls["ListAccounts"] != before+1 {
		t.Fatalf("missing role in an old list: %v, %d new ListAccounts calls", err, fx.srv.Stats().Calls["ListAccounts"]-before)
	}
}

func TestAccountIDNeedsNoList(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{Accounts: 8})
	conn := fx.signedIn(t)
	s := &Sessions{Conns: []*Conn{conn}}
	ctx := context.Background()
	acct := fx.srv.Organisation().Accounts[2]

	ch, err := s.Find(ctx, acct.ID, "ViewOnlyAccess")
	if err != nil || ch.Row.AccountID != acct.ID || ch.Row.AccountName != "" {
		t.Fatalf("Find by id with no list: %+v, %v", ch.Row, err)
	}
	if _, err := s.Credentials(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if n := fx.srv.Stats().Calls["ListAccounts"]; n != 0 {
		t.Errorf("an account id made %d ListAccounts calls, want none", n)
	}
	// A role the account lacks is the portal's refusal, said plainly.
	ch, _ = s.Find(ctx, acct.ID, "NoSuchRole")
	if _, err := s.Credentials(ctx, ch); err == nil || !strings.Contains(err.Error(), "you have no access to the role NoSuchRole") {
		t.Errorf("credentials for a missing role: %v", err)
	}
	// With a list cached, the id gets its name.
	if _, err := s.Rows(ctx, ListOptions{}); err != nil {
		t.Fatal(err)
	}
	if ch, err := s.Find(ctx, acct.ID, "ViewOnlyAccess"); err != nil || ch.Row.AccountName != acct.Name {
		t.Errorf("Find by id with a list: %+v, %v", ch.Row, err)
	}
}

func TestSignedOutSessionDoesNotBlockAnother(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{Accounts: 8})
	acme := fx.signedIn(t)
	otherSession := fx.sess
	otherSession.Name = "other" // signed out, nothing cached
	other := Connect(otherSession, fx.env)
	s := &Sessions{Conns: []*Conn{other, acme}}
	acct := fx.srv.Organisation().Accounts[1]
	ch, err := s.Find(context.Background(), acct.Name, "ViewOnlyAccess")
	if err != nil || ch.Conn != acme {
		t.Fatalf("a role of the signed-in session, with another signed out: %+v, %v", ch.Row, err)
	}
	// A role found nowhere says the signed-out session needs a sign-in:
	// it may be there.
	if _, err := s.Find(context.Background(), "acme-nope", "ViewOnlyAccess"); !errors.Is(err, ErrSignInRequired) {
		t.Errorf("a role found nowhere, with a session signed out: %v", err)
	}
}
