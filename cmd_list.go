package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
)

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
"account_id account_name role_name" lines, with a fourth column, the SSO
session, when the rows printed come from more than one session; with
--json, a JSON array.

Profiles of ~/.aws/config that assume a role from an SSO role (role_arn
with a source_profile chain ending at an SSO profile) are rows of their
own: the account and role they end at, described "via ROLE@ACCOUNT,
profile NAME" in the email column, a last column "profile:NAME" when
piped, and "profile", "sourceAccountId" and "sourceRoleName" in JSON.
Act as one with --profile NAME.

Control characters in names (a tab, a newline, an
escape sequence) are printed visible, as \t, \n and \x1b, so they can
neither break the columns nor act on the terminal; only --json is exact.`,
		Example: `  ssopick list
  ssopick list prod admin
  ssopick list --json | jq -r '.[] | select(.roleName == "ViewOnlyAccess") | .accountId'
  ssopick list --refresh --sso-session acme`,
		RunE: func(cmd *cobra.Command, args []string) error {
			query := strings.Join(args, " ")
			rows, texts, err := listRows(cmd.Context(), f, opts, query != "")
			if err != nil {
				return err
			}
			if query != "" {
				if rows = filterRows(rows, texts, query); len(rows) == 0 {
					return fmt.Errorf("no account or role matches %q; use fewer letters, or `ssopick list` to see them all", query)
				}
			}
			format := rowsTSV
			switch {
			case opts.JSON:
				format = rowsJSON
			case f.OutIsTerminal:
				format = rowsTable
			}
			return printRows(f.Out, rows, format)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print JSON objects (accountId, accountName, emailAddress, roleName, ssoSession; and profile, sourceAccountId, sourceRoleName for chained profiles)")
	cmd.Flags().BoolVar(&opts.Refresh, "refresh", false, "fetch the list from IAM Identity Center even if the cache is fresh")
	cmd.Flags().DurationVar(&opts.MaxAge, "max-age", f.maxAge(), "refresh a cached list older than this in the background")
	cmd.Flags().BoolVar(&opts.Background, "background", false, "")
	_ = cmd.Flags().MarkHidden("background")
	return cmd
}

// listRows are the rows list prints, and their search texts if asked for:
// from the cache while it is younger than --max-age (an older one answers
// at once and is refreshed in the background), fetched with --refresh.
func listRows(ctx context.Context, f *factory, o listOptions, withTexts bool) ([]aws.Row, []string, error) {
	// The background refresher never asks anyone to sign in.
	s, err := f.openSessions(ctx, f.ErrIsTerminal && !o.Background)
	if err != nil {
		return nil, nil, err
	}
	lo := aws.ListOptions{Freshness: aws.StaleWhileRefresh, MaxAge: o.MaxAge, Exclusive: o.Background}
	if o.Refresh {
		lo.Freshness = aws.Forced
	}
	if withTexts {
		return s.RowsAndTexts(ctx, lo)
	}
	rows, err := s.Rows(ctx, lo)
	return rows, nil, err
}
