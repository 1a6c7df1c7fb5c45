package aws

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/gofrs/flock"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
)

// Row is one account × role the person may use.
type Row struct {
	AccountID   string `json:"accountId"`
	AccountName string `json:"accountName"`
	Email       string `json:"emailAddress"`
	RoleName    string `json:"roleName"`
	Session     string `json:"ssoSession"`
	// Chain is set on a role assumed from an SSO role (a chained
	// profile, or --assume); nil on the SSO roles themselves.
	Chain *Chain `json:"-"`
}

// SearchText is what a query is matched against: every field a person
// might type a piece of.
func (r Row) SearchText() string {
	f := r.searchFields()
	return strings.Join(f[:], "\t")
}

// searchFields are the fields of SearchText, in its order: the picker
// maps matched positions back onto its columns by it.
func (r Row) searchFields() [5]string {
	return [...]string{r.AccountName, r.AccountID, r.RoleName, r.Detail(), r.Session}
}

// Detail is the row's fourth column: the account's email, or for a
// chained role where it comes from ("via ROLE@ACCOUNT, profile NAME").
func (r Row) Detail() string {
	if r.Chain != nil {
		return r.Chain.Describe()
	}
	return r.Email
}

// SearchTexts are the rows' SearchText, made in one allocation rather
// than one a row.
func SearchTexts(rows []Row) []string {
	size := 0
	for _, r := range rows {
		size += len(r.AccountName) + len(r.AccountID) + len(r.RoleName) + len(r.Detail()) + len(r.Session) + 4
	}
	var b strings.Builder
	b.Grow(size)
	ends := make([]int, len(rows))
	for i, r := range rows {
		for j, f := range r.searchFields() {
			if j > 0 {
				b.WriteByte('\t')
			}
			b.WriteString(f)
		}
		ends[i] = b.Len()
	}
	all := b.String()
	texts := make([]string, len(rows))
	start := 0
	for i, end := range ends {
		texts[i], start = all[start:end], end
	}
	return texts
}

// SortRows orders rows by account name, account id, then role.
func SortRows(rows []Row) { slices.SortFunc(rows, compareRows) }

// RowsSorted reports whether rows are in SortRows' order.
func RowsSorted(rows []Row) bool { return slices.IsSortedFunc(rows, compareRows) }

func compareRows(a, b Row) int {
	return cmp.Or(cmp.Compare(a.AccountName, b.AccountName), cmp.Compare(a.AccountID, b.AccountID),
		cmp.Compare(a.RoleName, b.RoleName), cmp.Compare(a.Session, b.Session))
}

// PortalAPI is the part of the SSO portal client ssopick uses.
type PortalAPI interface {
	ListAccounts(context.Context, *sso.ListAccountsInput, ...func(*sso.Options)) (*sso.ListAccountsOutput, error)
	ListAccountRoles(context.Context, *sso.ListAccountRolesInput, ...func(*sso.Options)) (*sso.ListAccountRolesOutput, error)
	GetRoleCredentials(context.Context, *sso.GetRoleCredentialsInput, ...func(*sso.Options)) (*sso.GetRoleCredentialsOutput, error)
	Logout(context.Context, *sso.LogoutInput, ...func(*sso.Options)) (*sso.LogoutOutput, error)
}

// Progress reports a catalogue fetch as it goes.
type Progress struct {
	AccountsDone  int // accounts whose roles are listed
	AccountsTotal int // accounts known so far: grows while account pages arrive
	// AccountsComplete says the account list is complete: AccountsTotal
	// is final, and AccountsDone/AccountsTotal the share done.
	AccountsComplete bool
	// Rate is the pacer's current request rate (calls per second): with
	// one call per account left, what an estimate of the time left needs.
	Rate float64
	Rows []Row // rows found since the last report
	// Restart says the listing began again (after a refreshed token):
	// forget the rows reported so far.
	Restart bool
}

// ErrUnauthorized means the portal refused the access token.
var ErrUnauthorized = errors.New("the SSO access token was refused")

// Lister fetches the catalogue from the portal.
type Lister struct {
	Portal PortalAPI
	Pacer  *Pacer
	// Workers is how many role listings may be in flight (default 16);
	// the Pacer, not this, bounds the request rate.
	Workers int
}

const portalPageSize = 100

// maxQueuedPages bounds the account pages listed ahead of the role
// listings: 100,000 accounts.
const maxQueuedPages = 1000

// Fetch lists every account, then every account's roles, concurrently under
// the pacer. Role listings start as soon as their account page arrives,
// and the account pages do not wait for them, so the number of accounts
// is known early in a long listing. progress, if set, is called from one
// goroutine at a time.
func (l *Lister) Fetch(ctx context.Context, s Session, accessToken string, progress func(Progress)) ([]Row, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := cmp.Or(l.Workers, 16)
	accounts := make(chan ssotypes.AccountInfo, workers)
	pages := make(chan []ssotypes.AccountInfo, maxQueuedPages)
	var (
		mu       sync.Mutex
		rows     []Row
		total    int
		done     int
		complete bool
		wg       sync.WaitGroup
	)
	report := func(found []Row, newAccounts, finished int, listed bool) {
		mu.Lock()
		defer mu.Unlock()
		rows = append(rows, found...)
		total += newAccounts
		done += finished
		complete = complete || listed
		if progress != nil {
			p := Progress{AccountsDone: done, AccountsTotal: total, AccountsComplete: complete, Rows: found}
			if l.Pacer != nil {
				p.Rate = l.Pacer.Rate()
			}
			progress(p)
		}
	}
	// The feeder hands the queued accounts to the workers in order.
	go func() {
		defer close(accounts)
		for page := range pages {
			for _, a := range page {
				if ctx.Err() != nil {
					break // drain the pages: the listing is over
				}
				select {
				case accounts <- a:
				case <-ctx.Done():
				}
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for acct := range accounts {
				found, err := l.roles(ctx, s, accessToken, acct)
				if err != nil {
					cancel(err)
					continue
				}
				report(found, 0, 1, false)
			}
		}()
	}
	listErr := l.accounts(ctx, accessToken, func(page []ssotypes.AccountInfo) {
		report(nil, len(page), 0, false)
		select {
		case pages <- page:
		case <-ctx.Done():
		}
	})
	close(pages)
	if listErr == nil {
		report(nil, 0, 0, true)
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return nil, err
	}
	if listErr != nil {
		return nil, listErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	SortRows(rows)
	return rows, nil
}

func (l *Lister) accounts(ctx context.Context, token string, page func([]ssotypes.AccountInfo)) error {
	var next *string
	for {
		var out *sso.ListAccountsOutput
		err := l.Pacer.call(ctx, func() (err error) {
			out, err = l.Portal.ListAccounts(ctx, &sso.ListAccountsInput{
				AccessToken: &token, MaxResults: sdkaws.Int32(portalPageSize), NextToken: next,
			})
			return err
		})
		if err != nil {
			return portalError("list accounts", err)
		}
		page(out.AccountList)
		if next = out.NextToken; next == nil || *next == "" {
			return nil
		}
	}
}

func (l *Lister) roles(ctx context.Context, s Session, token string, acct ssotypes.AccountInfo) ([]Row, error) {
	var rows []Row
	var next *string
	for {
		var out *sso.ListAccountRolesOutput
		err := l.Pacer.call(ctx, func() (err error) {
			out, err = l.Portal.ListAccountRoles(ctx, &sso.ListAccountRolesInput{
				AccessToken: &token, AccountId: acct.AccountId, MaxResults: sdkaws.Int32(portalPageSize), NextToken: next,
			})
			return err
		})
		if err != nil {
			return nil, portalError("list roles for "+sdkaws.ToString(acct.AccountId), err)
		}
		for _, r := range out.RoleList {
			rows = append(rows, Row{
				AccountID:   sdkaws.ToString(acct.AccountId),
				AccountName: sdkaws.ToString(acct.AccountName),
				Email:       sdkaws.ToString(acct.EmailAddress),
				RoleName:    sdkaws.ToString(r.RoleName),
				Session:     s.Label(),
			})
		}
		if next = out.NextToken; next == nil || *next == "" {
			return rows, nil
		}
	}
}

// portalError wraps err, marking a refused token with ErrUnauthorized so
// callers can refresh and retry once.
func portalError(what string, err error) error {
	var unauthorized *ssotypes.UnauthorizedException
	if errors.As(err, &unauthorized) {
		return fmt.Errorf("%s: %w", what, ErrUnauthorized)
	}
	return plainError(what, err)
}

// Catalogue is a session's rows as cached on disk.
type Catalogue struct {
	Session   string
	StartURL  string
	FetchedAt time.Time
	Rows      []Row
	// lines is the rows' part of the cache file this catalogue was read
	// from (version 2): its lines are the rows' search texts.
	lines string
	// SaveErr says why a freshly fetched catalogue could not be cached.
	SaveErr error
}

// CatalogueCache keeps one catalogue file per session under Dir
// ($XDG_CACHE_HOME/ssopick).
type CatalogueCache struct{ Dir string }

func (c CatalogueCache) path(s Session) string {
	return filepath.Join(c.Dir, "catalogue-"+strings.TrimSuffix(cacheFileName(s.CacheKey()), ".json")+".tsv")
}

// Load reads a session's cached catalogue; a missing, unreadable or stale
// file is reported as fs.ErrNotExist so callers fetch afresh.
func (c CatalogueCache) Load(s Session) (*Catalogue, error) {
	raw, err := readMapped(c.path(s))
	if err != nil {
		return nil, fs.ErrNotExist
	}
	cat, err := decodeCatalogue(raw)
	if err != nil || cat.StartURL != s.StartURL {
		return nil, fmt.Errorf("%w: %s is stale or corrupt", fs.ErrNotExist, c.path(s))
	}
	return cat, nil
}

// TryRefreshLock takes the session's refresh lock if it is free, so that
// background refreshers do not pile up; ok is false when another holds it.
func (c CatalogueCache) TryRefreshLock(s Session) (unlock func(), ok bool) {
	path := filepath.Join(c.Dir, "locks", "refresh-"+cacheFileName(s.CacheKey())+".lock")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false
	}
	l := flock.New(path, flock.SetPermissions(0o600))
	if locked, err := l.TryLock(); err != nil || !locked {
		return nil, false
	}
	return func() { _ = l.Unlock() }, true
}

// Save writes a session's catalogue atomically with mode 0600.
func (c CatalogueCache) Save(s Session, cat *Catalogue) error {
	return WritePrivateFile(c.path(s), encodeCatalogue(cat))
}

// The catalogue file is tab-separated text, because start-up time is
// dominated by reading it: a header line, a line with the session, start
// URL and fetch time, then one line per row: account name, id, role,
// email and session, in SearchText's order, so that a row's line is its
// search text and the picker matches the file's own bytes (readMapped)
// without building 20,000 strings. Fields are escaped (\t, \n, \r, \\);
// the rare row that needed it gets a search text of its own. Version 1
// files (id, name, email, role) are still read.
const (
	catalogueMagic   = "ssopick-catalogue\t"
	catalogueVersion = "2"
)

func encodeCatalogue(cat *Catalogue) []byte {
	var b bytes.Buffer
	b.Grow(len(cat.Rows) * 96)
	b.WriteString(catalogueMagic + catalogueVersion + "\n")
	writeFields(&b, cat.Session, cat.StartURL, cat.FetchedAt.UTC().Format(time.RFC3339Nano))
	for _, r := range cat.Rows {
		f := r.searchFields()
		writeFields(&b, f[:]...)
	}
	return b.Bytes()
}

func writeFields(b *bytes.Buffer, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(fieldEscaper.Replace(f))
	}
	b.WriteByte('\n')
}

var (
	fieldEscaper   = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
	fieldUnescaper = strings.NewReplacer(`\\`, `\`, `\t`, "\t", `\n`, "\n", `\r`, "\r")
)

func decodeCatalogue(raw []byte) (*Catalogue, error) {
	// The rows' strings point into raw, which is never written again
	// (readMapped): a copy per field would be 100,000 allocations.
	text := unsafe.String(unsafe.SliceData(raw), len(raw))
	header, rest, ok := strings.Cut(text, "\n")
	version, known := strings.CutPrefix(header, catalogueMagic)
	if !ok || !known || (version != "1" && version != catalogueVersion) {
		return nil, errors.New("not a catalogue file of this version")
	}
	meta, rest, ok := strings.Cut(rest, "\n")
	var m [3]string
	if !ok || !splitFields(meta, m[:]) {
		return nil, errors.New("no session line")
	}
	fetched, err := time.Parse(time.RFC3339Nano, m[2])
	if err != nil {
		return nil, fmt.Errorf("fetch time: %v", err)
	}
	n := strings.Count(rest, "\n")
	cat := &Catalogue{Session: m[0], StartURL: m[1], FetchedAt: fetched, Rows: make([]Row, 0, n)}
	if version == "1" {
		var f [4]string
		for line := range strings.Lines(rest) {
			if !splitFields(strings.TrimSuffix(line, "\n"), f[:]) {
				return nil, fmt.Errorf("row %d has not 4 fields", len(cat.Rows)+1)
			}
			cat.Rows = append(cat.Rows, Row{AccountID: f[0], AccountName: f[1], Email: f[2], RoleName: f[3], Session: cat.Session})
		}
		return cat, nil
	}
	var f [5]string
	for line := range strings.Lines(rest) {
		if !splitFields(strings.TrimSuffix(line, "\n"), f[:]) || f[4] != cat.Session {
			return nil, fmt.Errorf("row %d is not 5 fields of session %s", len(cat.Rows)+1, cat.Session)
		}
		cat.Rows = append(cat.Rows, Row{AccountName: f[0], AccountID: f[1], RoleName: f[2], Email: f[3], Session: cat.Session})
	}
	cat.lines = rest
	return cat, nil
}

// SearchTexts are the rows' SearchText: for a catalogue read from the
// cache, its lines as they are in the file (no copy), but for the rare
// escaped one.
func (c *Catalogue) SearchTexts() []string {
	if c.lines == "" {
		return SearchTexts(c.Rows)
	}
	texts := make([]string, 0, len(c.Rows))
	for line := range strings.Lines(c.lines) {
		line = strings.TrimSuffix(line, "\n")
		if strings.IndexByte(line, '\\') >= 0 {
			line = c.Rows[len(texts)].SearchText() // the escaped line is not
		}
		texts = append(texts, line)
	}
	return texts
}

// splitFields fills fields with line's tab-separated fields, unescaped,
// and reports whether line has exactly len(fields) of them.
func splitFields(line string, fields []string) bool {
	for i := range fields {
		field, rest, more := strings.Cut(line, "\t")
		if more == (i == len(fields)-1) {
			return false
		}
		if strings.IndexByte(field, '\\') >= 0 {
			field = fieldUnescaper.Replace(field)
		}
		fields[i], line = field, rest
	}
	return true
}
