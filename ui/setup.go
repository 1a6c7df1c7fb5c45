package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ssopick/ssopick/aws"
)

// Setup is the first run: no SSO session is configured anywhere.
type Setup struct {
	// ConfigPath is the AWS config file the session is added to.
	ConfigPath string
	// Check, when set, asks IAM Identity Center whether the session's
	// region knows its start URL, before anything is written; its error
	// is one sentence saying what to do. It runs in the background, and
	// ctx ends when the person cancels it.
	Check func(ctx context.Context, s aws.Session) error
	// Save adds the session to the config and connects to it. It runs
	// in the background.
	Save func(aws.Session) (Source, error)
}

// defaultSSORegion is the region of an empty region field, as the form
// says: where IAM Identity Center runs unless its administrator chose
// another.
const defaultSSORegion = "us-east-1"

// The form's fields, in order.
const (
	fieldURL = iota
	fieldRegion
	fieldName
	fieldCount
	fieldNone = -1 // an error of the whole form (the save)
)

// setupForm asks for the start URL, the SSO region and the session name,
// checks the first two with IAM Identity Center, then saves.
type setupForm struct {
	inputs [fieldCount]textinput.Model
	focus  int
	// nameEdited is set once the person types in the name field: the name
	// no longer follows the start URL.
	nameEdited bool
	err        string
	errField   int // the field err is about, or fieldNone
	checking   bool
	checks     int                // checks started: which one an answer is for
	cancel     context.CancelFunc // ends the check
	saving     bool
	session    aws.Session // being checked or saved
}

type (
	setupCheckedMsg struct {
		check int // setupForm.checks when it started
		err   error
	}
	setupDoneMsg struct {
		src Source
		err error
	}
)

func newSetupForm() *setupForm {
	f := &setupForm{errField: fieldNone}
	for i := range f.inputs {
		in := textinput.New()
		in.Prompt = ""
		st := in.Styles()
		st.Cursor.Blink = false
		in.SetStyles(st)
		in.SetWidth(50)
		f.inputs[i] = in
	}
	// Only the start URL has a placeholder, and it reads as an example:
	// an empty region is said beside its label, a name is filled in.
	f.inputs[fieldURL].Placeholder = "e.g. https://my-org.awsapps.com/start"
	f.inputs[fieldURL].Focus()
	return f
}

// setWidth fits the fields to a window w cells wide.
func (f *setupForm) setWidth(w int) {
	for i := range f.inputs {
		f.inputs[i].SetWidth(max(10, min(60, w-6)))
	}
}

func (f *setupForm) value(i int) string { return strings.TrimSpace(f.inputs[i].Value()) }

func (f *setupForm) setFocus(i int) {
	f.inputs[f.focus].Blur()
	f.focus = (i + fieldCount) % fieldCount
	f.inputs[f.focus].Focus()
	f.inputs[f.focus].CursorEnd()
}

func (f *setupForm) setErr(field int, err string) {
	f.err, f.errField = err, field
	if field != fieldNone {
		f.setFocus(field)
	}
}

// tidy puts a field's value in its written form: a start URL gets the
// https:// a bare host lacks (acme.awsapps.com/start), a region is lower
// case. A start URL names the session too, until the person types a name.
func (f *setupForm) tidy(i int) {
	v := f.value(i)
	switch i {
	case fieldURL:
		if v != "" && !strings.Contains(v, "://") && aws.ValidateStartURL("https://"+v) == nil {
			v = "https://" + v
		}
		if v != f.inputs[i].Value() {
			f.inputs[i].SetValue(v)
		}
		if !f.nameEdited && aws.ValidateStartURL(v) == nil {
			f.inputs[fieldName].SetValue(aws.SessionNameFor(v))
		}
	case fieldRegion:
		if lower := strings.ToLower(v); lower != f.inputs[i].Value() {
			f.inputs[i].SetValue(lower)
		}
	}
}

// problem says what is wrong with field i, or "".
func (f *setupForm) problem(i int) string {
	v := f.value(i)
	var err error
	switch i {
	case fieldURL:
		if v == "" {
			return "Enter the start URL of your AWS access portal, like https://my-org.awsapps.com/start."
		}
		err = aws.ValidateStartURL(v)
	case fieldRegion:
		if v != "" {
			err = aws.ValidateRegion(v)
		}
	case fieldName:
		if v == "" {
			return "Enter a name for the session, such as your organisation's: ssopick and the AWS CLI call it by that name."
		}
		err = aws.ValidateSessionName(v)
	}
	if err != nil {
		msg := err.Error()
		return strings.ToUpper(msg[:1]) + msg[1:] + "."
	}
	return ""
}

// session is what the form describes.
func (f *setupForm) sessionOf() aws.Session {
	region := f.value(fieldRegion)
	if region == "" {
		region = defaultSSORegion
	}
	return aws.Session{Name: f.value(fieldName), StartURL: f.value(fieldURL), Region: region, Scopes: aws.DefaultScopes}
}

func (f *setupForm) update(msg tea.Msg) tea.Cmd {
	before := f.inputs[f.focus].Value()
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	if f.inputs[f.focus].Value() != before {
		if f.focus == fieldName {
			f.nameEdited = true
		}
		if f.errField == f.focus || f.errField == fieldNone {
			f.err, f.errField = "", fieldNone
		}
	}
	return cmd
}

func (m *Model) setupKey(msg tea.KeyPressMsg) tea.Cmd {
	f := m.setup
	switch {
	case f.saving:
		return nil
	case f.checking:
		if msg.String() == "esc" {
			f.cancel()
			f.checking = false
		}
		return nil
	}
	switch msg.String() {
	case "esc":
		return m.quit()
	case "tab", "down":
		f.tidy(f.focus)
		f.setFocus(f.focus + 1)
		return nil
	case "shift+tab", "up":
		f.tidy(f.focus)
		f.setFocus(f.focus - 1)
		return nil
	case "enter":
		f.tidy(f.focus)
		if p := f.problem(f.focus); p != "" {
			f.setErr(f.focus, p)
			return nil
		}
		f.err, f.errField = "", fieldNone
		if f.focus < fieldCount-1 {
			f.setFocus(f.focus + 1)
			return nil
		}
		for i := range fieldCount {
			f.tidy(i)
			if p := f.problem(i); p != "" {
				f.setErr(i, p)
				return nil
			}
		}
		return m.checkSetup()
	}
	return f.update(msg)
}

// checkSetup checks the session with IAM Identity Center, in the
// background, before saving it.
func (m *Model) checkSetup() tea.Cmd {
	f, setup := m.setup, m.opts.Setup
	f.session = f.sessionOf()
	if setup.Check == nil {
		return m.saveSetup()
	}
	ctx, cancel := context.WithCancel(m.ctx)
	f.checks++
	f.checking, f.cancel = true, cancel
	s, id := f.session, f.checks
	return tea.Batch(m.spin(), func() tea.Msg {
		defer cancel()
		return setupCheckedMsg{check: id, err: setup.Check(ctx, s)}
	})
}

func (m *Model) onSetupChecked(msg setupCheckedMsg) tea.Cmd {
	f := m.setup
	if f == nil || !f.checking || msg.check != f.checks {
		return nil // the answer to a cancelled check
	}
	f.checking = false
	switch {
	case errors.Is(msg.err, context.Canceled):
		return nil
	case msg.err != nil:
		f.setErr(fieldRegion, sentence(msg.err.Error()))
		return nil
	}
	return m.saveSetup()
}

// saveSetup writes the checked session in the background.
func (m *Model) saveSetup() tea.Cmd {
	f := m.setup
	f.saving = true
	save, s := m.opts.Setup.Save, f.session
	return tea.Batch(m.spin(), func() tea.Msg {
		src, err := save(s)
		return setupDoneMsg{src: src, err: err}
	})
}

func (m *Model) onSetupDone(msg setupDoneMsg) tea.Cmd {
	m.setup.saving = false
	if msg.err != nil {
		m.setup.setErr(fieldNone, sentence(msg.err.Error()))
		return nil
	}
	m.sessions = []*session{{src: msg.src, needsIn: true}}
	m.screen = screenPicker
	m.setup = nil
	m.updateSignIns() // Esc on the sign-in leaves a "sign in to …" row
	return m.startSignIn(0)
}

// sentence starts s with a capital and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

func (m *Model) setupView() string {
	f, st, w := m.setup, m.styles, m.width
	var parts []string
	parts = append(parts, st.Title.Render("Set up ssopick"))
	parts = append(parts, strings.Join(wrapLines(fmt.Sprintf(
		"No IAM Identity Center (AWS SSO) session is configured. Enter your AWS access portal's start URL and SSO region: ssopick checks them with IAM Identity Center, adds an [sso-session] to %s (keeping a backup) and signs you in.",
		m.opts.Setup.ConfigPath), w), "\n"))
	fields := []struct{ label, hint string }{
		{"Start URL", "your AWS access portal's address"},
		{"SSO region", "empty means " + defaultSSORegion},
		{"Session name", "its name in the AWS config"},
	}
	for i, fd := range fields {
		label := "  " + fd.label
		if f.focus == i {
			label = st.Marker.Render("▸ " + fd.label)
		}
		label += "  " + st.Dim.Render(fd.hint)
		block := label + "\n    " + f.inputs[i].View()
		if f.err != "" && f.errField == i {
			block += "\n" + indent(styled(st.Error, wrapLines(f.err, max(1, w-4))), "    ")
		}
		parts = append(parts, block)
	}
	switch {
	case f.checking:
		// The spinner holds its own styling: wrapped as it is.
		parts = append(parts, ansi.Wrap(m.spinner.View()+" "+visible(fmt.Sprintf("Checking %s with IAM Identity Center in %s…",
			f.session.StartURL, f.session.Region)), max(1, w), ""))
	case f.saving:
		parts = append(parts, m.spinner.View()+" Saving…")
	case f.err != "" && f.errField == fieldNone:
		parts = append(parts, styled(st.Error, wrapLines(f.err, w)))
	}
	var keys string
	switch {
	case f.checking:
		keys = m.hintLines("esc", "cancel the check", "ctrl+c", "quit")
	case f.focus == fieldCount-1:
		keys = m.hintLines("enter", "check and save", "tab", "next field", "esc", "quit")
	default:
		keys = m.hintLines("enter", "next", "tab", "next field", "esc", "quit")
	}
	return stack(append(parts, keys), m.height)
}
