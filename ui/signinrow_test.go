package ui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ssopick/ssopick/aws"
)

// twoSessions is acme signed in and globex signed out, both with rows.
func twoSessions() *Model {
	return newTestApp(signedIn("acme"), &fakeSource{label: "globex", cached: testRows("globex")[:3]})
}

func typeKeys(m *Model, s string) {
	for _, r := range s {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// Once the person types, the cursor leaves the "sign in to …" row for the
// best match: Enter chooses that role, Down moves on from it.
func TestTypingPutsCursorOnBestMatchNotSignIn(t *testing.T) {
	for _, sz := range sizes {
		t.Run(sizeName(sz.w, sz.h), func(t *testing.T) {
			out := frame(t, twoSessions(), sz.w, sz.h, "sign in to globex", func(tm *teatest.TestModel) { tm.Type("aud vie") })
			teatest.RequireEqualOutput(t, []byte(out))
		})
	}

	m := twoSessions()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(tokenMsg{source: 0, expires: testNow.Add(8 * time.Hour)})
	m.Update(tokenMsg{source: 1, err: aws.ErrSignInRequired})
	if it, _ := m.picker.selected(); it.row >= 0 {
		t.Fatalf("with no query the sign-in row is not first: %+v", it)
	}
	typeKeys(m, "aud vie")
	got := selectedRow(t, m.picker)
	if got.AccountName != "acme-audit" || got.RoleName != "ViewOnlyAccess" || got.Session != "acme" {
		t.Fatalf("best match after typing: %+v", got)
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	if next := selectedRow(t, m.picker); next.Session != "globex" || next.RoleName != "ViewOnlyAccess" {
		t.Errorf("Down moved to %+v, want globex's acme-audit ViewOnlyAccess", next)
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyUp})
	m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if m.screen != screenActions || m.chosen.AccountName != "acme-audit" || m.chosen.RoleName != "ViewOnlyAccess" || m.chosen.Session != "acme" {
		t.Errorf("Enter: screen %v, chosen %+v", m.screen, m.chosen)
	}
}

// A sign-in row that appears after the person typed (the sign-in check
// answers late) does not take the cursor either.
func TestLateSignInRowDoesNotTakeTheCursor(t *testing.T) {
	m := twoSessions()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	typeKeys(m, "aud vie")
	m.Update(tokenMsg{source: 1, err: aws.ErrSignInRequired})
	if len(m.picker.signIns) != 1 {
		t.Fatalf("sign-in rows %v", m.picker.signIns)
	}
	if got := selectedRow(t, m.picker); got.AccountName != "acme-audit" || got.RoleName != "ViewOnlyAccess" || got.Session != "acme" {
		t.Errorf("cursor on %+v after a late sign-in row", got)
	}
	// A query nothing matches leaves only the sign-in row: Enter signs in.
	typeKeys(m, "zzz")
	if it, ok := m.picker.selected(); !ok || it.row >= 0 {
		t.Errorf("no match: selected %+v %v, want the sign-in row", it, ok)
	}
}

func sizeName(w, h int) string { return fmt.Sprintf("%dx%d", w, h) }
