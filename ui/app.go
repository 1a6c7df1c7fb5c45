// Package ui is ssopick's terminal interface: one Bubble Tea model with
// plain-struct parts (picker, sign-in, actions, first-run form). It talks
// to aws/ only through Source, so every screen can be tested with fakes,
// and does all I/O in tea.Cmds.
package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	"charm.land/bubbles/v2/spinner"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ssopick/ssopick/aws"
)

// Mode says what Enter does in the picker.
type Mode int

const (
	ModeChoose  Mode = iota // show the actions
	ModeConsole             // open the console at once
	ModeShell               // start a shell at once
)

// Action is what to do with the chosen role.
type Action int

const (
	ActionNone Action = iota
	ActionConsole
	ActionShell
	ActionExports
	ActionCopyURL
)

func (a Action) String() string {
	return [...]string{"none", "console", "shell", "exports", "copy-url"}[a]
}

// Result is what the person chose; Action is ActionNone if they quit.
type Result struct {
	Row    aws.Row
	Action Action
	Query  string // the query when the row was chosen
}

// Browser opens URLs for the sign-in.
type Browser interface {
	Open(url string) error
	CanOpen() bool
}

// Options configure the app.
type Options struct {
	Sources []Source
	// Chains are the config's chained profiles, shown as rows of the
	// session each starts from.
	Chains     []aws.Chain
	Query      string
	Mode       Mode
	MaxAge     time.Duration // refresh catalogues older than this
	DeviceCode bool          // sign in with the device code flow
	NoBrowser  bool          // show sign-in URLs; open none
	Browser    Browser
	State      *State
	StatePath  string // where State is saved; empty: not saved
	Now        func() time.Time
	// Setup, when set, starts with the first-run form: no SSO session is
	// configured yet.
	Setup *Setup
	// FirstFrame, when set, is called once, right after the first frame
	// that shows rows is drawn: the start-up probe of the benchmarks.
	FirstFrame func()
	// PanicKey, when set, makes that key panic: the debug hook with which
	// tests prove the terminal is restored after a crash.
	PanicKey string
	// Theme is "dark" or "light" to force the styles; otherwise they
	// follow the terminal's background.
	Theme string
	// StarKey and RefreshKey rebind those keys (e.g. "alt+s").
	StarKey, RefreshKey string
}

type screen int

const (
	screenPicker screen = iota
	screenSignIn
	screenActions
	screenSetup
)

// session is the UI's view of one source.
type session struct {
	src       Source
	rows      []aws.Row
	cat       *aws.Catalogue // where rows came from; nil while they stream in
	fetchedAt time.Time
	expires   time.Time
	signedIn  bool
	needsIn   bool // a sign-in is required
	loading   bool
	initial   bool // loading with no cached rows: stream rows in
	progress  aws.Progress
	samples   []progressSample // accounts done over time: the listing's speed
}

// Model is the top-level Bubble Tea model.
type Model struct {
	opts   Options
	ctx    context.Context
	cancel context.CancelFunc
	keys   keyMap
	styles Styles

	width, height int
	screen        screen
	showHelp      bool

	sessions []*session
	picker   *picker
	query    textinput.Model
	spinner  spinner.Model
	spinning bool // a spinner tick is scheduled
	bar      progress.Model
	help     help.Model

	signin  *signInScreen
	pending *aws.Row // chosen before a sign-in; acted on after it
	chosen  aws.Row  // the row on the actions screen
	setup   *setupForm

	status string // one line: the latest error or notice
	result Result
}

// New builds the app. Cached catalogues are read here, before the first
// frame, so the list is complete and typeable at once.
func New(opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.State == nil {
		opts.State = &State{Recent: map[string]time.Time{}, Starred: map[string]bool{}}
	}
	ctx, cancel := context.WithCancel(context.Background())
	m := &Model{
		opts:    opts,
		ctx:     ctx,
		cancel:  cancel,
		keys:    newKeyMap(opts.StarKey, opts.RefreshKey),
		styles:  NewStyles(opts.Theme != "light"),
		picker:  newPicker(opts.State),
		spinner: spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		bar:     progress.New(progress.WithoutPercentage(), progress.WithWidth(30)),
		help:    help.New(),
		width:   80,
		height:  24,
	}
	m.query = textinput.New()
	m.query.Prompt = "❯ "
	m.query.Placeholder = "type to search accounts, ids, roles, emails"
	qs := m.query.Styles()
	qs.Cursor.Blink = false
	m.query.SetStyles(qs)
	m.query.SetValue(opts.Query)
	m.query.Focus()
	m.picker.query = opts.Query
	for _, src := range opts.Sources {
		s := &session{src: src}
		if cat, err := src.Cached(); err == nil {
			s.rows, s.cat, s.fetchedAt = cat.Rows, cat, cat.FetchedAt
		}
		m.sessions = append(m.sessions, s)
	}
	m.mergeRows()
	m.applyStyles()
	if opts.Setup != nil {
		m.screen = screenSetup
		m.setup = newSetupForm()
	}
	return m
}

// Result is what the person chose, once the program has ended.
func (m *Model) Result() Result { return m.result }

func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, tick()}
	for i, s := range m.sessions {
		cmds = append(cmds, checkToken(m.ctx, i, s.src))
	}
	return tea.Batch(cmds...)
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		if m.opts.Theme == "dark" || m.opts.Theme == "light" {
			return m, nil // the preference wins over the terminal
		}
		m.styles = NewStyles(msg.IsDark())
		m.applyStyles()
		return m, nil
	case spinner.TickMsg:
		if !m.busy() {
			m.spinning = false // idle: no redraws until work starts
			return m, nil
		}
		var cmd tea.Cmd
		m.spinner, cmd = m.spinner.Update(msg)
		return m, cmd
	case tickMsg:
		return m, tick()
	case streamMsg:
		model, cmd := m.Update(msg.msg)
		return model, tea.Batch(cmd, msg.s.listen())
	case tokenMsg:
		return m, m.onToken(msg)
	case fetchProgressMsg:
		m.onProgress(msg)
		return m, nil
	case fetchDoneMsg:
		return m, m.onFetched(msg)
	case signInPromptMsg:
		if m.signin == nil || m.signin.source != msg.source {
			return m, nil
		}
		m.signin.prompt(msg)
		if msg.device != nil && m.opts.Browser != nil && m.opts.Browser.CanOpen() {
			// As `aws sso login` does: the page with the code filled in.
			return m, m.openBrowser(msg.device.VerificationURIComplete)
		}
		return m, nil
	case signInDoneMsg:
		return m, m.onSignedIn(msg)
	case setupCheckedMsg:
		return m, m.onSetupChecked(msg)
	case setupDoneMsg:
		return m, m.onSetupDone(msg)
	case browserOpenedMsg:
		m.onBrowserOpened(msg)
		return m, nil
	case stateSavedMsg:
		if msg.err != nil {
			m.status = "Could not save recents: " + msg.err.Error()
		}
		return m, nil
	case tea.KeyPressMsg:
		if m.tooSmall() {
			return m.tooSmallKey(msg) // nobody can see what a key would do
		}
		return m.onKey(msg)
	case tea.PasteMsg:
		if m.tooSmall() {
			return m, nil
		}
		if m.screen == screenPicker {
			return m, m.updateQuery(msg)
		}
		if m.screen == screenSetup {
			return m, m.setup.update(msg)
		}
	}
	return m, nil
}

// busy reports whether anything shows a spinner: a sign-in, a first-run
// check or save, or a listing.
func (m *Model) busy() bool {
	if m.signin != nil || m.setup != nil && (m.setup.checking || m.setup.saving) {
		return true
	}
	for _, s := range m.sessions {
		if s.loading {
			return true
		}
	}
	return false
}

// spin starts the spinner if it is not running.
func (m *Model) spin() tea.Cmd {
	if m.spinning {
		return nil
	}
	m.spinning = true
	return m.spinner.Tick
}

func (m *Model) onKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.opts.PanicKey != "" && msg.String() == m.opts.PanicKey {
		panic("ssopick: forced panic (SSOPICK_DEBUG_PANIC_KEY)")
	}
	if key.Matches(msg, m.keys.Quit) {
		return m, m.quit()
	}
	switch m.screen {
	case screenSetup:
		return m, m.setupKey(msg)
	case screenSignIn:
		return m, m.signInKey(msg)
	case screenActions:
		return m, m.actionsKey(msg)
	}
	if m.showHelp {
		m.showHelp = false // any key closes the help
		if key.Matches(msg, m.keys.Help) || key.Matches(msg, m.keys.Clear) {
			return m, nil
		}
	}
	p := m.picker
	switch {
	case key.Matches(msg, m.keys.Help):
		m.showHelp = true
	case key.Matches(msg, m.keys.Up):
		p.move(-1)
	case key.Matches(msg, m.keys.Down):
		p.move(1)
	case key.Matches(msg, m.keys.PageUp):
		p.move(-p.height)
	case key.Matches(msg, m.keys.PageDown):
		p.move(p.height)
	case key.Matches(msg, m.keys.Home):
		p.home()
	case key.Matches(msg, m.keys.End):
		p.end()
	case key.Matches(msg, m.keys.Star):
		return m, m.toggleStar()
	case key.Matches(msg, m.keys.Refresh):
		return m, m.refreshAll()
	case key.Matches(msg, m.keys.Clear):
		if m.query.Value() == "" {
			return m, m.quit()
		}
		m.query.SetValue("")
		p.setQuery("")
	case key.Matches(msg, m.keys.Choose):
		return m, m.choose()
	default:
		return m, m.updateQuery(msg)
	}
	return m, nil
}

func (m *Model) updateQuery(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	m.query, cmd = m.query.Update(msg)
	m.picker.setQuery(m.query.Value())
	return cmd
}

func (m *Model) quit() tea.Cmd {
	m.cancel()
	return tea.Quit
}

// onToken handles the start-up sign-in check of one session.
func (m *Model) onToken(msg tokenMsg) tea.Cmd {
	s := m.sessions[msg.source]
	switch {
	case msg.err == nil:
		s.signedIn, s.needsIn, s.expires = true, false, msg.expires
		if aws.Outdated(s.fetchedAt, m.opts.MaxAge, m.opts.Now()) {
			return m.startFetch(msg.source)
		}
	case errors.Is(msg.err, aws.ErrSignInRequired):
		s.needsIn = true
		m.updateSignIns()
		if len(m.sessions) == 1 && len(s.rows) == 0 && m.screen == screenPicker {
			return m.startSignIn(msg.source)
		}
	default:
		m.status = fmt.Sprintf("Could not check the sign-in to %s: %v", s.src.Label(), msg.err)
	}
	return nil
}

func (m *Model) startFetch(i int) tea.Cmd {
	s := m.sessions[i]
	if s.loading {
		return nil
	}
	s.loading, s.initial, s.progress, s.samples = true, len(s.rows) == 0, aws.Progress{}, nil
	return tea.Batch(fetch(m.ctx, i, s.src).listen(), m.spin())
}

func (m *Model) refreshAll() tea.Cmd {
	var cmds []tea.Cmd
	for i, s := range m.sessions {
		if s.signedIn {
			cmds = append(cmds, m.startFetch(i))
		}
	}
	return tea.Batch(cmds...)
}

func (m *Model) onProgress(msg fetchProgressMsg) {
	s := m.sessions[msg.source]
	if msg.progress.Restart {
		s.progress, s.samples = aws.Progress{}, nil
		if s.initial {
			s.rows, s.cat = nil, nil
			m.mergeRows()
		}
		return
	}
	s.progress = msg.progress
	s.progress.Rows = nil
	s.record(m.opts.Now(), s.progress.AccountsDone)
	if s.initial && len(msg.progress.Rows) > 0 {
		// With nothing cached, rows are searchable as they arrive.
		s.rows, s.cat = append(s.rows, msg.progress.Rows...), nil
		m.mergeRows()
	}
}

func (m *Model) onFetched(msg fetchDoneMsg) tea.Cmd {
	s := m.sessions[msg.source]
	s.loading = false
	switch {
	case msg.err == nil:
		s.rows, s.cat, s.fetchedAt = msg.cat.Rows, msg.cat, msg.cat.FetchedAt
		m.mergeRows()
		m.status = "" // an earlier failure no longer holds
		if msg.cat.SaveErr != nil {
			m.status = fmt.Sprintf("Could not cache the list of %s (%v); the next start will list it again.", s.src.Label(), msg.cat.SaveErr)
		}
	case errors.Is(msg.err, context.Canceled):
	case errors.Is(msg.err, aws.ErrSignInRequired):
		s.signedIn, s.needsIn = false, true
		m.updateSignIns()
	default:
		m.status = fmt.Sprintf("Could not refresh %s: %v", s.src.Label(), msg.err)
	}
	return nil
}

// mergeRows puts every session's rows into the picker, keeping the query
// and the selected row.
func (m *Model) mergeRows() {
	labels := make([]string, len(m.sessions))
	for i, s := range m.sessions {
		labels[i] = s.src.Label()
	}
	if len(m.sessions) == 1 {
		// No copy: a cached list is sorted already; rows arriving during
		// a first listing are sorted in place.
		s := m.sessions[0]
		rows, texts := s.rows, []string(nil) // setRows makes texts if nil
		if !aws.RowsSorted(rows) {
			// Rows streaming in: sorted as a copy, for the picker still
			// shows the last rows (and its cursor is on one of them).
			rows = slices.Clone(rows)
			aws.SortRows(rows)
		} else if s.cat != nil {
			texts = s.cat.SearchTexts() // read from the cache file, not made
		}
		rows, texts = aws.WithChains(rows, texts, m.opts.Chains, labels)
		m.picker.setRows(rows, texts)
		return
	}
	var all []aws.Row
	for _, s := range m.sessions {
		all = append(all, s.rows...)
	}
	aws.SortRows(all)
	all, _ = aws.WithChains(all, nil, m.opts.Chains, labels)
	m.picker.setRows(all, nil)
}

func (m *Model) updateSignIns() {
	var labels []string
	for _, s := range m.sessions {
		if s.needsIn {
			labels = append(labels, s.src.Label())
		}
	}
	m.picker.setSignIns(labels)
}

// choose acts on the item under the cursor.
func (m *Model) choose() tea.Cmd {
	it, ok := m.picker.selected()
	if !ok {
		return nil
	}
	if it.row < 0 {
		return m.startSignIn(m.sourceIndex(it.signIn))
	}
	row := m.picker.rows[it.row]
	if i := m.sourceIndex(row.Session); i >= 0 && !m.sessions[i].signedIn {
		m.pending = &row
		return m.startSignIn(i)
	}
	return m.chooseRow(row)
}

func (m *Model) sourceIndex(label string) int {
	for i, s := range m.sessions {
		if s.src.Label() == label {
			return i
		}
	}
	return -1
}

// chooseRow records the use and shows the actions, or ends with the
// mode's action.
func (m *Model) chooseRow(row aws.Row) tea.Cmd {
	m.opts.State.Used(row, m.opts.Now())
	save := m.saveState()
	switch m.opts.Mode {
	case ModeConsole:
		return tea.Sequence(save, m.finish(row, ActionConsole))
	case ModeShell:
		return tea.Sequence(save, m.finish(row, ActionShell))
	}
	m.chosen = row
	m.screen = screenActions
	return save
}

func (m *Model) finish(row aws.Row, a Action) tea.Cmd {
	m.result = Result{Row: row, Action: a, Query: m.query.Value()}
	return m.quit()
}

func (m *Model) actionsKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, m.keys.Console):
		return m.finish(m.chosen, ActionConsole)
	case key.Matches(msg, m.keys.Shell):
		return m.finish(m.chosen, ActionShell)
	case key.Matches(msg, m.keys.Exports):
		return m.finish(m.chosen, ActionExports)
	case key.Matches(msg, m.keys.CopyURL):
		return m.finish(m.chosen, ActionCopyURL)
	case key.Matches(msg, m.keys.Back):
		m.screen = screenPicker
	}
	return nil
}

func (m *Model) toggleStar() tea.Cmd {
	it, ok := m.picker.selected()
	if !ok || it.row < 0 {
		return nil
	}
	key, _ := m.picker.selectedKey()
	m.opts.State.ToggleStar(m.picker.rows[it.row])
	m.picker.stateChanged()
	m.picker.refilter()
	m.picker.selectKey(key)
	return m.saveState()
}

// saveState merges the new recents and stars into the state file in the
// background (State.Save takes what changed since the last save).
func (m *Model) saveState() tea.Cmd {
	if m.opts.StatePath == "" {
		return nil
	}
	st, path := m.opts.State, m.opts.StatePath
	return func() tea.Msg { return stateSavedMsg{err: st.Save(path)} }
}

// layout sizes the parts to the window.
func (m *Model) layout() {
	m.query.SetWidth(max(10, m.width-4))
	m.help.SetWidth(m.width)
	// Query line, list, status line, help line.
	m.picker.setHeight(m.height - 3)
	m.bar.SetWidth(min(40, max(10, m.width/3)))
	if m.setup != nil {
		m.setup.setWidth(m.width)
	}
}

func (m *Model) applyStyles() {
	qs := m.query.Styles()
	qs.Focused.Prompt = m.styles.Prompt
	qs.Blurred.Prompt = m.styles.Prompt
	m.query.SetStyles(qs)
	m.spinner.Style = m.styles.Marker
}

// signedInSummary is the status line's sign-in part.
func (m *Model) signedInSummary() string {
	var parts []string
	for _, s := range m.sessions {
		switch {
		case s.signedIn:
			parts = append(parts, fmt.Sprintf("%s %s", s.src.Label(), untilText(s.expires.Sub(m.opts.Now()))))
		case s.needsIn:
			parts = append(parts, s.src.Label()+" signed out")
		default:
			parts = append(parts, s.src.Label())
		}
	}
	return strings.Join(parts, ", ")
}

// untilText is "7h58m left" style text for a duration.
func untilText(d time.Duration) string {
	if d <= 0 {
		return "expired"
	}
	return Remaining(d) + " left"
}

// Remaining is a duration as a prompt shows it: "42m", "3h05m", "expired".
func Remaining(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d <= 0:
		return "expired"
	case d >= time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}
