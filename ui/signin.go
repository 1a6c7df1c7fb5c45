package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ssopick/ssopick/aws"
)

// signInScreen is a sign-in in progress.
type signInScreen struct {
	source int
	label  string
	device *aws.DeviceCode // device flow, once the code is known
	url    string          // the sign-in URL: where the person signs in
	cancel context.CancelFunc
	err    error
	// autoOpen is set when ssopick opens the sign-in URL in a browser by
	// itself; browserErr when that (or the open key) failed.
	autoOpen   bool
	browserErr error
	notice     string // what the last key did ("Copied …")
}

func (s *signInScreen) prompt(msg signInPromptMsg) {
	if msg.device != nil {
		s.device = msg.device
		s.url = cmp.Or(msg.device.VerificationURIComplete, msg.device.VerificationURI)
	} else {
		s.url = msg.url
	}
}

// browserOpenedMsg reports the outcome of opening a URL.
type browserOpenedMsg struct{ err error }

// opensBrowsers reports whether ssopick may open a browser at all: not
// with --no-browser (which leaves Browser unset, too).
func (m *Model) opensBrowsers() bool { return m.opts.Browser != nil && !m.opts.NoBrowser }

func (m *Model) openBrowser(url string) tea.Cmd {
	b := m.opts.Browser
	if !m.opensBrowsers() || url == "" {
		return nil
	}
	return func() tea.Msg { return browserOpenedMsg{err: b.Open(url)} }
}

// onBrowserOpened shows on the sign-in screen whether the browser opened;
// a failure is one sentence beside the URL, and the sign-in keeps waiting.
func (m *Model) onBrowserOpened(msg browserOpenedMsg) {
	si := m.signin
	if si == nil {
		return // the sign-in is over: nothing is waiting for the browser
	}
	si.browserErr, si.notice = msg.err, ""
	if msg.err == nil {
		si.notice = "Opened the sign-in URL in your browser."
	}
}

// startSignIn begins signing in to session i and shows the sign-in screen.
func (m *Model) startSignIn(i int) tea.Cmd {
	if i < 0 {
		return nil
	}
	if m.signin != nil && m.signin.cancel != nil {
		m.signin.cancel()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	m.signin = &signInScreen{source: i, label: m.sessions[i].src.Label(), cancel: cancel}
	m.screen = screenSignIn
	canOpen := m.opensBrowsers() && m.opts.Browser.CanOpen()
	m.signin.autoOpen = canOpen
	device := aws.ChooseFlow(m.opts.DeviceCode, m.opts.NoBrowser, canOpen) == aws.FlowDeviceCode
	// open never fails the sign-in: the screen shows the URL to open by
	// hand, and a failed launch is reported beside it.
	open := func(url string) error {
		if canOpen {
			return m.opts.Browser.Open(url)
		}
		return nil
	}
	return tea.Batch(signIn(ctx, i, m.sessions[i].src, device, open).listen(), m.spin())
}

func (m *Model) onSignedIn(msg signInDoneMsg) tea.Cmd {
	if m.signin == nil || m.signin.source != msg.source {
		return nil
	}
	switch {
	case errors.Is(msg.err, context.Canceled):
		return nil // the person cancelled; the screen is already gone
	case msg.err != nil:
		m.signin.err = msg.err
		return nil
	}
	s := m.sessions[msg.source]
	s.signedIn, s.needsIn, s.expires = true, false, msg.expires
	m.signin = nil
	m.screen = screenPicker
	m.updateSignIns()
	var cmds []tea.Cmd
	if aws.Outdated(s.fetchedAt, m.opts.MaxAge, m.opts.Now()) {
		cmds = append(cmds, m.startFetch(msg.source))
	}
	if m.pending != nil {
		row := *m.pending
		m.pending = nil
		cmds = append(cmds, m.chooseRow(row))
	}
	return tea.Batch(cmds...)
}

func (m *Model) signInKey(msg tea.KeyPressMsg) tea.Cmd {
	si := m.signin
	switch {
	case key.Matches(msg, m.keys.Back):
		si.cancel()
		m.signin, m.pending = nil, nil
		m.screen = screenPicker
		m.updateSignIns()
	case si.err != nil:
		if key.Matches(msg, m.keys.Choose) {
			return m.startSignIn(si.source)
		}
	case si.url == "":
		// Nothing to open or copy yet.
	case key.Matches(msg, m.keys.OpenBrowser):
		if !m.opensBrowsers() {
			si.notice = "ssopick opens no browser here (--no-browser); open the sign-in URL above yourself."
			return nil
		}
		si.notice = ""
		return m.openBrowser(si.url)
	case key.Matches(msg, m.keys.CopySignInURL):
		si.notice = "Copied the sign-in URL to the clipboard."
		return tea.SetClipboard(si.url)
	}
	return nil
}

// signInView shows what to open and confirm, whole: the sign-in URL and
// any error are wrapped to the width, never cut. When the window is too
// short, the blank lines between the parts go first, then the hint with
// the plain verification URL; a window too short even for that says so
// rather than show part of a URL.
func (m *Model) signInView() string {
	si, st, w := m.signin, m.styles, m.width
	// text is ssopick's own, with the spinner's styling: wrapped as is.
	text := func(s string) string { return ansi.Wrap(s, max(1, w), "") }
	title := styled(st.Title, wrapLines("Sign in to "+si.label, w))
	if si.err != nil {
		keys := m.hintLines("enter", "try again", "esc", "back", "ctrl+c", "quit")
		room := max(1, m.height-lineCount(title)-lineCount(keys))
		msg := styled(st.Error, capLines(wrapLines(si.err.Error(), w), room, w))
		return stack([]string{title, msg, keys}, m.height)
	}

	var body []string
	optional := -1 // index of a part that may be left out
	var code string
	switch {
	case si.device != nil:
		if si.autoOpen && si.browserErr == nil {
			body = append(body, text("Confirm the code in the browser window that opened, or open this sign-in URL:"))
		} else {
			body = append(body, text("Open this sign-in URL and confirm the code:"))
		}
		code = "  " + st.Code.Render(visible(si.device.UserCode))
		body = append(body, urlLines(si.url, w), code)
		if v := si.device.VerificationURI; v != "" && v != si.url {
			optional = len(body)
			body = append(body, styled(st.Dim, wrapLines("Or open "+v+" and type in the code.", w)))
		}
		left := si.device.ExpiresAt.Sub(m.opts.Now()).Round(time.Second)
		body = append(body, text(fmt.Sprintf("%s Waiting for approval · %s left", m.spinner.View(), max(0, left))))
	case si.url != "":
		if si.autoOpen && si.browserErr == nil {
			body = append(body, text("Complete the sign-in in the browser window that opened. If none did, open this sign-in URL in a browser on this machine:"))
		} else {
			body = append(body, text("Open this sign-in URL in a browser on this machine:"))
		}
		body = append(body, urlLines(si.url, w), text(m.spinner.View()+" Waiting for the sign-in in the browser…"))
	default:
		body = append(body, text(m.spinner.View()+" Starting the sign-in…"))
	}
	var feedback string
	switch {
	case si.browserErr != nil:
		feedback = styled(st.Error, wrapLines(fmt.Sprintf("Could not open a browser (%v); open the URL above yourself.", si.browserErr), w))
	case si.notice != "":
		feedback = styled(st.Notice, wrapLines(si.notice, w))
	}
	var pairs []string
	if si.url != "" {
		if m.opensBrowsers() {
			pairs = append(pairs, m.keys.OpenBrowser.Help().Key, m.keys.OpenBrowser.Help().Desc)
		}
		pairs = append(pairs, m.keys.CopySignInURL.Help().Key, m.keys.CopySignInURL.Help().Desc)
	}
	keys := m.hintLines(append(pairs, "esc", "cancel")...)

	screen := func(body []string) []string {
		parts := append([]string{title}, body...)
		if feedback != "" {
			parts = append(parts, feedback)
		}
		return append(parts, keys)
	}
	parts := screen(body)
	if optional >= 0 && lineCount(strings.Join(parts, "\n")) > m.height {
		parts = screen(append(body[:optional:optional], body[optional+1:]...))
	}
	if lineCount(strings.Join(parts, "\n")) > m.height && si.url != "" {
		short := []string{styled(st.Error, wrapLines("The window is too small for the whole sign-in URL: enlarge it, or copy the URL with "+m.keys.CopySignInURL.Help().Key+".", w))}
		if code != "" {
			short = append(short, code)
		}
		parts = screen(short)
		if waiting := body[len(body)-1]; lineCount(strings.Join(parts, "\n"))+lineCount(waiting) <= m.height {
			parts = screen(append(short, waiting))
		}
	}
	return stack(parts, m.height)
}

// lineCount is the number of lines of s.
func lineCount(s string) int { return strings.Count(s, "\n") + 1 }

// capLines keeps at most n lines, ending the last kept one with "…" if
// any were dropped: only for text longer than the whole window.
func capLines(lines []string, n, width int) []string {
	if len(lines) <= n {
		return lines
	}
	lines = lines[:max(1, n)]
	last := len(lines) - 1
	lines[last] = ansi.Truncate(lines[last], max(0, width-1), "") + "…"
	return lines
}

// urlLines shows a URL whole: indented when it fits on one line, else
// hard-wrapped at the full width with no indent, so that a selection of
// its lines holds nothing but the URL. Each line is a hyperlink (OSC 8)
// to the whole URL where the terminal supports them.
func urlLines(url string, width int) string {
	url = visible(url)
	link := func(s string) string { return ansi.SetHyperlink(url) + s + ansi.ResetHyperlink() }
	if ansi.StringWidth(url)+2 <= width {
		return "  " + link(url)
	}
	lines := strings.Split(ansi.Hardwrap(url, max(1, width), false), "\n")
	for i, l := range lines {
		lines[i] = link(l)
	}
	return strings.Join(lines, "\n")
}

// stack joins parts with a blank line between them, or with none when
// that would not fit in height lines.
func stack(parts []string, height int) string {
	spaced := strings.Join(parts, "\n\n")
	if lineCount(spaced) <= height {
		return spaced
	}
	return strings.Join(parts, "\n")
}
