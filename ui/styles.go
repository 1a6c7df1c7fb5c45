package ui

import (
	"charm.land/lipgloss/v2"
)

// Styles are every style the UI draws with, in one place. They adapt to
// dark and light terminals; with NO_COLOR the renderer drops the colours
// and the bold, reverse and underline attributes carry the meaning.
type Styles struct {
	Prompt     lipgloss.Style
	Title      lipgloss.Style
	Cursor     lipgloss.Style // the selected row
	Marker     lipgloss.Style // the ▸ before it
	Match      lipgloss.Style // matched characters
	Dim        lipgloss.Style // ids, emails, secondary text
	Star       lipgloss.Style
	SignIn     lipgloss.Style // "sign in to …" rows
	Status     lipgloss.Style
	Error      lipgloss.Style
	Notice     lipgloss.Style // feedback on a key ("Copied …")
	Code       lipgloss.Style // the device user code
	Key        lipgloss.Style // key names in hints
	ActionName lipgloss.Style
}

// NewStyles builds the styles for a dark or light background.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	accent := ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B39DFF"))
	dim := ld(lipgloss.Color("#6B6B6B"), lipgloss.Color("#8C8C8C"))
	match := ld(lipgloss.Color("#B8460B"), lipgloss.Color("#FFB86C"))
	warn := ld(lipgloss.Color("#B00020"), lipgloss.Color("#FF6B6B"))
	selBg := ld(lipgloss.Color("#E4DDFB"), lipgloss.Color("#3A3250"))
	return Styles{
		Prompt:     lipgloss.NewStyle().Foreground(accent).Bold(true),
		Title:      lipgloss.NewStyle().Bold(true),
		Cursor:     lipgloss.NewStyle().Background(selBg).Bold(true),
		Marker:     lipgloss.NewStyle().Foreground(accent).Bold(true),
		Match:      lipgloss.NewStyle().Foreground(match).Underline(true),
		Dim:        lipgloss.NewStyle().Foreground(dim),
		Star:       lipgloss.NewStyle().Foreground(match),
		SignIn:     lipgloss.NewStyle().Foreground(accent).Italic(true),
		Status:     lipgloss.NewStyle().Foreground(dim),
		Error:      lipgloss.NewStyle().Foreground(warn).Bold(true),
		Notice:     lipgloss.NewStyle().Foreground(accent),
		Code:       lipgloss.NewStyle().Bold(true).Reverse(true).Padding(0, 1),
		Key:        lipgloss.NewStyle().Foreground(accent).Bold(true),
		ActionName: lipgloss.NewStyle().Bold(true),
	}
}
