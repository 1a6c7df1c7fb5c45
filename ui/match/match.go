// Package match ranks catalogue rows against a typed query with fzf's own
// matching algorithm (github.com/junegunn/fzf/src/algo), so scores and
// highlights are what fzf users expect. The picker and `ssopick list QUERY`
// share it.
package match

import (
	"cmp"
	"slices"
	"strings"
	"unicode"

	"github.com/junegunn/fzf/src/algo"
	"github.com/junegunn/fzf/src/util"
)

func init() {
	// fzf's scoring tables are built by Init; "default" is fzf's default
	// scheme.
	algo.Init("default")
}

// Matcher holds rows' searchable texts, prepared once. It reuses scratch
// memory between calls, so one Matcher serves one goroutine at a time.
type Matcher struct {
	texts []util.Chars
	slab  *util.Slab
}

// New prepares texts for matching; text i is row i.
func New(texts []string) *Matcher {
	m := &Matcher{texts: make([]util.Chars, len(texts)), slab: util.MakeSlab(100*1024, 2048)}
	for i, t := range texts {
		m.texts[i] = util.ToChars([]byte(t))
	}
	return m
}

// Len is the number of rows.
func (m *Matcher) Len() int { return len(m.texts) }

// Result is one matching row.
type Result struct {
	Index int // the row's position in the texts given to New
	Score int
}

// term is one space-separated word of a query.
type term struct {
	pattern       []rune
	caseSensitive bool
}

// parse splits a query into terms; like fzf's smart case, a term with an
// upper-case letter matches case-sensitively.
func parse(query string) []term {
	var terms []term
	for _, word := range strings.Fields(query) {
		runes := []rune(word)
		sensitive := slices.ContainsFunc(runes, unicode.IsUpper)
		if !sensitive {
			runes = []rune(strings.ToLower(word))
		}
		terms = append(terms, term{pattern: algo.NormalizeRunes(runes), caseSensitive: sensitive})
	}
	return terms
}

// Match returns the rows matching every term of query, best first; equal
// scores keep row order. An empty query matches every row with score 0.
// Only candidates (row indexes, ascending) are tried when it is non-nil,
// which lets a caller narrow from a previous, shorter query's results.
func (m *Matcher) Match(query string, candidates []int) []Result {
	terms := parse(query)
	var out []Result
	try := func(i int) {
		total := 0
		for _, t := range terms {
			r, _ := algo.FuzzyMatchV2(t.caseSensitive, true, true, &m.texts[i], t.pattern, false, m.slab)
			if r.Start < 0 {
				return
			}
			total += r.Score
		}
		out = append(out, Result{Index: i, Score: total})
	}
	if candidates != nil {
		for _, i := range candidates {
			try(i)
		}
	} else {
		for i := range m.texts {
			try(i)
		}
	}
	slices.SortStableFunc(out, func(a, b Result) int { return cmp.Compare(b.Score, a.Score) })
	return out
}

// Positions are the rune offsets in row i's text that query matched, for
// highlighting; nil if it does not match.
func (m *Matcher) Positions(query string, i int) []int {
	var all []int
	for _, t := range parse(query) {
		r, pos := algo.FuzzyMatchV2(t.caseSensitive, true, true, &m.texts[i], t.pattern, true, m.slab)
		if r.Start < 0 {
			return nil
		}
		if pos != nil {
			all = append(all, *pos...)
		}
	}
	slices.Sort(all)
	return slices.Compact(all)
}
