package ui

import "charm.land/bubbles/v2/key"

// keyMap holds every binding, so help is generated from what is really
// bound. Keys that type into the query line are not listed here.
//
// Words: the "sign-in URL" is the Identity Center sign-in, where the
// person approves the device code or logs in; the "console link" is the
// AWS console login link of a role.
type keyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Choose, Star, Refresh, Clear, Help    key.Binding
	Quit                                  key.Binding
	// On the actions screen.
	Console, Shell, Exports, CopyURL, Back key.Binding
	// On the sign-in screen.
	OpenBrowser, CopySignInURL key.Binding
}

// newKeyMap builds the bindings; star and refresh replace the default keys
// of those actions when set.
func newKeyMap(star, refresh string) keyMap {
	if star == "" {
		star = "ctrl+f"
	}
	if refresh == "" {
		refresh = "ctrl+r"
	}
	return keyMap{
		Up:       key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑/ctrl+p", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓/ctrl+n", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home"), key.WithHelp("home", "first")),
		End:      key.NewBinding(key.WithKeys("end"), key.WithHelp("end", "last")),
		Choose:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Star:     key.NewBinding(key.WithKeys(star), key.WithHelp(star, "star / unstar")),
		Refresh:  key.NewBinding(key.WithKeys(refresh), key.WithHelp(refresh, "refresh the list")),
		Clear:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear query / quit")),
		Help:     key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:     key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),

		// The actions screen lists these with their help.
		Console: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "open the AWS console")),
		Shell:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "start a shell with the role's credentials")),
		Exports: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "print the export statements")),
		CopyURL: key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "copy console link")),
		Back:    key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),

		OpenBrowser:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open the sign-in URL in a browser")),
		CopySignInURL: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "copy the sign-in URL")),
	}
}

// pickerHelp implements help.KeyMap for the picker.
type pickerHelp struct{ k keyMap }

func (h pickerHelp) ShortHelp() []key.Binding {
	return []key.Binding{h.k.Choose, h.k.Star, h.k.Clear, h.k.Help}
}

func (h pickerHelp) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{h.k.Up, h.k.Down, h.k.PageUp, h.k.PageDown, h.k.Home, h.k.End},
		{h.k.Choose, h.k.Star, h.k.Refresh},
		{h.k.Clear, h.k.Help, h.k.Quit},
	}
}
