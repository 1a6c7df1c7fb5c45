package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/launch"
	"github.com/ssopick/ssopick/ui/match"
)

// defaultCatalogueMaxAge is how old a cached catalogue may be before it is
// fetched again.
const defaultCatalogueMaxAge = time.Hour

type listOptions struct {
	JSON    bool
	Refresh bool
	MaxAge  time.Duration
	// Background marks the detached refresher a stale list starts: it
	// gives way to another one and never prompts.
	Background bool
}

func newListCmd(f *factory) *cobra.Command {
	var opts listOptions
	cmd := &cobra.Command{
		Use:   "list [QUERY...]",
		Short: "Print every account and role you may use",
		Long: `Print every account × role of the selected SSO sessions. The list comes from
ssopick's cache when it is younger than --max-age, else from IAM Identity
Center. With a QUERY, only the rows it matches are printed, best match
first, ranked by the same fuzzy matcher as the picker: every word must match
some of the account name, id, role, email or session, as in fzf.

On a terminal the output is a table; piped, it is tab-separated
"account_id account_name role_name" lines; with --json, a JSON array.`,
		Example: `  ssopick list
  ssopick list prod admin
  ssopick list --json | jq -r '.[] | select(.roleName == "ViewOnlyAccess") | .accountId'
  ssopick list --refresh --sso-session acme`,
		RunE: func(cmd *cobra.Command, args []string) error {
			rows, err := catalogue(cmd.Context(), f, opts)
			if err != nil {
				return err
			}
			if query := strings.Join(args, " "); query != "" {
				if rows = filterRows(rows, query); len(rows) == 0 {
					return fmt.Errorf("no account or role matches %q; use fewer letters, or `ssopick list` to see them all", query)
				}
			}
			return printRows(f, rows, opts.JSON)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON objects (accountId, accountName, emailAddress, roleName, ssoSession)")
	cmd.Flags().BoolVar(&opts.Refresh, "refresh", false, "fetch the list from IAM Identity Center even if the cache is fresh")
	cmd.Flags().DurationVar(&opts.MaxAge, "max-age", f.maxAge(), "refresh a cached list older than this in the background")
	cmd.Flags().BoolVar(&opts.Background, "background", false, "")
	_ = cmd.Flags().MarkHidden("background")
	return cmd
}

// catalogue returns the rows of every selected session, signing in on a
// terminal where needed.
func catalogue(ctx context.Context, f *factory, o listOptions) ([]aws.Row, error) {
	conns, err := connectAll(ctx, f)
	if err != nil {
		return nil, err
	}
	var rows []aws.Row
	for _, conn := range conns {
		cat, err := sessionCatalogue(ctx, f, conn, o)
		if err != nil {
			return nil, err
		}
		rows = append(rows, cat.Rows...)
	}
	if len(conns) > 1 {
		aws.SortRows(rows) // each session's rows are sorted already
	}
	return rows, nil
}

func sessionCatalogue(ctx context.Context, f *factory, conn *aws.Conn, o listOptions) (*aws.Catalogue, error) {
	if !o.Refresh {
		// A cached list answers at once; when it is older than the max
		// age a detached ssopick refreshes it for next time.
		if cached, err := conn.Cached(); err == nil {
			if o.MaxAge > 0 && time.Since(cached.FetchedAt) > o.MaxAge {
				refreshInBackground(f, conn.Session)
			}
			return cached, nil
		}
	}
	if o.Background {
		unlock, ok := conn.Cache.TryRefreshLock(conn.Session)
		if !ok {
			return nil, errors.New("another refresh is under way")
		}
		defer unlock()
	}
	opts := aws.CatalogueOptions{MaxAge: o.MaxAge, Refresh: o.Refresh}
	if f.ErrIsTerminal {
		opts.Progress = progressPrinter(f, conn.Session.Label())
	}
	cat, _, err := conn.Catalogue(ctx, opts)
	// Not withSignIn: a sign-in that fails must end here, not fall back to
	// the stale list below.
	if errors.Is(err, aws.ErrSignInRequired) {
		if !f.ErrIsTerminal || o.Background {
			return nil, fmt.Errorf("%w; run `ssopick login` first", err)
		}
		if err := signIn(ctx, f, conn, signInOptions{}); err != nil {
			return nil, err
		}
		cat, _, err = conn.Catalogue(ctx, opts)
	}
	if err != nil {
		if stale, cerr := conn.Cached(); cerr == nil && !errors.Is(err, context.Canceled) && !errors.Is(err, aws.ErrSignInRequired) {
			fmt.Fprintf(f.ErrOut, "Warning: could not refresh the list of %s (%v); showing the one from %s.\n",
				conn.Session.Label(), err, stale.FetchedAt.Local().Format(time.DateTime))
			return stale, nil
		}
		return nil, fmt.Errorf("list the accounts of %s: %w", conn.Session.Label(), err)
	}
	return cat, nil
}

// refreshInBackground starts `ssopick list --refresh --background` for the
// session, detached, with no output; failures only mean the cache stays
// as it is until the next run.
func refreshInBackground(f *factory, s aws.Session) {
	self, err := os.Executable()
	if err != nil {
		return
	}
	argv := []string{self, "list", "--refresh", "--background"}
	if s.Name != "" {
		argv = append(argv, "--sso-session", s.Name)
	} else {
		argv = append(argv, "--start-url", s.StartURL, "--sso-region", s.Region)
	}
	_ = launch.StartDetached(argv, f.Environ())
}

// progressPrinter draws "listing acme: 120/400 accounts" on one line.
func progressPrinter(f *factory, label string) func(aws.Progress) {
	return func(p aws.Progress) {
		fmt.Fprintf(f.ErrOut, "\rListing %s: %d/%d accounts", label, p.AccountsDone, p.AccountsTotal)
		if p.AccountsDone == p.AccountsTotal && p.AccountsTotal > 0 {
			fmt.Fprint(f.ErrOut, "\r\033[K")
		}
	}
}

// filterRows keeps the rows matching query, best match first.
func filterRows(rows []aws.Row, query string) []aws.Row {
	texts := make([]string, len(rows))
	for i, r := range rows {
		texts[i] = r.SearchText()
	}
	results := match.New(texts).Match(query, nil)
	out := make([]aws.Row, len(results))
	for i, r := range results {
		out[i] = rows[r.Index]
	}
	return out
}

// printRows writes rows as JSON, a table (terminal) or tab-separated lines
// (pipe), through one buffer: 20,000 rows must not cost 20,000 writes.
func printRows(f *factory, rows []aws.Row, asJSON bool) error {
	w := bufio.NewWriterSize(f.Out, 64<<10)
	switch {
	case asJSON:
		w.WriteString("[")
		for i, r := range rows {
			if i > 0 {
				w.WriteString(",")
			}
			w.WriteString("\n  {\"accountId\": ")
			writeJSONString(w, r.AccountID)
			w.WriteString(", \"accountName\": ")
			writeJSONString(w, r.AccountName)
			w.WriteString(", \"emailAddress\": ")
			writeJSONString(w, r.Email)
			w.WriteString(", \"roleName\": ")
			writeJSONString(w, r.RoleName)
			w.WriteString(", \"ssoSession\": ")
			writeJSONString(w, r.Session)
			w.WriteString("}")
		}
		if len(rows) > 0 {
			w.WriteString("\n")
		}
		w.WriteString("]\n")
	case f.OutIsTerminal:
		tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
		fmt.Fprintln(tw, "ACCOUNT\tID\tROLE\tEMAIL\tSSO SESSION")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.AccountName, r.AccountID, r.RoleName, r.Email, r.Session)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	default:
		for _, r := range rows {
			w.WriteString(r.AccountID + "\t" + r.AccountName + "\t" + r.RoleName + "\n")
		}
	}
	return w.Flush()
}

// writeJSONString writes s as a JSON string, with a fast path for the
// plain text account names and roles almost always are.
func writeJSONString(w *bufio.Writer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= 0x80 {
			raw, _ := json.Marshal(s)
			w.Write(raw)
			return
		}
	}
	w.WriteByte('"')
	w.WriteString(s)
	w.WriteByte('"')
}
