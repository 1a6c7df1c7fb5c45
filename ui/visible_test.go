package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ssopick/ssopick/aws"
)

func TestVisibleShowsControlsEscapesAndInvalidUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "",
		"acme-prod":                 "acme-prod",
		"Team A (prod) 'x' \"y\"":   "Team A (prod) 'x' \"y\"",
		"ünïcode 名前 😀 \uFFFD":       "ünïcode 名前 😀 \uFFFD", // a valid U+FFFD is text
		"prod\x1b]52;c;aGk=\x07":    `prod\x1b]52;c;aGk=\x07`,
		"\x1b[2J":                   `\x1b[2J`,
		"a\nb\r\nc\td":              `a\nb\r\nc\td`,
		"del\x7f":                   `del\x7f`,
		"c1\u009b31m":               `c1\x9b31m`,
		"\x00\x01":                  `\x00\x01`,
		"bad\xffutf8\xc3":           `bad\xffutf8\xc3`,
		"é\xff":                     `é\xff`,
		"rtl\u202eevil\u2066\u2029": `rtl\u202eevil\u2066\u2029`,
	} {
		if got := Visible(in); got != want {
			t.Errorf("Visible(%q) = %q, want %q", in, got, want)
		}
		if got := Visible(Visible(in)); got != Visible(in) {
			t.Errorf("Visible is not idempotent on %q: %q", in, got)
		}
	}
	// The multi-line form shares the core: only line breaks and tabs differ.
	if got, want := visible("a\x1b[2J\r\nb\tc\xff"), "a\\x1b[2J\nb c\\xff"; got != want {
		t.Errorf("visible = %q, want %q", got, want)
	}
}

// visibleRunes says which rune of the text each shown rune stands for, so
// matches highlight the right cells.
func TestVisibleRunesMapToTheirSource(t *testing.T) {
	runes, src := visibleRunes("a\x1bb\xffc")
	if string(runes) != `a\x1bb\xffc` {
		t.Fatalf("runes %q", string(runes))
	}
	want := []int{0, 1, 1, 1, 1, 2, 3, 3, 3, 3, 4}
	if fmt.Sprint(src) != fmt.Sprint(want) {
		t.Errorf("src %v, want %v", src, want)
	}
	if runes, src := visibleRunes("plain"); string(runes) != "plain" || src != nil {
		t.Errorf("plain text: %q %v", string(runes), src)
	}
}

func TestHostileFieldHighlightsAndTruncates(t *testing.T) {
	plain, bright := sgr{}, sgr{"<", ">"}
	hl := map[int]bool{8: true, 9: true, 10: true, 11: true} // "prod", after the 4-rune escape
	for _, tc := range []struct {
		width int
		want  string
	}{
		{30, `evil\x1b[2J<prod>` + strings.Repeat(" ", 30-15)},
		{14, `evil\x1b[2J<pr>…`},
		// Never cut inside the \x1b of one character.
		{7, `evil…  `},
	} {
		var b strings.Builder
		renderField(&b, "evil\x1b[2Jprod", 0, hl, tc.width, plain, bright)
		if b.String() != tc.want {
			t.Errorf("width %d: %q, want %q", tc.width, b.String(), tc.want)
		}
	}
}

// hostileRows are catalogue rows whose names try to take over the
// terminal, with ordinary ones around them.
func hostileRows() []aws.Row {
	rows := []aws.Row{
		{AccountID: "111111111111", AccountName: "acme-audit", Email: "aws@acme.example", RoleName: "ViewOnlyAccess"},
		{AccountID: "222222222222", AccountName: "evil-clip\x1b]52;c;aGk=\x07", Email: "x\x1b[31m@evil.example", RoleName: "ViewOnlyAccess"},
		{AccountID: "333333333333", AccountName: "evil-clear\x1b[2J\x1b[H", Email: "c@evil.example", RoleName: "Admin\x1b[5m"},
		{AccountID: "444444444444", AccountName: "evil-tab\tand\nline", Email: "t@evil.example", RoleName: "ViewOnlyAccess"},
		{AccountID: "555555555555", AccountName: "evil-c1\u009b7m\x7f", Email: "d@evil.example", RoleName: "ViewOnlyAccess"},
		{AccountID: "666666666666", AccountName: "evil-utf8\xff\xfe", Email: "u@evil.example", RoleName: "ViewOnlyAccess"},
		{AccountID: "777777777777", AccountName: "evil-rtl\u202eorp", Email: "r@evil.example", RoleName: "ViewOnlyAccess"},
		{AccountID: "888888888888", AccountName: "équipe-名前", Email: "e@acme.example", RoleName: "ViewOnlyAccess"},
	}
	for i := range rows {
		rows[i].Session = "acme"
	}
	return rows
}

// onlySGR matches the escape sequences the picker's own styles write.
var onlySGR = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkNothingRaw fails when the frame holds a control character, an
// escape sequence other than the styles' SGR, or text that is not UTF-8.
func checkNothingRaw(t *testing.T, content string) {
	t.Helper()
	rest := onlySGR.ReplaceAllString(content, "")
	for i, r := range rest {
		if r == '\n' {
			continue
		}
		if Visible(string(r)) != string(r) {
			t.Errorf("raw %q at byte %d of the frame:\n%s", r, i, ansi.Strip(content))
			return
		}
	}
}

func TestHostileNamesInThePicker(t *testing.T) {
	src := func() *Model { return newTestApp(&fakeSource{label: "acme", cached: hostileRows(), signedIn: true}) }
	for _, sz := range sizes {
		t.Run(fmt.Sprintf("list/%dx%d", sz.w, sz.h), func(t *testing.T) {
			m := src()
			out := frame(t, m, sz.w, sz.h, "8 of 8 roles", nil)
			checkNothingRaw(t, m.View().Content)
			for _, want := range []string{`evil-clip\x1b]52;c;aGk=\x07`, `evil-clear\x1b[2J\x1b[H`, `evil-tab\tand\nline`,
				`evil-c1\x9b7m\x7f`, `evil-utf8\xff\xfe`, `evil-rtl\u202eorp`, `Admin\x1b[5m`, "équipe-名前"} {
				if !strings.Contains(out, want) {
					t.Errorf("the list lacks %s", want)
				}
			}
			// Every row is the window's width, and the ids line up.
			lines := strings.Split(out, "\n")
			column := -1
			for _, l := range lines[1:9] {
				if w := ansi.StringWidth(l); w != sz.w {
					t.Errorf("row %q is %d cells wide, want %d", l, w, sz.w)
				}
				for _, r := range hostileRows() {
					if i := strings.Index(l, r.AccountID); i >= 0 {
						if c := ansi.StringWidth(l[:i]); column < 0 {
							column = c
						} else if c != column {
							t.Errorf("the id of %q is at column %d, want %d:\n%s", l, c, column, out)
						}
					}
				}
			}
			// The golden holds the query line and the rows, not the
			// status line, which says other things.
			teatest.RequireEqualOutput(t, []byte(strings.Join(lines[:9], "\n")))
		})
	}
	t.Run("filtered/80x24", func(t *testing.T) {
		m := src()
		out := frame(t, m, 80, 24, "8 of 8", func(tm *teatest.TestModel) { tm.Type("evil clear") })
		checkNothingRaw(t, m.View().Content)
		if first := strings.Split(out, "\n")[1]; !strings.Contains(first, `evil-clear\x1b[2J\x1b[H`) {
			t.Errorf("first row %q", first)
		}
		teatest.RequireEqualOutput(t, []byte(strings.Join(strings.Split(out, "\n")[:3], "\n")))
	})
	t.Run("actions/80x24", func(t *testing.T) {
		m := src()
		out := frame(t, m, 80, 24, "8 of 8", func(tm *teatest.TestModel) {
			tm.Type("evil-clip")
			tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
		})
		checkNothingRaw(t, m.View().Content)
		if title := strings.Split(out, "\n")[0]; !strings.HasPrefix(title, `evil-clip\x1b]52;c;aGk=\x07 222222222222 · ViewOnlyAccess · acme`) {
			t.Errorf("actions title %q", title)
		}
		teatest.RequireEqualOutput(t, []byte(out))
	})
}
