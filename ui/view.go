package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// The smallest window the picker can be used in.
const (
	minWidth  = 40
	minHeight = 8
)

func (m *Model) View() tea.View {
	var content string
	switch {
	case m.tooSmall():
		content = m.tooSmallView()
	case m.screen == screenSetup:
		content = m.setupView()
	case m.screen == screenSignIn:
		content = m.signInView()
	case m.screen == screenActions:
		content = m.actionsView()
	default:
		content = m.pickerView()
	}
	v := tea.NewView(fitLines(content, m.width, m.height))
	v.AltScreen = true
	v.WindowTitle = "ssopick"
	if probe := m.opts.FirstFrame; probe != nil && m.screen == screenPicker && len(m.picker.results) > 0 {
		m.opts.FirstFrame = nil
		probe()
	}
	return v
}

// tooSmall reports whether the window is too small to show any screen:
// it then shows only how large it must be.
func (m *Model) tooSmall() bool { return m.width < minWidth || m.height < minHeight }

func (m *Model) tooSmallView() string {
	text := fmt.Sprintf("Terminal too small (%d×%d).\nssopick needs %d×%d.\nq quits.", m.width, m.height, minWidth, minHeight)
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		lines = append(lines, wrapLines(l, m.width)...)
	}
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, strings.Join(lines, "\n"))
}

// tooSmallKey handles a key while the window is too small to show what
// it would act on: Ctrl-C, Esc and q quit, every other key is ignored.
func (m *Model) tooSmallKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.Quit):
		return m.onKey(msg) // Ctrl-C does what it does everywhere
	case msg.String() == "esc" || msg.String() == "q":
		return m, m.quit()
	}
	return m, nil
}

// fitLines fits content to the window, so no frame ever scrolls: lines
// wider than the window are wrapped (never cut), then lines below it are
// dropped. Screens lay themselves out to fit, so the last is a safety net.
func fitLines(content string, width, height int) string {
	var lines []string
	for _, l := range strings.Split(content, "\n") {
		if ansi.StringWidth(l) > width {
			lines = append(lines, strings.Split(ansi.Wrap(l, max(1, width), ""), "\n")...)
		} else {
			lines = append(lines, l)
		}
	}
	if len(lines) > height {
		lines = lines[:max(0, height)]
	}
	return strings.Join(lines, "\n")
}

func (m *Model) pickerView() string {
	st := m.styles
	status := m.statusLines()
	// Query line, list, status lines, help line: the list takes what the
	// status leaves, so a long error shrinks it rather than being cut.
	listHeight := max(1, m.height-2-len(status))
	if m.picker.height != listHeight {
		m.picker.setHeight(listHeight) // keeps the cursor in view
	}
	var list string
	switch {
	case m.showHelp:
		h := m.help
		h.ShowAll = true
		list = st.Title.Render("Keys") + "\n\n" + h.View(pickerHelp{m.keys})
	case len(m.picker.results) == 0:
		list = indent(styled(st.Dim, wrapLines(m.emptyText(), m.width-2)), "  ")
	default:
		list = m.picker.view(st, m.width)
	}
	list = padLines(list, listHeight)
	h := m.help
	h.ShowAll = false
	return strings.Join([]string{m.query.View(), list, strings.Join(status, "\n"), h.View(pickerHelp{m.keys})}, "\n")
}

func (m *Model) emptyText() string {
	for _, s := range m.sessions {
		if s.loading {
			return "Listing accounts…"
		}
	}
	if strings.TrimSpace(m.query.Value()) != "" {
		return fmt.Sprintf("No role matches %q. Esc clears the query.", strings.TrimSpace(m.query.Value()))
	}
	if len(m.sessions) == 0 {
		return "No SSO session is configured."
	}
	return "No roles yet."
}

// padLines pads s with empty lines to exactly n lines.
func padLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	for len(lines) < n {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// statusLines are the status (counts, sessions and sign-in time, refresh
// progress) and below it the latest error, each wrapped to the width.
// Together they leave the list at least one line: if they cannot, the
// error wins over the counts, and only an error longer than the whole
// window is cut, with "…".
func (m *Model) statusLines() []string {
	st := m.styles
	shown, total := m.picker.counts()
	base := thousands(shown) + " of " + thousands(total) + " roles · " + m.signedInSummary()
	listings := m.listingParts()
	// One line when everything fits; else each listing on a line of its
	// own, so that no phrase of it is broken across two. The parts hold
	// the spinner's and the bar's own styling: wrapped as they are, not
	// made visible.
	var text []string
	if all := strings.Join(append([]string{base}, listings...), " · "); ansi.StringWidth(all) <= m.width {
		text = []string{all}
	} else {
		text = append([]string{base}, listings...)
	}
	var lines []string
	for _, t := range text {
		for _, l := range strings.Split(ansi.Wrap(t, max(1, m.width), ""), "\n") {
			lines = append(lines, st.Status.Render(l))
		}
	}
	if m.status == "" {
		return lines
	}
	room := max(1, m.height-3)
	errLines := wrapLines(m.status, m.width)
	if len(lines)+len(errLines) > room {
		lines = nil
	}
	for _, l := range capLines(errLines, room, m.width) {
		lines = append(lines, st.Error.Render(l))
	}
	return lines
}

// listingParts are the status texts of the listings in progress. A first
// listing (nothing cached) shows a bar, once the account list is complete
// and the bar can claim a true share; a refresh of a list already shown
// is only text.
func (m *Model) listingParts() []string {
	var parts []string
	for _, s := range m.sessions {
		if !s.loading {
			continue
		}
		text := listingText(s.progress, s.listingRate())
		label := Visible(s.src.Label())
		switch {
		case !s.initial:
			text = "refreshing " + label + ": " + text
		case len(m.sessions) > 1:
			text = label + ": " + text
		}
		if p := s.progress; s.initial && p.AccountsComplete && p.AccountsTotal > 0 {
			bar := m.bar
			bar.SetWidth(min(m.bar.Width(), max(10, m.width-ansi.StringWidth(text)-4)))
			text = bar.ViewAs(float64(p.AccountsDone)/float64(p.AccountsTotal)) + " " + text
		}
		parts = append(parts, m.spinner.View()+" "+text)
	}
	return parts
}

func (m *Model) actionsView() string {
	st, r := m.styles, m.chosen
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s · %s · %s\n\n", st.Title.Render(Visible(r.AccountName)), st.Dim.Render(Visible(r.AccountID)),
		st.ActionName.Render(Visible(r.RoleName)), st.Dim.Render(Visible(r.Session)))
	// The keys' own help, as a list of sentences.
	for _, k := range []key.Binding{m.keys.Console, m.keys.Shell, m.keys.Exports, m.keys.CopyURL} {
		desc := k.Help().Desc
		fmt.Fprintf(&b, "  %s  %s\n", st.Key.Render(k.Help().Key), strings.ToUpper(desc[:1])+desc[1:])
	}
	b.WriteString("\n" + m.hintLines("esc", "back", "ctrl+c", "quit"))
	return b.String()
}

// hintLines renders "k desc · k desc" pairs on as many lines as the
// width needs, breaking between pairs where it can.
func (m *Model) hintLines(pairs ...string) string {
	st, sep := m.styles, m.styles.Dim.Render(" · ")
	var lines []string
	line := ""
	for i := 0; i+1 < len(pairs); i += 2 {
		part := st.Key.Render(pairs[i]) + " " + st.Dim.Render(pairs[i+1])
		switch {
		case line == "":
			line = part
		case ansi.StringWidth(line+sep+part) <= m.width:
			line += sep + part
		default:
			lines = append(lines, line)
			line = part
		}
	}
	return strings.Join(append(lines, line), "\n") // fitLines wraps a pair wider than the window
}

// wrapLines wraps plain text to width cells and returns the lines. It
// breaks at spaces only (not at the hyphens of a host name); a word wider
// than the window (a URL, an ARN) starts a line and is cut every width
// cells, so it reads, and selects, as one block. Control characters are
// made visible first: an error may carry text from a service, which must
// not move the cursor or restyle the screen.
func wrapLines(s string, width int) []string {
	width = max(1, width)
	var out []string
	for _, para := range strings.Split(visible(s), "\n") {
		line, lw := "", 0
		for _, word := range strings.Fields(para) {
			ww := ansi.StringWidth(word)
			if lw > 0 && lw+1+ww <= width {
				line, lw = line+" "+word, lw+1+ww
				continue
			}
			if lw > 0 {
				out = append(out, line)
			}
			if ww > width {
				chunks := strings.Split(ansi.Hardwrap(word, width, false), "\n")
				out = append(out, chunks[:len(chunks)-1]...)
				word = chunks[len(chunks)-1]
			}
			line, lw = word, ansi.StringWidth(word)
		}
		out = append(out, line)
	}
	return out
}

// styled renders each line in st, so no style spans a line break.
func styled(st lipgloss.Style, lines []string) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = st.Render(l)
	}
	return strings.Join(out, "\n")
}

// indent puts prefix before every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
