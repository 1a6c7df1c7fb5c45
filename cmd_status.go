package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/ui"
)

func newStatusCmd(f *factory) *cobra.Command {
	var short bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Print the role this shell holds and the minutes left (for prompts; no network)",
		Long: `Print the role an ssopick shell (or eval "$(ssopick env …)") holds and how
long its credentials last, from the environment alone: no network, no files,
cheap enough for a prompt. Exit status 1 when the credentials have expired
or this shell holds no ssopick role.`,
		Example: `  ssopick status            # ViewOnlyAccess @ acme-audit (123456789012), 42m left
  ssopick status --short    # ViewOnlyAccess@acme-audit 42m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			role, account := f.Getenv("SSOPICK_ROLE_NAME"), f.Getenv("SSOPICK_ACCOUNT_NAME")
			if role == "" {
				return &exitError{code: 1, err: errors.New("this shell holds no ssopick role; start one with `ssopick shell`"), quiet: short}
			}
			exp, err := time.Parse(time.RFC3339, f.Getenv("AWS_CREDENTIAL_EXPIRATION"))
			if err != nil {
				return &exitError{code: 1, err: errors.New("AWS_CREDENTIAL_EXPIRATION is missing or not a time; start a new `ssopick shell`"), quiet: short}
			}
			left := time.Until(exp)
			if short {
				fmt.Fprintf(f.Out, "%s@%s %s\n", role, account, ui.Remaining(left))
			} else {
				fmt.Fprintf(f.Out, "%s @ %s (%s), %s\n", role, account, f.Getenv("SSOPICK_ACCOUNT_ID"), ui.Remaining(left))
			}
			if left <= 0 {
				return &exitError{code: 1, quiet: true}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&short, "short", false, "print only role@account and the minutes left, and nothing on stderr")
	return cmd
}
