package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ssopick/ssopick/aws"
)

// errRefused is the check's refusal as aws.Auth.CheckStartURL says it.
var errRefused = errors.New(`IAM Identity Center in eu-west-1 does not know https://acme.awsapps.com/start; enter the SSO region that the access portal shows under "Access keys" (or ask your administrator), or correct the start URL`)

// setupRecorder is a first-run Setup that records what it is asked.
type setupRecorder struct {
	mu      sync.Mutex
	checked []aws.Session
	saved   []aws.Session
	refuse  bool // the check refuses every session
	block   bool // the check waits until cancelled
	ctxErr  error
}

func (r *setupRecorder) setup() *Setup {
	return &Setup{
		ConfigPath: "/home/me/.aws/config",
		Check: func(ctx context.Context, s aws.Session) error {
			r.mu.Lock()
			r.checked = append(r.checked, s)
			r.mu.Unlock()
			if r.block {
				<-ctx.Done()
				r.mu.Lock()
				r.ctxErr = ctx.Err()
				r.mu.Unlock()
				return ctx.Err()
			}
			if r.refuse {
				return errRefused
			}
			return nil
		},
		Save: func(s aws.Session) (Source, error) {
			r.mu.Lock()
			defer r.mu.Unlock()
			r.saved = append(r.saved, s)
			return &fakeSource{label: s.Name}, nil
		},
	}
}

func setupApp(r *setupRecorder) *Model {
	m := New(Options{MaxAge: time.Hour, Now: func() time.Time { return testNow }, Setup: r.setup()})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return m
}

func enterKey(m *Model) tea.Cmd {
	_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	return cmd
}

// The first-run form: placeholders read as examples, never as values; an
// empty region is us-east-1, as the screen says; the session name is
// asked for, filled in from the start URL; a bare host gets https://; the
// region is checked before anything is written, and a refusal is one
// sentence under the region saying what to do.
func TestSetupScreens(t *testing.T) {
	cases := []struct {
		name          string
		refuse, block bool
		waitFor       string
		steps         func(t *testing.T, tm *teatest.TestModel)
	}{
		{"empty", false, false, "Set up ssopick", nil},
		{"start-url-entered", false, false, "Set up ssopick", func(t *testing.T, tm *teatest.TestModel) {
			tm.Type("acme.awsapps.com/start")
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		}},
		{"checking", false, true, "Set up ssopick", func(t *testing.T, tm *teatest.TestModel) {
			tm.Type("acme.awsapps.com/start")
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			waitOutput(t, tm, "Checking")
		}},
		{"refused", true, false, "Set up ssopick", func(t *testing.T, tm *teatest.TestModel) {
			tm.Type("acme.awsapps.com/start")
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			tm.Type("eu-west-1")
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			waitOutput(t, tm, "IAM Identity Center in eu-west-1")
		}},
		{"bad-name", false, false, "Set up ssopick", func(t *testing.T, tm *teatest.TestModel) {
			tm.Type("https://acme.awsapps.com/start")
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
			tm.Type(" prod")
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		}},
	}
	for _, tc := range cases {
		for _, sz := range []struct{ w, h int }{{80, 24}, {50, 30}} {
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, sz.w, sz.h), func(t *testing.T) {
				rec := &setupRecorder{refuse: tc.refuse, block: tc.block}
				m := New(Options{MaxAge: time.Hour, Now: func() time.Time { return testNow }, Setup: rec.setup()})
				var steps func(*teatest.TestModel)
				if tc.steps != nil {
					steps = func(tm *teatest.TestModel) { tc.steps(t, tm) }
				}
				teatest.RequireEqualOutput(t, []byte(frame(t, m, sz.w, sz.h, tc.waitFor, steps)))
			})
		}
	}
}

func waitOutput(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	var seen []byte
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		seen = append(seen, b...)
		return bytes.Contains(seen, []byte(text))
	}, teatest.WithDuration(5*time.Second))
}

func TestSetupFillsInAndChecksBeforeSaving(t *testing.T) {
	rec := &setupRecorder{}
	m := setupApp(rec)
	typeKeys(m, "  acme.awsapps.com/start ")
	enterKey(m)
	if got := m.setup.inputs[fieldURL].Value(); got != "https://acme.awsapps.com/start" {
		t.Errorf("start URL %q, want https:// added", got)
	}
	if got := m.setup.inputs[fieldName].Value(); got != "acme" {
		t.Errorf("session name %q, want acme from the start URL", got)
	}
	if m.setup.focus != fieldRegion {
		t.Fatalf("focus %d after the start URL", m.setup.focus)
	}
	enterKey(m) // empty region: the default, as the screen says
	if m.setup.err != "" || m.setup.focus != fieldName {
		t.Fatalf("empty region: err %q, focus %d", m.setup.err, m.setup.focus)
	}
	cmd := enterKey(m)
	if !m.setup.checking || len(rec.saved) != 0 {
		t.Fatalf("no check before the save: checking %v, saved %v", m.setup.checking, rec.saved)
	}
	run(m, cmd, func() bool { return m.screen == screenSignIn })
	want := aws.Session{Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "us-east-1"}
	for what, got := range map[string][]aws.Session{"checked": rec.checked, "saved": rec.saved} {
		if len(got) != 1 || got[0].Name != want.Name || got[0].StartURL != want.StartURL || got[0].Region != want.Region {
			t.Errorf("%s %+v, want %+v", what, got, want)
		}
	}
	if m.screen != screenSignIn {
		t.Errorf("after setup: screen %v", m.screen)
	}
}

// A name the person typed is theirs: a later start URL does not replace
// it.
func TestSetupKeepsATypedName(t *testing.T) {
	rec := &setupRecorder{}
	m := setupApp(rec)
	typeKeys(m, "https://acme.awsapps.com/start")
	enterKey(m)
	typeKeys(m, "EU-West-1")
	enterKey(m)
	for range len("acme") {
		m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	typeKeys(m, "acme-prod")
	m.Update(tea.KeyPressMsg{Code: tea.KeyTab}) // back to the start URL
	if m.setup.focus != fieldURL {
		t.Fatalf("focus %d", m.setup.focus)
	}
	typeKeys(m, "x")
	enterKey(m)
	if got := m.setup.inputs[fieldName].Value(); got != "acme-prod" {
		t.Errorf("typed name replaced by %q", got)
	}
	if got := m.setup.sessionOf().Region; got != "eu-west-1" {
		t.Errorf("region %q", got)
	}
}

// A refusal writes nothing, shows under the region with the focus there,
// and goes once the region is edited; Esc cancels a check in flight.
func TestSetupRefusalAndCancel(t *testing.T) {
	rec := &setupRecorder{refuse: true}
	m := setupApp(rec)
	typeKeys(m, "https://acme.awsapps.com/start")
	enterKey(m)
	typeKeys(m, "eu-west-1")
	enterKey(m)
	run(m, enterKey(m), func() bool { return !m.setup.checking })
	if len(rec.saved) != 0 || m.setup.errField != fieldRegion || m.setup.focus != fieldRegion || m.setup.err != sentence(errRefused.Error()) {
		t.Fatalf("after a refusal: saved %v, error %q on field %d, focus %d", rec.saved, m.setup.err, m.setup.errField, m.setup.focus)
	}
	m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	if m.setup.err != "" {
		t.Errorf("the refusal stays after the region changed: %q", m.setup.err)
	}

	rec = &setupRecorder{block: true}
	m = setupApp(rec)
	typeKeys(m, "https://acme.awsapps.com/start")
	enterKey(m)
	enterKey(m)
	cmd := enterKey(m)
	done := make(chan tea.Msg)
	go func() { done <- firstOf[setupCheckedMsg](cmd) }()
	time.Sleep(20 * time.Millisecond)
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if m.setup == nil || m.setup.checking || m.screen != screenSetup {
		t.Fatalf("Esc during the check: setup %+v, screen %v", m.setup, m.screen)
	}
	// Enter checks again; the cancelled check's late answer does not end
	// the new one.
	if enterKey(m) == nil || !m.setup.checking {
		t.Fatal("no second check")
	}
	m.Update(<-done)
	if rec.ctxErr == nil || len(rec.saved) != 0 || m.setup.err != "" || !m.setup.checking {
		t.Errorf("cancelled check: ctx %v, saved %v, err %q, checking %v", rec.ctxErr, rec.saved, m.setup.err, m.setup.checking)
	}
	m.setup.cancel()
}

// firstOf runs cmd, and the commands of a batch it returns, until one
// gives a message of type T.
func firstOf[T tea.Msg](cmd tea.Cmd) tea.Msg {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		next := queue[0]
		queue = queue[1:]
		if next == nil {
			continue
		}
		switch msg := next().(type) {
		case T:
			return msg
		case tea.BatchMsg:
			queue = append(queue, msg...)
		}
	}
	return nil
}
