package ui

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/ssopick/ssopick/aws"
)

// testNow is the fixed clock of UI tests.
var testNow = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// fakeSource is a Source with canned, but stateful, behaviour.
type fakeSource struct {
	mu        sync.Mutex
	label     string
	cached    []aws.Row
	fetched   []aws.Row // what a fetch returns
	signedIn  bool
	fetchGate chan struct{} // when set, Fetch waits for it
	fetchErr  error         // when set, Fetch fails with it
	signInErr error         // when set, the device sign-in fails with it
	// authorizeURL, when set, makes the browser sign-in open it and wait
	// (the person never signs in); else it succeeds at once.
	authorizeURL string
	fetches      int
	signIns      int
}

func (f *fakeSource) Label() string { return f.label }

func (f *fakeSource) Cached() (*aws.Catalogue, error) {
	if f.cached == nil {
		return nil, errors.New("no cache")
	}
	return &aws.Catalogue{Session: f.label, FetchedAt: testNow.Add(-time.Minute), Rows: f.cached}, nil
}

func (f *fakeSource) Token(context.Context) (time.Time, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.signedIn {
		return time.Time{}, fmt.Errorf("%w for %s", aws.ErrSignInRequired, f.label)
	}
	return testNow.Add(8 * time.Hour), nil
}

func (f *fakeSource) SignInDevice(ctx context.Context, show func(aws.DeviceCode)) (time.Time, error) {
	f.mu.Lock()
	f.signIns++
	f.mu.Unlock()
	show(aws.DeviceCode{UserCode: "WDJB-MJHT", VerificationURI: "https://device.sso.us-east-1.amazonaws.com/",
		VerificationURIComplete: "https://device.sso.us-east-1.amazonaws.com/?user_code=WDJB-MJHT", ExpiresAt: testNow.Add(10 * time.Minute)})
	if f.signInErr != nil {
		return time.Time{}, f.signInErr
	}
	<-ctx.Done() // approval never comes; the test cancels or quits
	return time.Time{}, ctx.Err()
}

func (f *fakeSource) SignInBrowser(ctx context.Context, open func(string) error) (time.Time, error) {
	if f.authorizeURL != "" {
		if err := open(f.authorizeURL); err != nil {
			return time.Time{}, err
		}
		<-ctx.Done()
		return time.Time{}, ctx.Err()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.signIns++
	f.signedIn = true
	return testNow.Add(8 * time.Hour), nil
}

func (f *fakeSource) Fetch(ctx context.Context, progress func(aws.Progress)) (*aws.Catalogue, error) {
	f.mu.Lock()
	f.fetches++
	f.mu.Unlock()
	if f.fetchGate != nil {
		select {
		case <-f.fetchGate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if f.fetchErr != nil {
		return nil, f.fetchErr
	}
	rows := f.fetched
	if rows == nil {
		rows = f.cached
	}
	progress(aws.Progress{AccountsDone: 1, AccountsTotal: 1, Rows: rows})
	return &aws.Catalogue{Session: f.label, FetchedAt: testNow, Rows: rows}, nil
}

// testRows is a small organisation for the screens.
func testRows(session string) []aws.Row {
	accounts := []struct{ name, id string }{
		{"acme-audit", "257969631036"},
		{"acme-log-archive", "239782810153"},
		{"acme-management", "982733540997"},
		{"acme-payments-prod", "849075888875"},
		{"acme-payments-dev", "927353545676"},
		{"acme-search-staging", "456745674567"},
	}
	roles := []string{"AdministratorAccess", "ViewOnlyAccess", "ReadOnlyAccess"}
	var rows []aws.Row
	for _, a := range accounts {
		for _, r := range roles {
			rows = append(rows, aws.Row{AccountID: a.id, AccountName: a.name, Email: "aws+" + a.name + "@acme.example", RoleName: r, Session: session})
		}
	}
	aws.SortRows(rows)
	return rows
}

// fakeBrowser records what it would open.
type fakeBrowser struct{ opened []string }

func (b *fakeBrowser) Open(url string) error { b.opened = append(b.opened, url); return nil }
func (b *fakeBrowser) CanOpen() bool         { return false }

// failingBrowser can open, it says, but every attempt fails.
type failingBrowser struct{}

func (failingBrowser) Open(string) error {
	return errors.New(`exec: "xdg-open": executable file not found in $PATH`)
}
func (failingBrowser) CanOpen() bool { return true }

// errSDK is an unshortened error of the AWS SDK, as the portal gives
// it when the network is down.
var errSDK = errors.New(`operation error SSO: ListAccounts, https response error StatusCode: 0, RequestID: , request send failed, Get "https://portal.sso.us-east-1.amazonaws.com/assignment/accounts?max_result=100": dial tcp: lookup portal.sso.us-east-1.amazonaws.com on 127.0.0.53:53: no such host`)

// authorizeURL is a browser sign-in URL of realistic length.
const authorizeURL = "https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=e3RfV2x1dFZfY0FqZUJ4dWlJT2VfUXVzLWVhc3QtMQ&redirect_uri=http%3A%2F%2F127.0.0.1%3A43617%2Foauth%2Fcallback&state=8f1c2f7e-3b9d-4a51-9c7e-2f6d1a0b5e44&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=Qm9vdHN0cmFwcGluZ0NoYWxsZW5nZVZhbHVlWFla"
