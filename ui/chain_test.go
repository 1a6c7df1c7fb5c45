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

// Rows streaming in during a first listing arrive unsorted; the cursor
// stays on the row it was on as they are sorted in.
func TestStreamedRowsKeepTheCursorsRow(t *testing.T) {
	t.Parallel()
	m := newTestApp(&fakeSource{label: "acme", signedIn: true})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(tokenMsg{source: 0, expires: testNow.Add(time.Hour)})
	row := func(name string) aws.Row {
		return aws.Row{AccountID: strings.Repeat(map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}[name], 12), AccountName: name, RoleName: "R", Session: "acme"}
	}
	for _, name := range []string{"b", "d", "c"} {
		m.Update(fetchProgressMsg{source: 0, progress: aws.Progress{AccountsDone: 1, AccountsTotal: 9, Rows: []aws.Row{row(name)}}})
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	before := selectedRow(t, m.picker).AccountName
	m.Update(fetchProgressMsg{source: 0, progress: aws.Progress{AccountsDone: 2, AccountsTotal: 9, Rows: []aws.Row{row("a")}}})
	if after := selectedRow(t, m.picker).AccountName; after != before {
		t.Errorf("the cursor moved from %s to %s as a row arrived", before, after)
	}
}
