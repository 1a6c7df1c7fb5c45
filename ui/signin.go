package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ssopick/ssopick/aws"
)

// signInScreen is a sign-in in progress.
type signInScreen struct {
	source int
	label  string
	device *aws.DeviceCode // device flow, once the code is known
	url    string          // where the person signs in
	cancel context.CancelFunc
	err    error
}

func (s *signInScreen) prompt(msg signInPromptMsg) {
	if msg.device != nil {
		s.device = msg.device
		s.url = msg.device.VerificationURIComplete
	} else {
		s.url = msg.url
	}
}

// browserOpenedMsg reports the outcome of opening a URL.
type browserOpenedMsg struct{ err error }

func (m *Model) openBrowser(url string) tea.Cmd {
	b := m.opts.Browser
	if b == nil || url == "" {
		return nil
	}
	return func() tea.Msg { return browserOpenedMsg{err: b.Open(url)} }
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
	canOpen := m.opts.Browser != nil && m.opts.Browser.CanOpen()
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
	case si.err != nil && key.Matches(msg, m.keys.Choose):
		return m.startSignIn(si.source)
	case key.Matches(msg, m.keys.OpenBrowser):
		return m.openBrowser(si.url)
	case key.Matches(msg, m.keys.CopySignInURL) && si.url != "":
		m.status = "Copied the sign-in URL."
		return tea.SetClipboard(si.url)
	}
	return nil
}

func (m *Model) signInView() string {
	si, st := m.signin, m.styles
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", st.Title.Render("Sign in to "+si.label))
	switch {
	case si.err != nil:
		fmt.Fprintf(&b, "%s\n\n", st.Error.Render(oneLine(si.err.Error())))
		b.WriteString(hints(st, "enter", "try again", "esc", "back", "ctrl+c", "quit"))
		return b.String()
	case si.device != nil:
		fmt.Fprintf(&b, "Open this page and confirm the code:\n\n  %s\n\n  %s\n\n", si.device.VerificationURI, st.Code.Render(si.device.UserCode))
		left := si.device.ExpiresAt.Sub(m.opts.Now()).Round(time.Second)
		fmt.Fprintf(&b, "%s Waiting for approval · %s left\n\n", m.spinner.View(), max(0, left))
	case si.url != "":
		fmt.Fprintf(&b, "Complete the sign-in in your browser. If no window opened, open:\n\n  %s\n\n", si.url)
		fmt.Fprintf(&b, "%s Waiting for the browser…\n\n", m.spinner.View())
	default:
		fmt.Fprintf(&b, "%s Starting the sign-in…\n\n", m.spinner.View())
	}
	b.WriteString(hints(st, "o", "open the browser again", "c", "copy the URL", "esc", "cancel"))
	return b.String()
}

// hints renders "k desc · k desc" pairs.
func hints(st Styles, pairs ...string) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, st.Key.Render(pairs[i])+" "+st.Dim.Render(pairs[i+1]))
	}
	return strings.Join(parts, st.Dim.Render(" · "))
}

// oneLine keeps the first line of an error for the UI.
func oneLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
