package match

import (
	"testing"
)

var texts = []string{
	"acme-payments-prod  111122223333  AdministratorAccess  aws+acme-payments-prod@acme.example  acme",
	"acme-payments-prod  111122223333  ViewOnlyAccess  aws+acme-payments-prod@acme.example  acme",
	"acme-audit  210987654321  ViewOnlyAccess  aws+acme-audit@acme.example  acme",
	"acme-search-dev  555545678999  ViewOnlyAccess  aws+acme-search-dev@acme.example  acme",
	"acme-search-dev  555545678999  PowerUserAccess  aws+acme-search-dev@acme.example  acme",
}

func indexes(rs []Result) []int {
	var out []int
	for _, r := range rs {
		out = append(out, r.Index)
	}
	return out
}

func TestMatchFindsRowsFromPiecesOfAnyField(t *testing.T) {
	m := New(texts)
	for _, tc := range []struct {
		query string
		first int
	}{
		{"prod adm", 0},
		{"4567 view", 3},
		{"audit view", 2},
		{"search power", 4},
		{"PowerUser", 4},
	} {
		got := m.Match(tc.query, nil)
		if len(got) == 0 || got[0].Index != tc.first {
			t.Errorf("%q ranked %v, want row %d first", tc.query, indexes(got), tc.first)
		}
	}
}

func TestMatchNeedsEveryTerm(t *testing.T) {
	m := New(texts)
	if got := m.Match("audit power", nil); len(got) != 0 {
		t.Errorf("audit power matched %v", indexes(got))
	}
	if got := m.Match("zzz", nil); len(got) != 0 {
		t.Errorf("zzz matched %v", indexes(got))
	}
	if got := m.Match("  ", nil); len(got) != len(texts) {
		t.Errorf("empty query matched %d rows, want all %d", len(got), len(texts))
	}
	// Smart case: an upper-case letter makes the term case-sensitive.
	if got := m.Match("VIEWONLY", nil); len(got) != 0 {
		t.Errorf("VIEWONLY matched %v", indexes(got))
	}
}

func TestMatchWithinCandidates(t *testing.T) {
	m := New(texts)
	got := m.Match("view", []int{2, 4})
	if len(got) != 1 || got[0].Index != 2 {
		t.Errorf("got %v, want only row 2", indexes(got))
	}
}

func TestPositions(t *testing.T) {
	m := New(texts)
	pos := m.Positions("audit view", 2)
	if len(pos) != len("audit")+len("view") {
		t.Fatalf("positions %v", pos)
	}
	if string([]rune(texts[2])[pos[0]]) != "a" || pos[0] != 5 {
		t.Errorf("first position %d (%q)", pos[0], string([]rune(texts[2])[pos[0]]))
	}
	if m.Positions("power", 2) != nil {
		t.Error("positions for a non-matching row")
	}
}

// A match spread over a long row has a negative fzf score (gap penalties):
// it is still a match, alone or with other terms, as in fzf.
func TestMatchKeepsMatchesWithNegativeScores(t *testing.T) {
	row := "acme-payments-prod\t849075888875\tViewOnlyAccess\taws+acme-payments-prod@acme.example\tacme"
	m := New([]string{row})
	for _, q := range []string{"adm", "prod adm", "adm adm"} {
		if got := m.Match(q, nil); len(got) != 1 {
			t.Errorf("%q matched %v; fzf --filter matches the row", q, got)
		}
	}
}
