package ui

import "charm.land/bubbles/v2/key"

// KeyHelp lists the default keys of each screen as [keys, what they do],
// from the same key map the screens' own help draws on: the list (in the
// order of its ? help), the actions screen that Enter opens in plain
// ssopick, and the sign-in screen. The star and refresh keys can be
// rebound in the preferences ([keys]).
func KeyHelp() (list, actions, signIn [][2]string) {
	k := newKeyMap("", "")
	rows := func(bs ...key.Binding) [][2]string {
		out := make([][2]string, 0, len(bs))
		for _, b := range bs {
			out = append(out, [2]string{b.Help().Key, b.Help().Desc})
		}
		return out
	}
	for _, group := range (pickerHelp{k}).FullHelp() {
		list = append(list, rows(group...)...)
	}
	return list, rows(k.Console, k.Shell, k.Exports, k.CopyURL, k.Back), rows(k.OpenBrowser, k.CopySignInURL)
}
