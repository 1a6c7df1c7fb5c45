package ui

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ssopick/ssopick/aws"
)

// Keys as the terminal sends them.
var (
	keyEnter = tea.KeyPressMsg{Code: tea.KeyEnter}
	keyEsc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	keyCtrlC = tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
)

func keyRune(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// screenText is the frame as the person sees it: no escape sequences.
func screenText(m *Model) string { return ansi.Strip(m.View().Content) }

// checkFits fails unless every line of the frame fits the window and the
// frame has no more lines than the window.
func checkFits(t *testing.T, m *Model) []string {
	t.Helper()
	lines := strings.Split(screenText(m), "\n")
	if len(lines) > m.height {
		t.Errorf("%dx%d: %d lines", m.width, m.height, len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > m.width {
			t.Errorf("%dx%d: line %d is %d cells: %q", m.width, m.height, i, w, l)
		}
	}
	return lines
}

// squeeze drops all white space, so wrapped text compares with its source.
func squeeze(s string) string { return strings.Join(strings.Fields(s), "") }

func eachSize(f func(w, h int)) {
	for w := minWidth; w <= 140; w += 7 {
		for h := minHeight; h <= 40; h += 4 {
			f(w, h)
		}
	}
}

// A listing error is shown whole, wrapped to the width, at every size
// where it can be; the list gives up lines for it and keeps the cursor
// in view.
func TestListingErrorIsWrappedAndTheListShrinks(t *testing.T) {
	eachSize(func(w, h int) {
		m := newTestApp(signedIn("acme"))
		m.Update(tea.WindowSizeMsg{Width: w, Height: h})
		m.Update(tea.KeyPressMsg{Code: tea.KeyEnd}) // the cursor on the last row
		m.Update(fetchDoneMsg{source: 0, err: errSDK})
		lines := checkFits(t, m)
		if len(lines) != h {
			t.Errorf("%dx%d: %d lines, want the window filled", w, h, len(lines))
		}
		status := wrapLines(m.status, w)
		switch {
		case len(status) <= h-3:
			if !strings.Contains(squeeze(strings.Join(lines, "\n")), squeeze(m.status)) {
				t.Errorf("%dx%d: the error is not shown whole:\n%s", w, h, strings.Join(lines, "\n"))
			}
		default: // only an error longer than the window is cut, and says so
			if !strings.HasSuffix(lines[len(lines)-2], "…") {
				t.Errorf("%dx%d: a cut error does not end with …:\n%s", w, h, strings.Join(lines, "\n"))
			}
		}
		if !strings.Contains(strings.Join(lines, "\n"), "▸") {
			t.Errorf("%dx%d: the selected row is not visible:\n%s", w, h, strings.Join(lines, "\n"))
		}
		if listed := h - 2 - len(m.statusLines()); m.picker.height != max(1, listed) {
			t.Errorf("%dx%d: the picker pages by %d lines, %d are shown", w, h, m.picker.height, listed)
		}
		m.cancel()
	})
}

// Multi-line errors keep every line, and control characters from a
// service reach the terminal visible, not as escape sequences.
func TestStatusKeepsEveryLineAndShowsControlCharacters(t *testing.T) {
	m := newTestApp(signedIn("acme"))
	defer m.cancel()
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(fetchDoneMsg{source: 0, err: errors.New("first line\nsecond line with \x1b[31mred\x1b[0m\tand a tab")})
	view := m.View().Content
	plain := ansi.Strip(view)
	for _, want := range []string{"Could not refresh acme: first line", `second line with \x1b[31mred\x1b[0m and a tab`} {
		if !strings.Contains(plain, want) {
			t.Errorf("status lacks %q:\n%s", want, plain)
		}
	}
	if strings.Contains(view, "\x1b[31m") {
		t.Error("an escape sequence from the error reached the terminal")
	}
}

func TestWrapLines(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  []string
	}{
		{"one two three", 7, []string{"one two", "three"}},
		// Host names are not broken at their hyphens; a word wider than
		// the window starts a line and is cut every width cells.
		{"lookup portal.sso.us-east-1.amazonaws.com failed", 20, []string{"lookup", "portal.sso.us-east-1", ".amazonaws.com", "failed"}},
		{"a\nb c", 10, []string{"a", "b c"}},
		{"日本語の説明", 5, []string{"日本", "語の", "説明"}},
		{"", 10, []string{""}},
	} {
		if got := wrapLines(tc.in, tc.width); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("wrapLines(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}

// signInApp is on the sign-in screen of a session that waits forever,
// with the prompt shown.
func signInApp(t *testing.T, opts Options, prompt signInPromptMsg, w, h int) *Model {
	t.Helper()
	src := &fakeSource{label: "acme", authorizeURL: prompt.url}
	opts.Sources, opts.MaxAge, opts.Now = []Source{src}, time.Hour, func() time.Time { return testNow }
	m := New(opts)
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.startSignIn(0)
	m.Update(prompt)
	t.Cleanup(m.cancel)
	return m
}

func devicePrompt() signInPromptMsg {
	return signInPromptMsg{device: &aws.DeviceCode{UserCode: "WDJB-MJHT", VerificationURI: "https://device.sso.us-east-1.amazonaws.com/",
		VerificationURIComplete: "https://device.sso.us-east-1.amazonaws.com/?user_code=WDJB-MJHT", ExpiresAt: testNow.Add(10 * time.Minute)}}
}

// The sign-in URL is never cut or shortened with "…": it is shown whole,
// hard-wrapped with no indent inside it, or, in a window too small for
// it, the screen says so and how to get it.
func TestSignInURLIsShownWhole(t *testing.T) {
	for _, prompt := range []signInPromptMsg{{url: authorizeURL}, devicePrompt()} {
		url := prompt.url
		if prompt.device != nil {
			url = prompt.device.VerificationURIComplete
		}
		eachSize(func(w, h int) {
			m := signInApp(t, Options{NoBrowser: true}, prompt, w, h)
			lines := checkFits(t, m)
			text := strings.Join(lines, "\n")
			if strings.Contains(strings.Join(lines, " "), "too small for the whole sign-in URL") {
				if w*h >= 80*24 {
					t.Errorf("%dx%d: no room for the URL?\n%s", w, h, text)
				}
				return
			}
			if !strings.Contains(squeeze(text), url) {
				t.Errorf("%dx%d: the URL is not shown whole:\n%s", w, h, text)
			}
			if prompt.device != nil && !strings.Contains(text, "WDJB-MJHT") {
				t.Errorf("%dx%d: no user code:\n%s", w, h, text)
			}
			if strings.Contains(text, "…") && !strings.Contains(text, "Waiting") {
				t.Errorf("%dx%d: something is cut:\n%s", w, h, text)
			}
			if len(url)+2 > w {
				// Hard-wrapped: the lines of the URL are whole lines.
				first := url[:w]
				if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(first) + `$`).MatchString(text) {
					t.Errorf("%dx%d: the URL does not start a full line:\n%s", w, h, text)
				}
			}
		})
	}
}

func TestCopySignInURLSaysSoOnTheScreen(t *testing.T) {
	m := signInApp(t, Options{Browser: &fakeBrowser{}}, devicePrompt(), 80, 24)
	_, cmd := m.Update(keyRune('c'))
	if cmd == nil {
		t.Fatal("c copies nothing")
	}
	if got, want := cmd(), tea.SetClipboard(devicePrompt().device.VerificationURIComplete)(); !reflect.DeepEqual(got, want) {
		t.Errorf("c sends %#v, want %#v", got, want)
	}
	if text := screenText(m); !strings.Contains(text, "Copied the sign-in URL to the clipboard.") {
		t.Errorf("no feedback on the screen:\n%s", text)
	}
	// The feedback belongs to the sign-in: it does not linger in the
	// picker's status.
	m.Update(keyEsc)
	if m.status != "" || strings.Contains(screenText(m), "Copied") {
		t.Errorf("after Esc: status %q", m.status)
	}
}

// A browser that cannot be opened is one sentence beside the URL; the
// sign-in keeps waiting.
func TestBrowserFailureKeepsWaitingWithTheURL(t *testing.T) {
	src := &fakeSource{label: "acme", authorizeURL: authorizeURL}
	m := New(Options{Sources: []Source{src}, Browser: failingBrowser{}, MaxAge: time.Hour, Now: func() time.Time { return testNow }})
	defer m.cancel()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	run(m, m.startSignIn(0), func() bool { return m.signin != nil && m.signin.browserErr != nil })
	if m.screen != screenSignIn || m.signin == nil || m.signin.err != nil {
		t.Fatalf("screen %v, sign-in %+v", m.screen, m.signin)
	}
	text := screenText(m)
	for _, want := range []string{
		`Could not open a browser (exec: "xdg-open": executable file not found in $PATH); open the URL above yourself.`,
		"Open this sign-in URL in a browser on this machine:",
		"Waiting for the sign-in",
	} {
		if !strings.Contains(strings.Join(strings.Split(text, "\n"), " "), want) {
			t.Errorf("screen lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(squeeze(text), authorizeURL) {
		t.Errorf("URL not shown whole:\n%s", text)
	}
	if m.status != "" {
		t.Errorf("the failure went to the picker's status too: %q", m.status)
	}

	// Opening it by hand with o works again: the screen says so.
	m.opts.Browser = &recordingBrowser{}
	_, cmd := m.Update(keyRune('o'))
	if cmd == nil {
		t.Fatal("o opens nothing")
	}
	m.Update(cmd())
	if text := screenText(m); strings.Contains(text, "Could not open") || !strings.Contains(text, "Opened the sign-in URL in your browser.") {
		t.Errorf("after o:\n%s", text)
	}
}

// As `ssopick demo` runs it: --no-browser and the device flow. The URL
// and the code are shown, no browser is opened or offered.
func TestNoBrowserDeviceSignIn(t *testing.T) {
	b := &recordingBrowser{}
	m := signInApp(t, Options{NoBrowser: true, DeviceCode: true, Browser: b}, signInPromptMsg{}, 80, 24)
	if m.signin.autoOpen {
		t.Error("--no-browser would open a browser")
	}
	if _, cmd := m.Update(devicePrompt()); cmd != nil {
		t.Errorf("the code page is opened with --no-browser: %v", cmd)
	}
	text := screenText(m)
	for _, want := range []string{"https://device.sso.us-east-1.amazonaws.com/?user_code=WDJB-MJHT", "WDJB-MJHT", "c copy the sign-in URL"} {
		if !strings.Contains(text, want) {
			t.Errorf("screen lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "open the sign-in URL in a browser") {
		t.Errorf("a browser is offered with --no-browser:\n%s", text)
	}
	if _, cmd := m.Update(keyRune('o')); cmd != nil {
		t.Error("o opens a browser with --no-browser")
	}
	if text := screenText(m); !strings.Contains(text, "--no-browser") {
		t.Errorf("o says nothing:\n%s", text)
	}
	if len(b.opened) != 0 {
		t.Errorf("opened %v", b.opened)
	}
}

// While "Terminal too small" is shown, keys do nothing but quit: nobody
// can see what they would act on.
func TestTooSmallWindowIgnoresKeys(t *testing.T) {
	m := newTestApp(signedIn("acme"))
	defer m.cancel()
	m.Update(tea.WindowSizeMsg{Width: 20, Height: 5})
	var keys []tea.Msg
	for _, r := range "prod" {
		keys = append(keys, keyRune(r))
	}
	keys = append(keys, keyEnter, tea.KeyPressMsg{Code: tea.KeyDown}, tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl},
		tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}, keyRune('?'), keyRune('u'), tea.PasteMsg{Content: "prod"}, keyEnter)
	for _, k := range keys {
		if _, cmd := m.Update(k); cmd != nil {
			t.Errorf("%v gave a command", k)
		}
	}
	if m.screen != screenPicker || m.query.Value() != "" || m.showHelp || m.picker.cursor != 0 ||
		len(m.opts.State.Recent) != 0 || len(m.opts.State.Starred) != 0 || m.result.Action != ActionNone || m.sessions[0].loading {
		t.Errorf("keys acted: screen %v, query %q, help %v, cursor %d, state %+v, result %+v",
			m.screen, m.query.Value(), m.showHelp, m.picker.cursor, m.opts.State, m.result)
	}
	if text := screenText(m); !strings.Contains(text, "q quits") {
		t.Errorf("no way out is shown:\n%s", text)
	}

	// Large enough again, keys work.
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.Update(keyRune('p'))
	if m.query.Value() != "p" {
		t.Errorf("query %q after resizing", m.query.Value())
	}

	// The sign-in screen neither copies nor retries.
	si := signInApp(t, Options{Browser: &fakeBrowser{}}, devicePrompt(), 30, 6)
	for _, k := range []tea.Msg{keyRune('c'), keyRune('o'), keyEnter} {
		if _, cmd := si.Update(k); cmd != nil {
			t.Errorf("sign-in: %v gave a command", k)
		}
	}
	if si.signin == nil || si.signin.notice != "" {
		t.Errorf("sign-in acted on keys: %+v", si.signin)
	}
}

func TestTooSmallWindowQuits(t *testing.T) {
	msgType := func(cmd tea.Cmd) reflect.Type {
		if cmd == nil {
			return nil
		}
		return reflect.TypeOf(cmd())
	}
	// Ctrl-C does what it does at any size.
	big := newTestApp(signedIn("acme"))
	big.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	_, ctrlC := big.Update(keyCtrlC)
	for _, k := range []tea.KeyPressMsg{keyRune('q'), keyEsc, keyCtrlC} {
		m := newTestApp(signedIn("acme"))
		m.Update(tea.WindowSizeMsg{Width: 20, Height: 5})
		_, cmd := m.Update(k)
		want := reflect.TypeOf(tea.QuitMsg{})
		if k.String() == "ctrl+c" {
			want = msgType(ctrlC)
		}
		if got := msgType(cmd); got != want {
			t.Errorf("%s: %v, want %v", k, got, want)
		}
		if m.result.Action != ActionNone {
			t.Errorf("%s chose %v", k, m.result.Action)
		}
	}
}

// "sign-in URL" is the Identity Center sign-in; "console link" the AWS
// console login link. No text says "console URL" or "sign-in link".
func TestTerminology(t *testing.T) {
	keys := reflect.ValueOf(newKeyMap("", ""))
	for i := range keys.NumField() {
		desc := keys.Field(i).Interface().(key.Binding).Help().Desc
		if strings.Contains(desc, "URL") && !strings.Contains(desc, "sign-in URL") || strings.Contains(desc, "link") && !strings.Contains(desc, "console link") {
			t.Errorf("%s: %q", keys.Type().Field(i).Name, desc)
		}
	}
	if d := newKeyMap("", "").CopyURL.Help().Desc; d != "copy console link" {
		t.Errorf("CopyURL: %q", d)
	}

	m := newTestApp(signedIn("acme"))
	defer m.cancel()
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	m.chooseRow(m.picker.rows[0])
	if text := screenText(m); !strings.Contains(text, "u  Copy console link") {
		t.Errorf("actions screen:\n%s", text)
	}
	si := signInApp(t, Options{Browser: &fakeBrowser{}}, devicePrompt(), 100, 30)
	text := screenText(si)
	for _, bad := range []string{"console", "sign-in link", "the URL ·", "this page"} {
		if strings.Contains(text, bad) {
			t.Errorf("sign-in screen says %q:\n%s", bad, text)
		}
	}
	if !strings.Contains(text, "o open the sign-in URL in a browser · c copy the sign-in URL") {
		t.Errorf("sign-in hints:\n%s", text)
	}
}

func TestVisible(t *testing.T) {
	for in, want := range map[string]string{
		"plain":            "plain",
		"a\r\nb":           "a\nb",
		"\x1b[2Jx\x07":     `\x1b[2Jx\x07`,
		"tab\there":        "tab here",
		"del\x7f c1\u009b": `del\x7f c1\x9b`,
	} {
		if got := visible(in); got != want {
			t.Errorf("visible(%q) = %q, want %q", in, got, want)
		}
	}
}
