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
	fetches   int
	signIns   int
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
	<-ctx.Done() // approval never comes; the test cancels or quits
	return time.Time{}, ctx.Err()
}

func (f *fakeSource) SignInBrowser(ctx context.Context, open func(string) error) (time.Time, error) {
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
