package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

	"github.com/ssopick/ssopick/aws"
)

func emptyState() *State { return &State{Recent: map[string]time.Time{}, Starred: map[string]bool{}} }

func selectedRow(t *testing.T, p *picker) aws.Row {
	t.Helper()
	it, ok := p.selected()
	if !ok || it.row < 0 {
		t.Fatalf("no row selected (%+v, %v)", it, ok)
	}
	return p.rows[it.row]
}

func TestRankingRecentsAndStars(t *testing.T) {
	st := emptyState()
	rows := testRows("acme")
	p := newPicker(st)
	p.setHeight(50)
	p.setRows(rows, nil)
	if got := selectedRow(t, p); got.AccountName != "acme-audit" || got.RoleName != "AdministratorAccess" {
		t.Fatalf("first row without history: %+v", got)
	}

	// Recent use puts a row first when the query is empty, newest first.
	payments := rows[12] // acme-payments-prod AdministratorAccess
	search := rows[16]
	st.Used(payments, testNow.Add(-time.Hour))
	st.Used(search, testNow)
	p.stateChanged()
	p.refilter()
	if a, b := p.rows[p.results[0].row], p.rows[p.results[1].row]; RowKey(a) != RowKey(search) || RowKey(b) != RowKey(payments) {
		t.Errorf("recents not first: %v, %v", a, b)
	}

	// With a query, match quality decides before recency.
	p.setQuery("audit view")
	if got := selectedRow(t, p); got.AccountName != "acme-audit" || got.RoleName != "ViewOnlyAccess" {
		t.Errorf("audit view: %+v", got)
	}

	// A star keeps a row on top, with or without a query.
	starred := rows[5] // acme-log-archive ViewOnlyAccess
	st.ToggleStar(starred)
	p.stateChanged()
	p.setQuery("")
	if got := selectedRow(t, p); RowKey(got) != RowKey(starred) {
		t.Errorf("starred row not on top: %+v", got)
	}
	p.setQuery("acme")
	if got := selectedRow(t, p); RowKey(got) != RowKey(starred) {
		t.Errorf("starred row not on top with a query: %+v", got)
	}
	st.ToggleStar(starred)
	if st.Starred[RowKey(starred)] {
		t.Error("toggle did not unstar")
	}
}

func TestCursorStaysOnRowAcrossMerge(t *testing.T) {
	p := newPicker(emptyState())
	p.setHeight(5)
	rows := testRows("acme")
	p.setRows(rows, nil)
	p.setQuery("view")
	p.move(2)
	want := selectedRow(t, p)

	// A refresh adds accounts that sort before it and removes another.
	grown := append([]aws.Row{
		{AccountID: "111111111111", AccountName: "acme-aaa-new", RoleName: "ViewOnlyAccess", Session: "acme"},
		{AccountID: "111111111112", AccountName: "acme-aab-new", RoleName: "ViewOnlyAccess", Session: "acme"},
	}, rows[3:]...)
	aws.SortRows(grown)
	p.setRows(grown, nil)
	if got := selectedRow(t, p); RowKey(got) != RowKey(want) {
		t.Errorf("cursor moved from %v to %v", want, got)
	}
	if p.query != "view" {
		t.Errorf("query lost: %q", p.query)
	}
	// The selected row stays visible.
	if p.cursor < p.offset || p.cursor >= p.offset+p.height {
		t.Errorf("cursor %d outside window %d+%d", p.cursor, p.offset, p.height)
	}
}

func TestIncrementalFilterMatchesFullFilter(t *testing.T) {
	p := newPicker(emptyState())
	var rows []aws.Row
	for i := range 500 {
		rows = append(rows, aws.Row{AccountID: fmt.Sprintf("%012d", i*7919), AccountName: fmt.Sprintf("acme-team%d-prod", i), RoleName: []string{"ViewOnlyAccess", "AdministratorAccess"}[i%2], Session: "acme"})
	}
	p.setRows(rows, nil)
	for _, q := range []string{"t", "te", "tea", "team1", "team1 ", "team1 v", "team1 vi", "team1 view"} {
		p.setQuery(q)
		incremental := len(p.results)
		fresh := newPicker(emptyState())
		fresh.setRows(rows, nil)
		fresh.setQuery(q)
		if incremental != len(fresh.results) {
			t.Fatalf("%q: incremental %d results, full %d", q, incremental, len(fresh.results))
		}
	}
}

func TestBackgroundRefreshKeepsQueryAndSelection(t *testing.T) {
	src := &fakeSource{label: "acme", cached: testRows("acme"), signedIn: true}
	m := newTestApp(src)
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	for _, r := range "view" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	before := selectedRow(t, m.picker)
	fresh := append(testRows("acme"), aws.Row{AccountID: "000000000001", AccountName: "acme-aaa", RoleName: "ViewOnlyAccess", Session: "acme"})
	aws.SortRows(fresh)
	m.Update(fetchDoneMsg{source: 0, cat: &aws.Catalogue{Rows: fresh, FetchedAt: testNow}})
	if m.query.Value() != "view" || RowKey(selectedRow(t, m.picker)) != RowKey(before) {
		t.Errorf("after refresh: query %q, selected %v, want %v", m.query.Value(), selectedRow(t, m.picker), before)
	}
	fresh2 := newPicker(emptyState())
	fresh2.setRows(fresh, nil)
	fresh2.setQuery("view")
	if shown, total := m.picker.counts(); total != 19 || shown != len(fresh2.results) {
		t.Errorf("counts %d of %d, want %d of 19", shown, total, len(fresh2.results))
	}
}

func TestRowsStreamInWithoutACache(t *testing.T) {
	m := newTestApp(&fakeSource{label: "acme", signedIn: true})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(tokenMsg{source: 0, expires: testNow.Add(time.Hour)})
	if !m.sessions[0].loading || !m.sessions[0].initial {
		t.Fatal("no initial load started")
	}
	rows := testRows("acme")
	m.Update(fetchProgressMsg{source: 0, progress: aws.Progress{AccountsDone: 1, AccountsTotal: 6, Rows: rows[:3]}})
	for _, r := range "audit" {
		m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if shown, total := m.picker.counts(); shown != 3 || total != 3 {
		t.Errorf("while streaming: %d of %d", shown, total)
	}
	m.Update(fetchProgressMsg{source: 0, progress: aws.Progress{AccountsDone: 6, AccountsTotal: 6, Rows: rows[3:]}})
	m.Update(fetchDoneMsg{source: 0, cat: &aws.Catalogue{Rows: rows, FetchedAt: testNow}})
	if _, total := m.picker.counts(); total != len(rows) || m.query.Value() != "audit" {
		t.Errorf("after load: %d rows, query %q", total, m.query.Value())
	}
}

func TestEnterOnSignedOutSessionSignsInThenChooses(t *testing.T) {
	src := &fakeSource{label: "acme", cached: testRows("acme")}
	m := New(Options{Sources: []Source{src}, MaxAge: time.Hour, Now: func() time.Time { return testNow }, Browser: canOpen{}})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(tokenMsg{source: 0, err: aws.ErrSignInRequired})
	// The sign-in row comes first; the person picks a role below it.
	m.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	want := selectedRow(t, m.picker)
	cmd := m.choose()
	if m.screen != screenSignIn || m.pending == nil {
		t.Fatalf("screen %v, pending %v", m.screen, m.pending)
	}
	// Run the sign-in stream to its end (the browser flow of the fake
	// succeeds at once).
	run(m, cmd, func() bool { return m.screen == screenActions })
	if m.screen != screenActions || RowKey(m.chosen) != RowKey(want) {
		t.Errorf("after sign-in: screen %v, chosen %v, want %v", m.screen, m.chosen, want)
	}
}

// canOpen is a browser that can be opened and does nothing.
type canOpen struct{}

func (canOpen) Open(string) error { return nil }
func (canOpen) CanOpen() bool     { return true }

func TestFirstRunFormValidatesAndSaves(t *testing.T) {
	var saved aws.Session
	src := &fakeSource{label: "acme", cached: testRows("acme")}
	m := New(Options{MaxAge: time.Hour, Now: func() time.Time { return testNow }, Setup: &Setup{
		ConfigPath: "/home/me/.aws/config",
		Save: func(s aws.Session) (Source, error) {
			saved = s
			return src, nil
		},
	}})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	typeText := func(s string) {
		for _, r := range s {
			m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	enter := func() tea.Cmd { _, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}); return cmd }

	typeText("not a url")
	enter()
	if m.setup.err == "" || m.setup.focus != 0 {
		t.Fatalf("bad URL accepted: %+v", m.setup)
	}
	for range len("not a url") {
		m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeText("https://acme.awsapps.com/start")
	enter()
	typeText("mars-1")
	enter()
	if m.setup.err == "" {
		t.Fatal("bad region accepted")
	}
	for range len("mars-1") {
		m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeText("eu-west-1")
	enter() // the session name, filled in from the start URL
	cmd := enter()
	if cmd == nil {
		t.Fatal("no save started")
	}
	run(m, cmd, func() bool { return m.screen == screenSignIn })
	if saved.Name != "acme" || saved.StartURL != "https://acme.awsapps.com/start" || saved.Region != "eu-west-1" {
		t.Errorf("saved %+v", saved)
	}
	if m.screen != screenSignIn || len(m.sessions) != 1 {
		t.Errorf("after setup: screen %v, %d sessions", m.screen, len(m.sessions))
	}
}

func TestStateSavesAtomicallyAndForgetsOldest(t *testing.T) {
	path := t.TempDir() + "/state/state.json"
	st := LoadState(path)
	rows := testRows("acme")
	for i := range maxRecents + 5 {
		st.Used(rows[i%len(rows)], testNow.Add(time.Duration(i)*time.Minute))
		st.Used(aws.Row{Session: "acme", AccountID: fmt.Sprint(i), RoleName: "R"}, testNow.Add(time.Duration(i)*time.Minute))
	}
	if len(st.Recent) != maxRecents {
		t.Errorf("%d recents kept, want %d", len(st.Recent), maxRecents)
	}
	st.ToggleStar(rows[0])
	if err := st.Save(path); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v %v", info, err)
	}
	again := LoadState(path)
	if !again.Starred[RowKey(rows[0])] || len(again.Recent) != maxRecents {
		t.Errorf("reloaded %d recents, star %v", len(again.Recent), again.Starred)
	}
	if err := os.WriteFile(path, []byte("{broken"), 0o600); err != nil {
		t.Fatal(err)
	}
	if broken := LoadState(path); len(broken.Recent) != 0 || broken.Starred == nil {
		t.Error("a corrupt state file must load as empty")
	}
}

func TestListingRestartForgetsStreamedRows(t *testing.T) {
	m := newTestApp(&fakeSource{label: "acme", signedIn: true})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(tokenMsg{source: 0, expires: testNow.Add(time.Hour)})
	rows := testRows("acme")
	m.Update(fetchProgressMsg{source: 0, progress: aws.Progress{AccountsDone: 1, AccountsTotal: 6, Rows: rows[:6]}})
	m.Update(fetchProgressMsg{source: 0, progress: aws.Progress{Restart: true}})
	m.Update(fetchProgressMsg{source: 0, progress: aws.Progress{AccountsDone: 6, AccountsTotal: 6, Rows: rows}})
	if _, total := m.picker.counts(); total != len(rows) {
		t.Errorf("%d rows after a restarted listing, want %d (no duplicates)", total, len(rows))
	}
}

func TestBackgroundPanicBecomesAnError(t *testing.T) {
	s := startStream(context.Background(), func(func(tea.Msg)) { panic("boom") },
		func(err error) tea.Msg { return fetchDoneMsg{err: err} })
	msg := s.listen()().(streamMsg).msg.(fetchDoneMsg)
	if msg.err == nil || !strings.Contains(msg.err.Error(), "internal error: boom") {
		t.Errorf("panic became %v", msg.err)
	}
}

func TestEscAfterSetupLeavesASignInRow(t *testing.T) {
	src := &fakeSource{label: "acme"}
	m := New(Options{MaxAge: time.Hour, Now: func() time.Time { return testNow }, Setup: &Setup{ConfigPath: "/c", Save: func(aws.Session) (Source, error) { return src, nil }}})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.Update(setupDoneMsg{src: src})
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.screen != screenPicker || len(m.picker.signIns) != 1 {
		t.Errorf("after Esc: screen %v, sign-in rows %v", m.screen, m.picker.signIns)
	}
}

// recordingBrowser can open and remembers what it was asked to.
type recordingBrowser struct{ opened []string }

func (b *recordingBrowser) Open(url string) error { b.opened = append(b.opened, url); return nil }
func (b *recordingBrowser) CanOpen() bool         { return true }

func TestDeviceSignInOpensTheCodePage(t *testing.T) {
	b := &recordingBrowser{}
	m := New(Options{Sources: []Source{&fakeSource{label: "acme"}}, DeviceCode: true, Browser: b, MaxAge: time.Hour, Now: func() time.Time { return testNow }})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.startSignIn(0)
	d := aws.DeviceCode{UserCode: "ABCD-EFGH", VerificationURIComplete: "https://device/?user_code=ABCD-EFGH"}
	_, cmd := m.Update(signInPromptMsg{source: 0, device: &d})
	if cmd == nil {
		t.Fatal("no browser opened for the device code")
	}
	cmd()
	if len(b.opened) != 1 || b.opened[0] != d.VerificationURIComplete {
		t.Errorf("opened %v", b.opened)
	}
	m.signin.cancel()
}

// run executes cmd and what its messages lead to, as the Bubble Tea loop
// would, until done says so or nothing is left; spinner and clock ticks
// are dropped (they only redraw).
func run(m *Model, cmd tea.Cmd, done func() bool) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 && !done() {
		next := queue[0]
		queue = queue[1:]
		if next == nil {
			continue
		}
		switch msg := next().(type) {
		case nil, spinner.TickMsg, tickMsg:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		default:
			_, more := m.Update(msg)
			queue = append(queue, more)
		}
	}
}
