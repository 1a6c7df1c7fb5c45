// Package match ranks catalogue rows against a typed query with fzf's own
// matching algorithms (github.com/junegunn/fzf/src/algo), so scores and
// highlights are what fzf users expect: every row is matched with fzf's
// linear-time v1 algorithm, and the best rows are ordered by its optimal v2
// score. The picker and `ssopick list QUERY` share it.
package match

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unsafe"

	"github.com/junegunn/fzf/src/algo"
	"github.com/junegunn/fzf/src/util"
)

func init() {
	// fzf's scoring tables are built by Init; "default" is fzf's default
	// scheme.
	algo.Init("default")
}

// Matcher holds rows' searchable texts, prepared once. Match and
// Positions may be called from one goroutine at a time; Match spreads its
// own work over the CPUs.
type Matcher struct {
	raw []string
	// texts are raw as fzf takes them, made at the first query: the
	// picker's first frame has none, and 20,000 of them are 800 KB.
	prepare sync.Once
	texts   []util.Chars
	slabs   []*util.Slab // one per worker
	// terms caches each term's v1 score per row (unscored or noMatch
	// where so), so typing a new word does not re-match the earlier ones
	// and extending a word skips rows its shorter form did not match.
	terms map[termKey][]int32
}

type termKey struct {
	pattern       string
	caseSensitive bool
}

// A term's cached score of a row is fzf's v1 score or one of these. fzf
// scores can be negative (a match spread over a long row pays gap
// penalties), so the marks lie below any score.
const (
	noMatch      = math.MinInt32
	unscored     = math.MinInt32 + 1
	maxTermCache = 32
)

// New prepares texts for matching; text i is row i.
func New(texts []string) *Matcher {
	m := &Matcher{raw: texts, terms: map[termKey][]int32{}}
	for range max(1, runtime.GOMAXPROCS(0)) {
		m.slabs = append(m.slabs, util.MakeSlab(100*1024, 2048))
	}
	return m
}

// chars are the texts as fzf takes them.
func (m *Matcher) chars() []util.Chars {
	m.prepare.Do(func() {
		m.texts = make([]util.Chars, len(m.raw))
		for i, t := range m.raw {
			// fzf only reads a row's bytes: they are the string's own,
			// not a copy, which for 20,000 rows would be 2 MB more.
			m.texts[i] = util.ToChars(unsafe.Slice(unsafe.StringData(t), len(t)))
		}
	})
	return m.texts
}

// Result is one matching row.
type Result struct {
	Index int // the row's position in the texts given to New
	// Score orders results, higher first. Only its order is meaningful.
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

const (
	// refineTop is how many of the best rows get fzf's optimal (v2)
	// score. The linear-time v1 algorithm finds and orders all matches;
	// v2 costs up to 20× more on long rows, so only the head of the
	// list, the part people look at, pays for it.
	refineTop = 200
	// refined lifts v2-scored rows above the rest, whose v1 scores are
	// not comparable with them.
	refined = 1 << 24
	// parallelMin is the candidate count from which matching is split
	// over the CPUs.
	parallelMin = 2048
)

// Match returns the rows matching every term of query, best first; equal
// scores keep row order. An empty query matches every row with score 0.
// Only candidates (row indexes, ascending) are tried when it is non-nil,
// which lets a caller narrow from a previous, shorter query's results.
func (m *Matcher) Match(query string, candidates []int) []Result {
	terms := parse(query)
	if len(terms) == 0 {
		if candidates == nil {
			out := make([]Result, len(m.raw))
			for i := range out {
				out[i].Index = i
			}
			return out
		}
		out := make([]Result, len(candidates))
		for i, c := range candidates {
			out[i] = Result{Index: c}
		}
		return out
	}
	m.chars() // scan and score read m.texts
	if candidates == nil {
		candidates = make([]int, len(m.raw))
		for i := range candidates {
			candidates[i] = i
		}
	}
	out := m.scan(terms, candidates)
	// Best score first, then catalogue order: scan answers in catalogue
	// order, and a stable sort keeps it among equal scores. (An unstable
	// sort with the index as tiebreak was slower: scores tie a lot.)
	byScore := func(a, b Result) int { return cmp.Compare(b.Score, a.Score) }
	slices.SortStableFunc(out, byScore)
	head := out[:min(refineTop, len(out))]
	for i := range head {
		head[i].Score = refined + m.score(terms, head[i].Index, m.slabs[0])
	}
	slices.SortStableFunc(head, byScore)
	return out
}

// scan finds the candidates matching every term, with v1 scores, split
// over the CPUs when there are many.
func (m *Matcher) scan(terms []term, candidates []int) []Result {
	type prepared struct {
		t       term
		scores  []int32
		shorter []int32 // the term less its last rune, if cached
	}
	prep := make([]prepared, len(terms))
	for j, t := range terms {
		prep[j] = prepared{t: t, scores: m.termScores(t)}
		if len(t.pattern) > 1 {
			prep[j].shorter = m.terms[termKey{string(t.pattern[:len(t.pattern)-1]), t.caseSensitive}]
		}
	}
	workers := len(m.slabs)
	if len(candidates) < parallelMin {
		workers = 1
	}
	// One slice for all: worker w fills out from its chunk's start, and
	// the filled parts are closed up afterwards, in order. (A slice per
	// worker grown by append, then joined, was three times the garbage of
	// a keystroke that matches every row.)
	out := make([]Result, len(candidates))
	found := make([]int, workers)
	chunk := (len(candidates) + workers - 1) / workers
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := min(w*chunk, len(candidates)), min((w+1)*chunk, len(candidates))
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Workers score disjoint rows, so they write disjoint cache
			// cells.
			for _, i := range candidates[lo:hi] {
				total, matched := 0, true
				for _, p := range prep {
					s := p.scores[i]
					if s == unscored {
						s = noMatch
						if p.shorter == nil || p.shorter[i] != noMatch {
							if r, _ := algo.FuzzyMatchV1(p.t.caseSensitive, true, true, &m.texts[i], p.t.pattern, false, m.slabs[w]); r.Start >= 0 {
								s = int32(r.Score)
							}
						}
						p.scores[i] = s
					}
					if s == noMatch {
						matched = false
						break
					}
					total += int(s)
				}
				if matched {
					out[lo+found[w]] = Result{Index: i, Score: total}
					found[w]++
				}
			}
		}()
	}
	wg.Wait()
	n := 0
	for w := range workers {
		lo := min(w*chunk, len(candidates))
		n += copy(out[n:], out[lo:lo+found[w]])
	}
	return out[:n]
}

// termScores is the cache row of a term, created unscored if new.
func (m *Matcher) termScores(t term) []int32 {
	k := termKey{string(t.pattern), t.caseSensitive}
	if s, ok := m.terms[k]; ok {
		return s
	}
	if len(m.terms) >= maxTermCache {
		clear(m.terms)
	}
	s := make([]int32, len(m.raw))
	for i := range s {
		s[i] = unscored
	}
	m.terms[k] = s
	return s
}

// score is fzf's optimal (v2) score of row i for terms.
func (m *Matcher) score(terms []term, i int, slab *util.Slab) int {
	total := 0
	for _, t := range terms {
		r, _ := algo.FuzzyMatchV2(t.caseSensitive, true, true, &m.texts[i], t.pattern, false, slab)
		total += r.Score
	}
	return total
}

// Positions are the rune offsets in row i's text that query matched, for
// highlighting; nil if it does not match.
func (m *Matcher) Positions(query string, i int) []int {
	m.chars()
	var all []int
	for _, t := range parse(query) {
		r, pos := algo.FuzzyMatchV2(t.caseSensitive, true, true, &m.texts[i], t.pattern, true, m.slabs[0])
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
