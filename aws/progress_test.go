package aws

import (
	"context"
	"testing"
	"time"

	"github.com/ssopick/ssopick/sandbox"
)

// The account list is complete long before the role listings are: the
// account pages do not wait for the workers, so a long listing knows its
// total early, and says so, with the pacer's rate for an estimate.
func TestProgressKnowsTheTotalEarly(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{Accounts: 250, Latency: 2 * time.Millisecond})
	conn := fx.signedIn(t)
	var first, last Progress
	seen := false
	_, err := conn.Fetch(context.Background(), func(p Progress) {
		if p.AccountsComplete && !seen {
			first, seen = p, true
		}
		if !p.AccountsComplete && p.AccountsTotal == 250 && p.AccountsDone == 250 {
			t.Errorf("every account listed, yet the list is not complete: %+v", p)
		}
		if p.Rate <= 0 {
			t.Errorf("no rate: %+v", p)
		}
		last = p
	})
	if err != nil {
		t.Fatal(err)
	}
	if !seen || first.AccountsTotal != 250 || first.AccountsDone > 125 {
		t.Errorf("the account list completed at %+v, want all 250 known before half are done", first)
	}
	if !last.AccountsComplete || last.AccountsDone != 250 || last.AccountsTotal != 250 {
		t.Errorf("last progress %+v", last)
	}
}
