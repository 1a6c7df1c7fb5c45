package aws

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

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
}

// SearchText is what a query is matched against: every field a person
// might type a piece of.
func (r Row) SearchText() string {
	return r.AccountName + "  " + r.AccountID + "  " + r.RoleName + "  " + r.Email + "  " + r.Session
}

// SortRows orders rows by account name, account id, then role.
func SortRows(rows []Row) {
	slices.SortFunc(rows, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.AccountName, b.AccountName), cmp.Compare(a.AccountID, b.AccountID),
			cmp.Compare(a.RoleName, b.RoleName), cmp.Compare(a.Session, b.Session))
	})
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
	AccountsDone  int
	AccountsTotal int   // grows while account pages arrive
	Rows          []Row // rows found since the last report
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

// Fetch lists every account, then every account's roles, concurrently under
// the pacer. Role listings start as soon as their account page arrives.
// progress, if set, is called from one goroutine at a time.
func (l *Lister) Fetch(ctx context.Context, s Session, accessToken string, progress func(Progress)) ([]Row, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := cmp.Or(l.Workers, 16)
	accounts := make(chan ssotypes.AccountInfo, workers)
	var (
		mu    sync.Mutex
		rows  []Row
		total int
		done  int
		wg    sync.WaitGroup
	)
	report := func(found []Row, newAccounts, finished int) {
		mu.Lock()
		defer mu.Unlock()
		rows = append(rows, found...)
		total += newAccounts
		done += finished
		if progress != nil {
			progress(Progress{AccountsDone: done, AccountsTotal: total, Rows: found})
		}
	}
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
				report(found, 0, 1)
			}
		}()
	}
	listErr := l.accounts(ctx, accessToken, func(page []ssotypes.AccountInfo) {
		report(nil, len(page), 0)
		for _, a := range page {
			select {
			case accounts <- a:
			case <-ctx.Done():
				return
			}
		}
	})
	close(accounts)
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
	return fmt.Errorf("%s: %w", what, err)
}

// Catalogue is a session's rows as cached on disk.
type Catalogue struct {
	Session   string    `json:"ssoSession"`
	StartURL  string    `json:"startUrl"`
	FetchedAt time.Time `json:"fetchedAt"`
	Rows      []Row     `json:"rows"`
}

// CatalogueCache keeps one catalogue file per session under Dir
// ($XDG_CACHE_HOME/ssopick).
type CatalogueCache struct{ Dir string }

func (c CatalogueCache) path(s Session) string {
	return filepath.Join(c.Dir, "catalogue-"+cacheFileName(s.CacheKey()))
}

// Load reads a session's cached catalogue; a missing or unreadable file is
// reported as fs.ErrNotExist so callers fetch afresh.
func (c CatalogueCache) Load(s Session) (*Catalogue, error) {
	raw, err := os.ReadFile(c.path(s))
	if err != nil {
		return nil, fs.ErrNotExist
	}
	var cat Catalogue
	if err := json.Unmarshal(raw, &cat); err != nil || cat.StartURL != s.StartURL {
		return nil, fmt.Errorf("%w: %s is stale or corrupt", fs.ErrNotExist, c.path(s))
	}
	return &cat, nil
}

// Save writes a session's catalogue atomically with mode 0600.
func (c CatalogueCache) Save(s Session, cat *Catalogue) error {
	raw, err := json.Marshal(cat)
	if err != nil {
		return fmt.Errorf("encode the catalogue of %s: %w", s.Label(), err)
	}
	return writePrivateFile(c.path(s), raw)
}
