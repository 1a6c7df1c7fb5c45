package aws

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Sessions is every selected SSO session at once: the one path from the
// person's choice of account and role to its credentials. Commands and the
// picker go through it, and the rules for the cached catalogue live here
// and nowhere else.
type Sessions struct {
	Conns []*Conn
	// Config is the AWS config the sessions come from: its chained
	// profiles' rows join the list of the session each starts from, and
	// FindProfile reads it. Nil: no profiles.
	Config *ConfigFile
	// SignIn signs a session in with the person, on the terminal; nil
	// where nobody can answer (scripts, credential_process). A call that
	// needed the sign-in runs once more after it.
	SignIn func(ctx context.Context, c *Conn) error
	// Progress, when set, gives a listing's progress callback for a
	// session.
	Progress func(c *Conn) func(Progress)
	// Warn tells the person of a problem that did not stop the work.
	Warn func(msg string)
	// RefreshLater is told of a session whose cached list answered though
	// older than the maximum age, so that it is fetched for next time (by
	// another process: this one answers at once).
	RefreshLater func(Session)
}

// OpenSessions connects to each session.
func OpenSessions(sessions []Session, env Environment) *Sessions {
	s := &Sessions{}
	for _, sess := range sessions {
		s.Conns = append(s.Conns, Connect(sess, env))
	}
	return s
}

func (s *Sessions) warn(msg string) {
	if s.Warn != nil {
		s.Warn(msg)
	}
}

// Conn is the connection to the session labelled label (a row's Session).
func (s *Sessions) Conn(label string) *Conn {
	for _, c := range s.Conns {
		if c.Session.Label() == label {
			return c
		}
	}
	return nil
}

// Freshness says when a cached catalogue is good enough.
type Freshness int

const (
	// StaleWhileRefresh: a cached list answers whatever its age; one older
	// than MaxAge goes to RefreshLater. A missing one is fetched.
	StaleWhileRefresh Freshness = iota
	// FreshOnly: a cached list older than MaxAge is fetched again now.
	FreshOnly
	// Forced: the list is fetched now whatever the cache holds.
	Forced
)

// ListOptions choose how Rows treats the cache.
type ListOptions struct {
	Freshness Freshness
	MaxAge    time.Duration // 0: no age is too old
	// Exclusive is for a background refresher: it gives way to another
	// one under way and never signs in.
	Exclusive bool
}

// Outdated reports whether a list fetched at fetchedAt (zero: none yet)
// should be fetched again: there is none, or it is older than maxAge (0:
// any age will do).
func Outdated(fetchedAt time.Time, maxAge time.Duration, now time.Time) bool {
	return fetchedAt.IsZero() || maxAge > 0 && now.Sub(fetchedAt) > maxAge
}

// ErrRefreshUnderWay means an Exclusive refresh found another running.
var ErrRefreshUnderWay = errors.New("another refresh is under way")

// Rows are the rows of every session, sorted.
func (s *Sessions) Rows(ctx context.Context, o ListOptions) ([]Row, error) {
	cats, pending, err := s.catalogues(ctx, s.Conns, o, s.SignIn)
	if err == nil && len(pending) > 0 {
		err = pending[0].err
	}
	if err != nil {
		return nil, err
	}
	rows, _ := WithChains(mergeRows(cats), nil, s.chains(), sessionsOf(cats))
	return rows, nil
}

func (s *Sessions) chains() []Chain {
	if s.Config == nil {
		return nil
	}
	return s.Config.Chains()
}

// sessionsOf are the session labels of cats.
func sessionsOf(cats []*Catalogue) []string {
	labels := make([]string, len(cats))
	for i, c := range cats {
		labels[i] = c.Session
	}
	return labels
}

// RowsAndTexts are Rows and their SearchText, for matching. With one
// session, the texts are the lines of its cache file, not made anew.
func (s *Sessions) RowsAndTexts(ctx context.Context, o ListOptions) ([]Row, []string, error) {
	cats, pending, err := s.catalogues(ctx, s.Conns, o, s.SignIn)
	if err == nil && len(pending) > 0 {
		err = pending[0].err
	}
	if err != nil {
		return nil, nil, err
	}
	if len(cats) == 1 {
		rows, texts := WithChains(cats[0].Rows, cats[0].SearchTexts(), s.chains(), sessionsOf(cats))
		return rows, texts, nil
	}
	rows, _ := WithChains(mergeRows(cats), nil, s.chains(), sessionsOf(cats))
	return rows, SearchTexts(rows), nil
}

// signInNeeded is a session that could not be listed without a sign-in.
type signInNeeded struct {
	conn *Conn
	err  error
}

// catalogues lists conns, signing in with signIn where it is given.
// Sessions that need a sign-in nobody can give are returned apart, so that
// a caller may go on with the others.
func (s *Sessions) catalogues(ctx context.Context, conns []*Conn, o ListOptions, signIn func(context.Context, *Conn) error) ([]*Catalogue, []signInNeeded, error) {
	var cats []*Catalogue
	var pending []signInNeeded
	for _, c := range conns {
		cat, err := s.catalogue(ctx, c, o, signIn)
		switch {
		case errors.Is(err, ErrSignInRequired):
			pending = append(pending, signInNeeded{c, err})
		case err != nil:
			return nil, nil, err
		default:
			cats = append(cats, cat)
		}
	}
	return cats, pending, nil
}

// mergeRows is the rows of cats, sorted: each catalogue's are already.
func mergeRows(cats []*Catalogue) []Row {
	if len(cats) == 1 {
		return cats[0].Rows // one session, by far the most common: no copy
	}
	var rows []Row
	for _, c := range cats {
		rows = append(rows, c.Rows...)
	}
	SortRows(rows)
	return rows
}

// catalogue applies the cache rules to one session. A fetch that fails
// for any reason but a needed sign-in or cancellation falls back to the
// cached list, with a warning.
func (s *Sessions) catalogue(ctx context.Context, c *Conn, o ListOptions, signIn func(context.Context, *Conn) error) (*Catalogue, error) {
	cached, cerr := c.Cached()
	if cerr == nil {
		tooOld := Outdated(cached.FetchedAt, o.MaxAge, time.Now())
		switch {
		case o.Freshness == StaleWhileRefresh && tooOld && s.RefreshLater != nil:
			s.RefreshLater(c.Session)
			return cached, nil
		case o.Freshness == StaleWhileRefresh, o.Freshness == FreshOnly && !tooOld:
			return cached, nil
		}
	}
	if o.Exclusive {
		unlock, ok := c.Cache.TryRefreshLock(c.Session)
		if !ok {
			return nil, ErrRefreshUnderWay
		}
		defer unlock()
	}
	var progress func(Progress)
	if s.Progress != nil {
		progress = s.Progress(c)
	}
	var cat *Catalogue
	if o.Exclusive {
		signIn = nil
	}
	err := withSignIn(ctx, c, signIn, func() (err error) {
		cat, err = c.Fetch(ctx, progress)
		return err
	})
	switch {
	case err == nil:
		if cat.SaveErr != nil {
			s.warn(fmt.Sprintf("could not cache the list of %s (%v); the next run will list it again", c.Session.Label(), cat.SaveErr))
		}
		return cat, nil
	case cerr == nil && !errors.Is(err, context.Canceled) && !errors.Is(err, ErrSignInRequired):
		s.warn(fmt.Sprintf("could not refresh the list of %s (%v); using the one from %s",
			c.Session.Label(), err, cached.FetchedAt.Local().Format(time.DateTime)))
		return cached, nil
	case errors.Is(err, ErrSignInRequired):
		return nil, err
	}
	return nil, fmt.Errorf("list the accounts of %s: %w", c.Session.Label(), err)
}

// Choice is a role and the connection to its session.
type Choice struct {
	Row  Row
	Conn *Conn
}

// recheckAge: a role missing from a list older than this is looked for
// once more in a fresh one, since it may have been granted since.
const recheckAge = time.Minute

// Find finds the role named by account (an id or a name, see AccountRows)
// and role across every session, from the cached lists where they have it.
// Sessions that can be listed without a sign-in are searched first: a
// signed-out session never holds up a role found in a signed-in one.
func (s *Sessions) Find(ctx context.Context, account, role string) (Choice, error) {
	if IsAccountID(account) && len(s.Conns) == 1 {
		// An account id needs no list: the role's credentials are asked
		// for directly (a credential_process on a new laptop must not
		// list a whole organisation first). A cached list still names it.
		c := s.Conns[0]
		if cat, err := c.Cached(); err == nil {
			if ch, found, _ := s.match(cat.Rows, account, role); found {
				return ch, nil
			}
		}
		return Choice{Row: Row{AccountID: account, RoleName: role, Session: c.Session.Label()}, Conn: c}, nil
	}
	cats, pending, err := s.catalogues(ctx, s.Conns, ListOptions{Freshness: StaleWhileRefresh}, nil)
	if err != nil {
		return Choice{}, err
	}
	rows := mergeRows(cats)
	if ch, found, err := s.match(rows, account, role); found || err != nil {
		return ch, err
	}
	for _, p := range pending {
		if s.SignIn == nil {
			return Choice{}, p.err
		}
		more, _, err := s.catalogues(ctx, []*Conn{p.conn}, ListOptions{Freshness: StaleWhileRefresh}, s.SignIn)
		if err != nil {
			return Choice{}, err
		}
		cats = append(cats, more...)
	}
	if len(pending) > 0 {
		rows = mergeRows(cats)
	}
	if ch, found, err := s.match(rows, account, role); found || err != nil {
		return ch, err
	}
	if s.anyOlderThan(recheckAge) {
		if rows, err = s.Rows(ctx, ListOptions{Freshness: FreshOnly, MaxAge: recheckAge}); err != nil {
			return Choice{}, err
		}
		if ch, found, err := s.match(rows, account, role); found || err != nil {
			return ch, err
		}
	}
	return Choice{}, &RoleNotFoundError{Account: account, Role: role, Rows: rows}
}

// match finds account and role in rows (see FindRow) with its session's
// connection.
func (s *Sessions) match(rows []Row, account, role string) (Choice, bool, error) {
	r, found, err := FindRow(rows, account, role)
	if !found || err != nil {
		return Choice{}, false, err
	}
	return Choice{Row: r, Conn: s.Conn(r.Session)}, true, nil
}

// FindRow finds the row of role in the account named by account (see
// AccountRows): found is false when no row answers; the error says the
// name is ambiguous or the role is in several sessions.
func FindRow(rows []Row, account, role string) (Row, bool, error) {
	accountRows, err := AccountRows(rows, account)
	if err != nil {
		return Row{}, false, err
	}
	var hits []Row
	for _, r := range accountRows {
		if r.RoleName == role {
			hits = append(hits, r)
		}
	}
	switch len(hits) {
	case 0:
		return Row{}, false, nil
	case 1:
		return hits[0], true, nil
	}
	return Row{}, false, fmt.Errorf("%s %s is in several SSO sessions (%s and %s); choose one with --sso-session", account, role, hits[0].Session, hits[1].Session)
}

// anyOlderThan reports whether some session's cached list is older than age
// (or missing).
func (s *Sessions) anyOlderThan(age time.Duration) bool {
	for _, c := range s.Conns {
		if cat, err := c.Cached(); err != nil || Outdated(cat.FetchedAt, age, time.Now()) {
			return true
		}
	}
	return false
}

// RoleNotFoundError says no row answers an account and role. Rows are the
// rows searched, for suggestions.
type RoleNotFoundError struct {
	Account, Role string
	Rows          []Row
}

func (e *RoleNotFoundError) Error() string {
	return fmt.Sprintf("no role %q in an account %q", e.Role, e.Account)
}

// IsAccountID reports whether s is an AWS account id: twelve digits.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// AccountRows are the rows of the account a person named (with -a): the
// account with that id, else the one with exactly that name, else the one
// with that name in any case. Two accounts answering at the same step is
// an error naming them; no account is no rows.
func AccountRows(rows []Row, account string) ([]Row, error) {
	for _, same := range []func(Row) bool{
		func(r Row) bool { return r.AccountID == account },
		func(r Row) bool { return r.AccountName == account },
		func(r Row) bool { return strings.EqualFold(r.AccountName, account) },
	} {
		var hits []Row
		var ids []string
		for _, r := range rows {
			if same(r) {
				hits = append(hits, r)
				if !slices.Contains(ids, r.AccountID) {
					ids = append(ids, r.AccountID)
				}
			}
		}
		if len(ids) > 1 {
			var names []string
			for _, id := range ids {
				for _, r := range hits {
					if r.AccountID == id {
						names = append(names, fmt.Sprintf("%s (%s)", r.AccountName, id))
						break
					}
				}
			}
			return nil, fmt.Errorf("%q names %d accounts: %s; use the account id", account, len(ids), strings.Join(names, ", "))
		}
		if len(hits) > 0 {
			return hits, nil
		}
	}
	return nil, nil
}

// Credentials fetches the chosen role's keys, signing in first where
// SignIn allows.
func (s *Sessions) Credentials(ctx context.Context, ch Choice) (creds RoleCredentials, err error) {
	from := ch.Row
	if ch.Row.Chain != nil {
		from = ch.Row.Chain.From
	}
	err = withSignIn(ctx, ch.Conn, s.SignIn, func() (err error) {
		creds, err = ch.Conn.RoleCredentials(ctx, from.AccountID, from.RoleName)
		return err
	})
	if err != nil || ch.Row.Chain == nil {
		return creds, err
	}
	return ch.Conn.ChainCredentials(ctx, ch.Row.Chain, creds)
}

// withSignIn runs call; when it needs a sign-in and signIn is given, it
// signs in and runs call again. A sign-in still needed ends with the
// advice to run `ssopick login`.
func withSignIn(ctx context.Context, c *Conn, signIn func(context.Context, *Conn) error, call func() error) error {
	err := call()
	if errors.Is(err, ErrSignInRequired) && signIn != nil {
		if err = signIn(ctx, c); err == nil {
			err = call()
		}
	}
	if errors.Is(err, ErrSignInRequired) {
		return fmt.Errorf("%w; run `ssopick login` first", err)
	}
	return err
}
