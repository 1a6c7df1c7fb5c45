package ui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ssopick/ssopick/aws"
)

// listingSource is a signed-in source whose listing reports the given
// progress, then waits until the test ends.
type listingSource struct {
	*fakeSource
	steps []aws.Progress
}

func (l *listingSource) Fetch(ctx context.Context, progress func(aws.Progress)) (*aws.Catalogue, error) {
	for _, p := range l.steps {
		progress(p)
	}
	<-ctx.Done()
	return nil, ctx.Err()
}

// A first listing says what it knows: while account pages still arrive,
// the accounts known so far and those whose roles are listed, and no bar;
// once the account list is complete, a bar of the true share and the time
// left at the pacer's rate. A refresh says the same beside the list.
func TestListingProgressScreens(t *testing.T) {
	rows := testRows("acme")
	cases := []struct {
		name    string
		cached  []aws.Row
		steps   []aws.Progress
		waitFor string
	}{
		{"accounts-so-far", nil, []aws.Progress{
			{AccountsTotal: 100, Rate: 20},
			{AccountsDone: 16, AccountsTotal: 100, Rate: 20, Rows: rows[:9]},
			{AccountsDone: 1210, AccountsTotal: 1846, Rate: 40, Rows: rows[9:]},
		}, "roles for 1,210"},
		{"total-known", nil, []aws.Progress{
			{AccountsDone: 16, AccountsTotal: 1846, Rate: 20, Rows: rows[:9]},
			{AccountsDone: 1210, AccountsTotal: 1846, AccountsComplete: true, Rate: 20, Rows: rows[9:]},
		}, "to go"},
		{"refresh", rows, []aws.Progress{
			{AccountsDone: 1210, AccountsTotal: 1846, AccountsComplete: true, Rate: 8},
		}, "refreshing acme"},
	}
	for _, tc := range cases {
		for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}, {50, 20}} {
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, sz.w, sz.h), func(t *testing.T) {
				src := &listingSource{fakeSource: &fakeSource{label: "acme", cached: tc.cached, signedIn: true}, steps: tc.steps}
				m := New(Options{Sources: []Source{src}, MaxAge: time.Nanosecond, Now: func() time.Time { return testNow }, Browser: &fakeBrowser{}})
				teatest.RequireEqualOutput(t, []byte(frame(t, m, sz.w, sz.h, tc.waitFor, nil)))
			})
		}
	}
}

func TestListingText(t *testing.T) {
	for _, tc := range []struct {
		p    aws.Progress
		rate float64
		want string
	}{
		{aws.Progress{}, 20, "listing accounts…"},
		{aws.Progress{AccountsTotal: 1, Rate: 20}, 20, "1 account so far, roles for 0"},
		{aws.Progress{AccountsDone: 1210, AccountsTotal: 1846}, 20, "1,846 accounts so far, roles for 1,210"},
		{aws.Progress{AccountsDone: 1210, AccountsTotal: 1846, AccountsComplete: true}, 20, "roles for 1,210 of 1,846 accounts, about 30s to go"},
		{aws.Progress{AccountsDone: 1210, AccountsTotal: 1846, AccountsComplete: true}, 0, "roles for 1,210 of 1,846 accounts"},
		{aws.Progress{AccountsDone: 12, AccountsTotal: 20000, AccountsComplete: true}, 20, "roles for 12 of 20,000 accounts, about 17m to go"},
		{aws.Progress{AccountsDone: 1, AccountsTotal: 1, AccountsComplete: true}, 20, "roles for 1 of 1 account"},
		{aws.Progress{AccountsDone: 90, AccountsTotal: 100, AccountsComplete: true}, 20, "roles for 90 of 100 accounts, a few seconds to go"},
	} {
		if got := listingText(tc.p, tc.rate); got != tc.want {
			t.Errorf("%+v at %v/s: %q, want %q", tc.p, tc.rate, got, tc.want)
		}
	}
	for d, want := range map[time.Duration]string{
		3 * time.Second:                  "a few seconds",
		42 * time.Second:                 "about 40s",
		150 * time.Second:                "about 2m30s",
		3 * time.Minute:                  "about 3m",
		12*time.Minute + 20*time.Second:  "about 12m",
		65*time.Minute + 10*time.Second:  "about 1h05m",
		119*time.Minute + 50*time.Second: "about 2h00m",
	} {
		if got := aboutText(d); got != want {
			t.Errorf("%v: %q, want %q", d, got, want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1846: "1,846", 1234567: "1,234,567", -1500: "-1,500"} {
		if got := thousands(n); got != want {
			t.Errorf("%d: %q, want %q", n, got, want)
		}
	}
}

// The estimate uses the pacer's rate until a few seconds of the listing
// have been seen, then the speed measured over the last seconds.
func TestListingRate(t *testing.T) {
	s := &session{progress: aws.Progress{Rate: 100}}
	s.record(testNow, 0)
	s.record(testNow.Add(time.Second), 25)
	if r := s.listingRate(); r != 100 {
		t.Errorf("after a second: %v, want the pacer's 100/s", r)
	}
	for i := 2; i <= 30; i++ {
		s.record(testNow.Add(time.Duration(i)*time.Second), i*25)
	}
	if r := s.listingRate(); r != 25 {
		t.Errorf("measured 25/s under a pacer at 100/s: %v", r)
	}
	if span := s.samples[len(s.samples)-1].at.Sub(s.samples[0].at); span > rateWindow {
		t.Errorf("samples span %v", span)
	}
	s.progress.Rate = 10
	if r := s.listingRate(); r != 25 {
		t.Errorf("pacer at 10/s, measured 25/s: %v", r)
	}
}
