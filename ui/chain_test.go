package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ssopick/ssopick/aws"
)

// A chained profile is a row of its own, in the session it starts from,
// saying where it comes from, and the row under the cursor carries the
// chain to the action.
func TestChainedProfileIsARowThatSaysWhereItStarts(t *testing.T) {
	t.Parallel()
	rows := testRows("acme")
	from := rows[0]
	chain := aws.Chain{Profile: "deploy", From: aws.Row{AccountID: from.AccountID, RoleName: from.RoleName, Session: "acme"},
		Hops: []aws.Hop{{RoleARN: "arn:aws:iam::" + rows[len(rows)-1].AccountID + ":role/Deployer"}}}
	other := aws.Chain{Profile: "elsewhere", From: aws.Row{AccountID: from.AccountID, RoleName: from.RoleName, Session: "other"},
		Hops: []aws.Hop{{RoleARN: "arn:aws:iam::111122223333:role/Nope"}}}
	m := New(Options{Sources: []Source{&fakeSource{label: "acme", cached: rows, signedIn: true}}, Chains: []aws.Chain{chain, other},
		MaxAge: time.Hour, Now: func() time.Time { return testNow }, Browser: &fakeBrowser{}})
	m.Update(tea.WindowSizeMsg{Width: 160, Height: 40})
	for _, r := range "deploy" {
		m.Update(keyRune(r))
	}
	screen := screenText(m)
	want := "Deployer"
	if !strings.Contains(screen, want) || !strings.Contains(screen, "via "+from.RoleName+"@"+from.AccountName+", profile") {
		t.Fatalf("the chained row is not shown as such:\n%s", screen)
	}
	if strings.Contains(screen, "Nope") {
		t.Errorf("a chain of a session the picker does not list is shown:\n%s", screen)
	}
	it, ok := m.picker.selected()
	if !ok || it.row < 0 || m.picker.rows[it.row].Chain == nil || m.picker.rows[it.row].Chain.Profile != "deploy" {
		t.Errorf("the cursor is not on the chained row: %+v", it)
	}
}
