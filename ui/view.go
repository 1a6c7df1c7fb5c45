package ui

import (
	"fmt"
	"strings"

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
	case m.width < minWidth || m.height < minHeight:
		content = lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center,
			fmt.Sprintf("Terminal too small (%d×%d).\nssopick needs %d×%d.", m.width, m.height, minWidth, minHeight))
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

// fitLines clips content to the window, so no frame ever scrolls.
func fitLines(content string, width, height int) string {
	lines := strings.Split(content, "\n")
	if len(lines) > height {
		lines = lines[:max(0, height)]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "")
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) pickerView() string {
	st := m.styles
	listHeight := max(1, m.height-3)
	var list string
	switch {
	case m.showHelp:
		h := m.help
		h.ShowAll = true
		list = st.Title.Render("Keys") + "\n\n" + h.View(pickerHelp{m.keys})
	case len(m.picker.results) == 0:
		list = "  " + st.Dim.Render(m.emptyText())
	default:
		list = m.picker.view(st, m.width)
	}
	list = padLines(list, listHeight)
	h := m.help
	h.ShowAll = false
	return strings.Join([]string{m.query.View(), list, m.statusLine(), h.View(pickerHelp{m.keys})}, "\n")
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

// statusLine: counts, sessions and sign-in time, refresh progress, and the
// latest error.
func (m *Model) statusLine() string {
	st := m.styles
	shown, total := m.picker.counts()
	parts := []string{fmt.Sprintf("%d of %d roles", shown, total), m.signedInSummary()}
	for _, s := range m.sessions {
		if !s.loading {
			continue
		}
		done, all := s.progress.AccountsDone, s.progress.AccountsTotal
		if s.initial && all > 0 {
			parts = append(parts, fmt.Sprintf("%s %s %d/%d accounts", m.spinner.View(), m.bar.ViewAs(float64(done)/float64(all)), done, all))
		} else {
			parts = append(parts, fmt.Sprintf("%s refreshing %s %d/%d", m.spinner.View(), s.src.Label(), done, all))
		}
	}
	line := st.Status.Render(strings.Join(parts, " · "))
	if m.status != "" {
		line = st.Error.Render(oneLine(m.status))
	}
	return line
}

var actionList = []struct {
	key, text string
}{
	{"c", "Open the AWS console"},
	{"s", "Start a shell with the role's credentials"},
	{"e", "Print the export statements"},
	{"u", "Copy a console sign-in URL"},
}

func (m *Model) actionsView() string {
	st, r := m.styles, m.chosen
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s · %s · %s\n\n", st.Title.Render(r.AccountName), st.Dim.Render(r.AccountID), st.ActionName.Render(r.RoleName), st.Dim.Render(r.Session))
	for _, a := range actionList {
		fmt.Fprintf(&b, "  %s  %s\n", st.Key.Render(a.key), a.text)
	}
	b.WriteString("\n" + hints(st, "esc", "back", "ctrl+c", "quit"))
	return b.String()
}
