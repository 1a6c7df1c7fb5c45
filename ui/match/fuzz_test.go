package match

import (
	"testing"
	"unicode/utf8"
)

func FuzzMatch(f *testing.F) {
	f.Add("acme-audit  257969631036  ViewOnlyAccess  aws+acme-audit@acme.example  acme", "audit view")
	f.Add("ÄÖÜ naïve café", "cafe NAIVE")
	f.Add("", "  ")
	f.Add("\x00\xff", "\xff")
	f.Fuzz(func(t *testing.T, text, query string) {
		m := New([]string{text, text + " extra", "other"})
		results := m.Match(query, nil)
		again := m.Match(query, nil) // from the per-term cache
		if len(results) != len(again) {
			t.Fatalf("cached match differs: %d vs %d", len(results), len(again))
		}
		runes := utf8.RuneCountInString(text)
		for _, r := range results {
			if r.Index < 0 || r.Index > 2 {
				t.Fatalf("index %d out of range", r.Index)
			}
			if r.Index == 0 {
				for _, p := range m.Positions(query, 0) {
					if p < 0 || p >= runes {
						t.Fatalf("position %d outside %d runes", p, runes)
					}
				}
			}
		}
	})
}
