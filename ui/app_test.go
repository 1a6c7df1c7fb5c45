package ui

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
)

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}}

// spinnerFrames are normalised in goldens: the frame depends on timing.
var spinnerFrames = regexp.MustCompile(`[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]`)

func newTestApp(sources ...Source) *Model {
	return New(Options{Sources: sources, MaxAge: time.Hour, Now: func() time.Time { return testNow }, Browser: &fakeBrowser{}})
}

// frame runs the app at w×h, applies steps once text appears, and
// returns the final frame without colours.
func frame(t *testing.T, m *Model, w, h int, waitFor string, steps func(tm *teatest.TestModel)) string {
	t.Helper()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(waitFor)) },
		teatest.WithDuration(5*time.Second))
	if steps != nil {
		steps(tm)
	}
	// Let the last keys reach the model before the frame is taken.
	time.Sleep(50 * time.Millisecond)
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	return spinnerFrames.ReplaceAllString(ansi.Strip(final.View().Content), "*")
}

func signedIn(label string) *fakeSource {
	return &fakeSource{label: label, cached: testRows(label), signedIn: true}
}

func TestScreens(t *testing.T) {
	cases := []struct {
		name    string
		app     func() *Model
		waitFor string
		steps   func(tm *teatest.TestModel)
	}{
		// "8h00m left" is there once the token check has answered: waiting
		// for the list alone raced it on a busy machine.
		{"list", func() *Model { return newTestApp(signedIn("acme")) }, "8h00m left", nil},
		{"filtered", func() *Model { return newTestApp(signedIn("acme")) }, "8h00m left", func(tm *teatest.TestModel) { tm.Type("prod adm") }},
		{"empty", func() *Model { return newTestApp(signedIn("acme")) }, "8h00m left", func(tm *teatest.TestModel) { tm.Type("zzzz") }},
		{"actions", func() *Model { return newTestApp(signedIn("acme")) }, "18 of 18", func(tm *teatest.TestModel) {
			tm.Type("audit view")
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		}},
		{"help", func() *Model { return newTestApp(signedIn("acme")) }, "8h00m left", func(tm *teatest.TestModel) { tm.Type("?") }},
		{"signin", func() *Model { return newTestApp(&fakeSource{label: "acme"}) }, "WDJB-MJHT", nil},
		{"two-sessions", func() *Model {
			return newTestApp(signedIn("acme"), &fakeSource{label: "globex", cached: testRows("globex")[:3]})
		}, "sign in to globex", nil},
	}
	for _, tc := range cases {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s/%dx%d", tc.name, sz.w, sz.h), func(t *testing.T) {
				out := frame(t, tc.app(), sz.w, sz.h, tc.waitFor, tc.steps)
				teatest.RequireEqualOutput(t, []byte(out))
			})
		}
	}
	t.Run("narrow/50x20", func(t *testing.T) {
		teatest.RequireEqualOutput(t, []byte(frame(t, newTestApp(signedIn("acme")), 50, 20, "8h00m left", nil)))
	})
	t.Run("too-small/30x6", func(t *testing.T) {
		teatest.RequireEqualOutput(t, []byte(frame(t, newTestApp(signedIn("acme")), 30, 6, "too small", nil)))
	})
	t.Run("too-small/20x5", func(t *testing.T) {
		teatest.RequireEqualOutput(t, []byte(frame(t, newTestApp(signedIn("acme")), 20, 5, "q quits", nil)))
	})
	t.Run("signin/40x8", func(t *testing.T) {
		teatest.RequireEqualOutput(t, []byte(frame(t, newTestApp(&fakeSource{label: "acme"}), 40, 8, "WDJB-MJHT", nil)))
	})

	// Errors and sign-in URLs are shown whole, wrapped to the width; the
	// list gives up lines for them.
	refreshError := func() *Model {
		src := &fakeSource{label: "acme", cached: testRows("acme"), signedIn: true, fetchErr: errSDK}
		return New(Options{Sources: []Source{src}, MaxAge: time.Second, Now: func() time.Time { return testNow }, Browser: &fakeBrowser{}})
	}
	for _, sz := range []struct{ w, h int }{{80, 24}, {120, 40}, {50, 20}, {40, 8}} {
		t.Run(fmt.Sprintf("refresh-error/%dx%d", sz.w, sz.h), func(t *testing.T) {
			teatest.RequireEqualOutput(t, []byte(frame(t, refreshError(), sz.w, sz.h, "Could not", nil)))
		})
	}
	signInError := func() *Model {
		return newTestApp(&fakeSource{label: "acme", signInErr: fmt.Errorf("sign in to acme: %w", errSDK)})
	}
	for _, sz := range []struct{ w, h int }{{80, 24}, {40, 8}} {
		t.Run(fmt.Sprintf("signin-error/%dx%d", sz.w, sz.h), func(t *testing.T) {
			teatest.RequireEqualOutput(t, []byte(frame(t, signInError(), sz.w, sz.h, "try again", nil)))
		})
	}
	// --no-browser without --use-device-code: the authorize URL, to open
	// by hand on this machine.
	noBrowser := func() *Model {
		return New(Options{Sources: []Source{&fakeSource{label: "acme", authorizeURL: authorizeURL}}, NoBrowser: true,
			MaxAge: time.Hour, Now: func() time.Time { return testNow }})
	}
	for _, sz := range []struct{ w, h int }{{80, 24}, {40, 8}} {
		t.Run(fmt.Sprintf("signin-browser/%dx%d", sz.w, sz.h), func(t *testing.T) {
			teatest.RequireEqualOutput(t, []byte(frame(t, noBrowser(), sz.w, sz.h, "Waiting for the sign-in", nil)))
		})
	}
	t.Run("signin-browser-failed/80x24", func(t *testing.T) {
		m := New(Options{Sources: []Source{&fakeSource{label: "acme", authorizeURL: authorizeURL}},
			Browser: failingBrowser{}, MaxAge: time.Hour, Now: func() time.Time { return testNow }})
		teatest.RequireEqualOutput(t, []byte(frame(t, m, 80, 24, "Could not open", nil)))
	})
	t.Run("signin-copied/80x24", func(t *testing.T) {
		teatest.RequireEqualOutput(t, []byte(frame(t, newTestApp(&fakeSource{label: "acme"}), 80, 24, "WDJB-MJHT", func(tm *teatest.TestModel) {
			tm.Type("c")
		})))
	})
}

func TestFilteredScreenHighlightsMatches(t *testing.T) {
	tm := teatest.NewTestModel(t, newTestApp(signedIn("acme")), teatest.WithInitialTermSize(100, 20))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("18 of 18")) })
	tm.Type("audit")
	time.Sleep(50 * time.Millisecond)
	_ = tm.Quit()
	view := tm.FinalModel(t).(*Model).View().Content
	// "audit" is underlined (SGR 4) inside the first row's account name.
	first := strings.Split(view, "\n")[1]
	if !strings.Contains(first, "\x1b[") || !strings.Contains(first, "4") || !strings.Contains(ansi.Strip(first), "acme-audit") {
		t.Errorf("first row not highlighted: %q", first)
	}
}
