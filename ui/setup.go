package ui

import (
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ssopick/ssopick/aws"
)

// Setup is the first run: no SSO session is configured anywhere.
type Setup struct {
	// ConfigPath is the AWS config file the session is added to.
	ConfigPath string
	// Save adds the session to the config and connects to it. It runs
	// in the background.
	Save func(aws.Session) (Source, error)
}

// setupForm asks for the start URL and region.
type setupForm struct {
	url, region textinput.Model
	focus       int // 0: URL, 1: region
	err         string
	saving      bool
}

type setupDoneMsg struct {
	src Source
	err error
}

func newSetupForm() *setupForm {
	f := &setupForm{url: textinput.New(), region: textinput.New()}
	f.url.Prompt, f.region.Prompt = "", ""
	f.url.Placeholder = "https://my-org.awsapps.com/start"
	f.region.Placeholder = "us-east-1"
	for _, in := range []*textinput.Model{&f.url, &f.region} {
		st := in.Styles()
		st.Cursor.Blink = false
		in.SetStyles(st)
		in.SetWidth(50)
	}
	f.url.Focus()
	return f
}

func (f *setupForm) update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	if f.focus == 0 {
		f.url, cmd = f.url.Update(msg)
	} else {
		f.region, cmd = f.region.Update(msg)
	}
	return cmd
}

func (f *setupForm) setFocus(i int) {
	f.focus = i
	if i == 0 {
		f.region.Blur()
		f.url.Focus()
	} else {
		f.url.Blur()
		f.region.Focus()
	}
}

func (m *Model) setupKey(msg tea.KeyPressMsg) tea.Cmd {
	f := m.setup
	if f.saving {
		return nil
	}
	switch msg.String() {
	case "esc":
		return m.quit()
	case "tab", "down", "shift+tab", "up":
		f.setFocus(1 - f.focus)
		return nil
	case "enter":
		url, region := strings.TrimSpace(f.url.Value()), strings.TrimSpace(f.region.Value())
		if err := aws.ValidateStartURL(url); err != nil {
			f.err = err.Error()
			f.setFocus(0)
			return nil
		}
		if f.focus == 0 {
			f.err = ""
			f.setFocus(1)
			return nil
		}
		if err := aws.ValidateRegion(region); err != nil {
			f.err = err.Error()
			return nil
		}
		f.err, f.saving = "", true
		s := aws.Session{Name: aws.SessionNameFor(url), StartURL: url, Region: region, Scopes: aws.DefaultScopes}
		save := m.opts.Setup.Save
		return tea.Batch(m.spin(), func() tea.Msg {
			src, err := save(s)
			return setupDoneMsg{src: src, err: err}
		})
	}
	f.err = ""
	return f.update(msg)
}

func (m *Model) onSetupDone(msg setupDoneMsg) tea.Cmd {
	m.setup.saving = false
	if msg.err != nil {
		m.setup.err = msg.err.Error()
		return nil
	}
	m.sessions = []*session{{src: msg.src, needsIn: true}}
	m.screen = screenPicker
	m.setup = nil
	m.updateSignIns() // Esc on the sign-in leaves a "sign in to …" row
	return m.startSignIn(0)
}

func (m *Model) setupView() string {
	f, st := m.setup, m.styles
	var b strings.Builder
	b.WriteString(st.Title.Render("Set up ssopick") + "\n\n")
	b.WriteString("No IAM Identity Center (AWS SSO) session is configured. Enter your access\n")
	b.WriteString("portal's start URL and region; ssopick adds an [sso-session] to\n")
	b.WriteString(st.Dim.Render(m.opts.Setup.ConfigPath) + " (keeping a backup) and signs you in.\n\n")
	label := func(i int, text string) string {
		if f.focus == i {
			return st.Marker.Render("▸ " + text)
		}
		return "  " + text
	}
	b.WriteString(label(0, "Start URL") + "\n    " + f.url.View() + "\n\n")
	b.WriteString(label(1, "Region   ") + "\n    " + f.region.View() + "\n\n")
	switch {
	case f.saving:
		b.WriteString(m.spinner.View() + " Saving…\n\n")
	case f.err != "":
		b.WriteString(st.Error.Render(f.err) + "\n\n")
	}
	b.WriteString(hints(st, "enter", "next / save", "tab", "switch field", "esc", "quit"))
	return b.String()
}
