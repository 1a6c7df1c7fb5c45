package ui

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/ui/match"
)

// item is one line of the list: a catalogue row, or a session that needs
// signing in before its rows can be used.
type item struct {
	row    int    // index into picker.rows; -1 for a sign-in item
	signIn string // the session label of a sign-in item
}

// picker is the fuzzy-searchable list: rows, the query, the ranked
// results and the cursor. It is a plain struct driven by the app model.
type picker struct {
	rows     []aws.Row
	history  rowHistory // what state says of rows
	matcher  *match.Matcher
	natural  columns // widest value of each column over all rows
	sessions int     // distinct sessions among rows
	state    *State
	query    string
	signIns  []string // sessions waiting for sign-in, listed first

	// Incremental filtering: the rows matching lastQuery (ascending). A
	// query that extends lastQuery only needs to look at these.
	lastQuery   string
	lastMatches []int

	results []item
	// moved is set when the person moves the cursor; until then it stays
	// on the best match as results change.
	moved  bool
	cursor int // index into results
	offset int // first visible result
	height int // visible result lines
}

// columns are the widths of the row fields, in display cells.
type columns struct{ name, id, role, email, session int }

func newPicker(state *State) *picker {
	return &picker{state: state, matcher: match.New(nil)}
}

// setRows replaces the rows (after a load or a background refresh),
// keeping the query and the selected row where it still exists.
// setRows shows rows; texts are their SearchText, made here when nil.
func (p *picker) setRows(rows []aws.Row, texts []string) {
	selected, hadSelection := p.selectedKey()
	p.rows = rows
	p.history = historyOf(rows, p.state)
	if texts == nil {
		texts = aws.SearchTexts(rows)
	}
	p.natural = columns{id: 12}
	seen := map[string]bool{}
	for _, r := range rows {
		p.natural.name = max(p.natural.name, cellWidth(Visible(r.AccountName)))
		p.natural.role = max(p.natural.role, cellWidth(Visible(r.RoleName)))
		p.natural.email = max(p.natural.email, cellWidth(Visible(r.Detail())))
		p.natural.session = max(p.natural.session, cellWidth(Visible(r.Session)))
		seen[r.Session] = true
	}
	p.sessions = len(seen)
	p.matcher = match.New(texts)
	p.lastQuery, p.lastMatches = "", nil
	p.refilter()
	if hadSelection && p.moved {
		p.selectKey(selected)
	}
}

// stateChanged takes in a change of the state (a star).
func (p *picker) stateChanged() { p.history = historyOf(p.rows, p.state) }

// rowHistory is what the state file says of the rows, by row index: stars
// and last use. Only rows the state names are in it, and building it takes
// one lookup a row and no allocation: a key a row was 20,000 strings to
// make before the first frame.
type rowHistory struct {
	starred map[int]bool
	recent  map[int]time.Time
}

func historyOf(rows []aws.Row, st *State) rowHistory {
	h := rowHistory{starred: map[int]bool{}, recent: map[int]time.Time{}}
	if st == nil || len(st.Recent)+len(st.Starred) == 0 {
		return h
	}
	var key []byte
	for i, r := range rows {
		key = appendRowKey(key[:0], r)
		// Indexing with string(key) does not allocate.
		if st.Starred[string(key)] {
			h.starred[i] = true
		}
		if t, ok := st.Recent[string(key)]; ok {
			h.recent[i] = t
		}
	}
	return h
}

// setSignIns sets the sessions that need a sign-in.
func (p *picker) setSignIns(labels []string) {
	selected, had := p.selectedKey()
	p.signIns = labels
	p.refilter()
	if had && p.moved {
		p.selectKey(selected)
	}
}

// setQuery filters for a new query; the cursor goes to the best match.
func (p *picker) setQuery(q string) {
	if q == p.query {
		return
	}
	p.query = q
	p.cursor, p.offset, p.moved = 0, 0, false
	p.refilter()
}

// bestMatch is where the cursor rests until the person moves it: on the
// first item, or, once they have typed, on the best matching row, below
// any "sign in to …" items (which match no query).
func (p *picker) bestMatch() int {
	if strings.TrimSpace(p.query) != "" && len(p.results) > len(p.signIns) {
		return len(p.signIns)
	}
	return 0
}

func (p *picker) refilter() {
	q := strings.TrimSpace(p.query)
	var candidates []int
	if q != "" && p.lastQuery != "" && strings.HasPrefix(q, p.lastQuery) {
		// Every match of a longer query matches its prefix too: each
		// term is the same or extended.
		candidates = p.lastMatches
	}
	// A pasted ARN, account id or console URL: its account's rows (every
	// row if it names none), ranked by the query's other words, and no
	// narrowing from or for the next keystroke, which can make it a
	// plain query again.
	pasted, rest, isPaste := aws.PasteCandidates(p.rows, q)
	if isPaste {
		candidates = pasted
	} else {
		rest = q
	}
	matches := p.matcher.Match(rest, candidates)
	p.lastQuery, p.lastMatches = q, nil
	if isPaste {
		p.lastQuery = ""
	}
	if q != "" && !isPaste {
		// The matched rows in catalogue order, for the next keystroke:
		// marked and collected, cheaper than sorting them.
		matched := make([]bool, len(p.rows))
		for _, m := range matches {
			matched[m.Index] = true
		}
		p.lastMatches = make([]int, 0, len(matches))
		for i, ok := range matched {
			if ok {
				p.lastMatches = append(p.lastMatches, i)
			}
		}
	}

	// Match already orders by quality, then catalogue order. History
	// reorders: starred rows first; then quality (for a query) or
	// recency (without one); then recency; then catalogue order.
	if len(p.history.recent) > 0 || len(p.history.starred) > 0 {
		recent := func(i int) time.Time { return p.history.recent[i] }
		starred := func(i int) bool { return p.history.starred[i] }
		slices.SortStableFunc(matches, func(a, b match.Result) int {
			if sa, sb := starred(a.Index), starred(b.Index); sa != sb {
				if sa {
					return -1
				}
				return 1
			}
			if q != "" && a.Score != b.Score {
				return cmp.Compare(b.Score, a.Score)
			}
			if c := recent(b.Index).Compare(recent(a.Index)); c != 0 {
				return c
			}
			return cmp.Compare(a.Index, b.Index)
		})
	}
	p.results = slices.Grow(p.results[:0], len(p.signIns)+len(matches))
	for _, label := range p.signIns {
		p.results = append(p.results, item{row: -1, signIn: label})
	}
	for _, m := range matches {
		p.results = append(p.results, item{row: m.Index})
	}
	if !p.moved {
		p.cursor = p.bestMatch()
	}
	p.clamp()
}

// itemKey names an item across changes of the rows: a row by its
// session, account and role, and a chained row by its profile and where
// it starts too; a sign-in line by its session.
type itemKey struct{ signIn, session, account, role, chain string }

func (p *picker) keyOf(it item) itemKey {
	if it.row < 0 {
		return itemKey{signIn: it.signIn}
	}
	r := p.rows[it.row]
	k := itemKey{session: r.Session, account: r.AccountID, role: r.RoleName}
	if r.Chain != nil {
		k.chain = r.Chain.Describe()
	}
	return k
}

func (p *picker) selectedKey() (itemKey, bool) {
	it, ok := p.selected()
	if !ok {
		return itemKey{}, false
	}
	return p.keyOf(it), true
}

func (p *picker) selectKey(key itemKey) {
	for i, it := range p.results {
		if p.keyOf(it) == key {
			p.cursor = i
			p.clamp()
			return
		}
	}
}

// selected is the item under the cursor.
func (p *picker) selected() (item, bool) {
	if p.cursor < 0 || p.cursor >= len(p.results) {
		return item{}, false
	}
	return p.results[p.cursor], true
}

// move moves the cursor by delta lines, stopping at the ends.
func (p *picker) move(delta int) {
	p.cursor += delta
	p.moved = true
	p.clamp()
}

func (p *picker) home() { p.cursor, p.moved = 0, true; p.clamp() }
func (p *picker) end()  { p.cursor, p.moved = len(p.results)-1, true; p.clamp() }

// clamp keeps the cursor on a result and inside the visible window.
func (p *picker) clamp() {
	p.cursor = max(0, min(p.cursor, len(p.results)-1))
	h := max(1, p.height)
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+h {
		p.offset = p.cursor - h + 1
	}
	p.offset = max(0, min(p.offset, len(p.results)-h))
}

func (p *picker) setHeight(h int) {
	p.height = max(1, h)
	p.clamp()
}

// fit shrinks the natural column widths into width cells: the email goes
// first, then the session, then names and roles are truncated, and the id
// goes last.
func (p *picker) fit(width int) columns {
	c := p.natural
	c.name, c.role, c.email = min(c.name, 40), min(c.role, 32), min(c.email, 48)
	if p.sessions <= 1 {
		c.session = 0
	}
	c.session = min(c.session, 20)
	total := func() int {
		n, cols := 0, 0
		for _, w := range []int{c.name, c.id, c.role, c.email, c.session} {
			if w > 0 {
				n += w
				cols++
			}
		}
		return n + 2*max(0, cols-1)
	}
	for total() > width && c.email > 12 {
		c.email--
	}
	if total() > width {
		c.email = 0
	}
	if total() > width {
		c.session = 0
	}
	for total() > width && (c.name > 12 || c.role > 10) {
		if c.name >= c.role && c.name > 12 || c.role <= 10 {
			c.name--
		} else {
			c.role--
		}
	}
	if total() > width {
		c.id = 0
	}
	for total() > width && c.name > 4 {
		c.name--
	}
	return c
}

// rowPrefix is the marker and star columns before each row.
const rowPrefix = 4

// rowStyles are a row's styles as escape sequences, computed once a frame.
type rowStyles struct {
	base, dim, role, hl, signIn sgr
	marker, star                string
}

func newRowStyles(s Styles, selected bool) rowStyles {
	base, hl := lipgloss.NewStyle(), s.Match
	marker := "  "
	if selected {
		base, hl = s.Cursor, s.Cursor.Inherit(s.Match).Underline(true)
		marker = s.Marker.Render("▸ ")
	}
	return rowStyles{
		base:   sgrOf(base),
		dim:    sgrOf(base.Inherit(s.Dim)),
		role:   sgrOf(base.Bold(true)),
		hl:     sgrOf(hl),
		signIn: sgrOf(base.Inherit(s.SignIn)),
		marker: marker,
		star:   s.Star.Render("★ "),
	}
}

// view renders the visible window of results, width cells wide.
func (p *picker) view(s Styles, width int) string {
	var b strings.Builder
	cols := p.fit(width - rowPrefix)
	normal, selected := newRowStyles(s, false), newRowStyles(s, true)
	query := strings.TrimSpace(p.query)
	end := min(len(p.results), p.offset+p.height)
	for i := p.offset; i < end; i++ {
		if i > p.offset {
			b.WriteByte('\n')
		}
		rs := normal
		if i == p.cursor {
			rs = selected
		}
		p.line(&b, rs, p.results[i], query, cols, width)
	}
	return b.String()
}

func (p *picker) line(b *strings.Builder, rs rowStyles, it item, query string, cols columns, width int) {
	b.WriteString(rs.marker)
	if it.row < 0 {
		text := ansi.Truncate("→ sign in to "+Visible(it.signIn)+" (enter)", width-rowPrefix, "…")
		b.WriteString("  " + rs.signIn.open + padRight(text, width-rowPrefix) + rs.signIn.close)
		return
	}
	r := p.rows[it.row]
	if p.history.starred[it.row] {
		b.WriteString(rs.star)
	} else {
		b.WriteString("  ")
	}
	var positions map[int]bool
	if query != "" {
		positions = map[int]bool{}
		for _, pos := range p.matcher.Positions(query, it.row) {
			positions[pos] = true
		}
	}
	// The fields sit in SearchText in this order, a tab apart.
	fields := []struct {
		text  string
		width int
		style sgr
	}{
		{r.AccountName, cols.name, rs.base},
		{r.AccountID, cols.id, rs.dim},
		{r.RoleName, cols.role, rs.role},
		{r.Detail(), cols.email, rs.dim},
		{r.Session, cols.session, rs.dim},
	}
	offset, used := 0, 0
	gap := rs.base.open + "  " + rs.base.close
	for _, f := range fields {
		if f.width > 0 {
			if used > 0 {
				b.WriteString(gap)
				used += 2
			}
			renderField(b, f.text, offset, positions, f.width, f.style, rs.hl)
			used += f.width
		}
		offset += utf8.RuneCountInString(f.text) + 1
	}
	if rest := width - rowPrefix - used; rest > 0 {
		b.WriteString(rs.base.open + strings.Repeat(" ", rest) + rs.base.close)
	}
}

// renderField draws text in exactly width cells, truncated with "…",
// with the runes at the matched positions (offset into the search text)
// in the highlight style. Text from the service is drawn made visible
// (see Visible): a control character takes the cells of its \x1b, and is
// highlighted when the rune it shows is matched.
func renderField(b *strings.Builder, text string, offset int, positions map[int]bool, width int, plain, bright sgr) {
	runes, src := visibleRunes(text)
	if src != nil {
		text = string(runes)
	}
	shown := len(runes) // runes shown before the "…", if any
	if cellWidth(text) > width {
		// Cut before the first rune that does not fit, and never inside
		// the \x1b of a control character.
		w := 0
		shown = 0
		for i, r := range runes {
			rw := cellWidth(string(r))
			if w+rw > width-1 {
				break
			}
			w += rw
			if src == nil || i+1 == len(runes) || src[i+1] != src[i] {
				shown = i + 1
			}
		}
		runes = append(runes[:shown:shown], '…')
	}
	highlighted := func(i int) bool {
		if i >= shown {
			return false // the "…"
		}
		if src != nil {
			i = src[i]
		}
		return positions[offset+i]
	}
	start, runHL := 0, false
	flush := func(end int) {
		if end > start {
			sg := plain
			if runHL {
				sg = bright
			}
			b.WriteString(sg.open)
			b.WriteString(string(runes[start:end]))
			b.WriteString(sg.close)
		}
		start = end
	}
	for i := range runes {
		if h := positions != nil && highlighted(i); h != runHL {
			flush(i)
			runHL = h
		}
	}
	flush(len(runes))
	if pad := width - cellWidth(string(runes)); pad > 0 {
		b.WriteString(plain.open + strings.Repeat(" ", pad) + plain.close)
	}
}

// sgr is a style as the escape sequences around its text, so hot loops
// can draw many runs without lipgloss laying each one out.
type sgr struct{ open, close string }

// sgrOf extracts a style's escape sequences by rendering a placeholder.
func sgrOf(st lipgloss.Style) sgr {
	const placeholder = "\uE000"
	open, close, _ := strings.Cut(st.Render(placeholder), placeholder)
	return sgr{open, close}
}

// cellWidth is the display width of s, with a fast path for ASCII.
func cellWidth(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return ansi.StringWidth(s)
		}
	}
	return len(s)
}

func padRight(s string, width int) string {
	if w := ansi.StringWidth(s); w < width {
		return s + strings.Repeat(" ", width-w)
	}
	return s
}

// counts is "N of M roles" for the status line.
func (p *picker) counts() (shown, total int) {
	return len(p.results) - len(p.signIns), len(p.rows)
}
