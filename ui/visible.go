package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Visible returns s with everything that could move the cursor, restyle or
// clear the screen, talk to the terminal (an OSC 52 clipboard write, say)
// or reorder the text made visible and inert: C0 controls as \n, \t, \r or
// \x1b, DEL as \x7f, C1 controls as \x9b, each byte of invalid UTF-8 as
// \xff, and the bidirectional overrides and line separators as \u202e. The
// rest, other languages and symbols included, is kept as it is.
//
// Account, role, session names and emails come from IAM Identity Center
// and may hold any of these: every place that shows one on a terminal
// shows Visible(name). Only --json output is exact.
func Visible(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	writeVisible(&b, s, false)
	return b.String()
}

// visible is Visible for multi-line text, an error from a service say:
// line breaks stay (\r\n becomes \n) and tabs become spaces.
func visible(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	writeVisible(&b, strings.ReplaceAll(s, "\r\n", "\n"), true)
	return b.String()
}

// isPlain reports whether Visible leaves s as it is, at the cost of one
// pass over the bytes for the printable ASCII almost every name is.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return false
		} else if c >= 0x80 {
			if !utf8.ValidString(s[i:]) {
				return false
			}
			for _, r := range s[i:] {
				if visibleRune(r) != "" {
					return false
				}
			}
			return true
		}
	}
	return true
}

// writeVisible writes s made visible to b; multiline keeps line breaks and
// turns tabs into spaces.
func writeVisible(b *strings.Builder, s string, multiline bool) {
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(b, `\x%02x`, s[0])
		case multiline && r == '\n':
			b.WriteByte('\n')
		case multiline && r == '\t':
			b.WriteByte(' ')
		default:
			if v := visibleRune(r); v != "" {
				b.WriteString(v)
			} else {
				b.WriteString(s[:size])
			}
		}
		s = s[size:]
	}
}

// visibleRune is how r is shown when it is not shown as itself, else "".
// utf8.RuneError stands for itself here: a valid U+FFFD in the text.
func visibleRune(r rune) string {
	switch {
	case r == '\n':
		return `\n`
	case r == '\t':
		return `\t`
	case r == '\r':
		return `\r`
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return fmt.Sprintf(`\x%02x`, r)
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, // bidi marks and overrides
		r == 0x2028, r == 0x2029: // line and paragraph separators
		return fmt.Sprintf(`\u%04x`, r)
	}
	return ""
}

// visibleRunes is s as display runes, and for each the index of the rune
// of s it shows (each byte of invalid UTF-8 counting as one rune, as
// []rune(s) and the matcher count them); src is nil when they are the
// same. A control character shows as several runes with the same index.
func visibleRunes(s string) (runes []rune, src []int) {
	if isPlain(s) {
		return []rune(s), nil
	}
	i := 0
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		shown := ""
		switch {
		case r == utf8.RuneError && size == 1:
			shown = fmt.Sprintf(`\x%02x`, s[0])
		default:
			shown = visibleRune(r)
		}
		if shown == "" {
			runes, src = append(runes, r), append(src, i)
		} else {
			for _, v := range shown {
				runes, src = append(runes, v), append(src, i)
			}
		}
		s = s[size:]
		i++
	}
	return runes, src
}
