package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
)

// Shell completion of flag values, from the cached catalogue and the AWS
// config only: a Tab must never wait on the network.

// cachedRows are the rows of every selected session's cached catalogue.
func cachedRows(f *factory) []aws.Row {
	sessions, err := f.sessions()
	if err != nil {
		return nil
	}
	var rows []aws.Row
	for _, s := range sessions {
		if cat, err := f.Paths.CatalogueCache().Load(s); err == nil {
			rows = append(rows, cat.Rows...)
		}
	}
	return rows
}

// completeAccounts offers account names and ids, each described by the
// other.
func completeAccounts(f *factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		seen := map[string]bool{}
		for _, r := range cachedRows(f) {
			for _, c := range []cobra.Completion{r.AccountName + "\t" + r.AccountID, r.AccountID + "\t" + r.AccountName} {
				value, _, _ := strings.Cut(c, "\t")
				if !seen[value] && strings.HasPrefix(value, toComplete) {
					seen[value] = true
					out = append(out, c)
				}
			}
		}
		slices.Sort(out)
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeRoles offers role names, of the -a account when one is given.
func completeRoles(f *factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		rows := cachedRows(f)
		if account, _ := cmd.Flags().GetString("account"); account != "" {
			rows, _ = aws.AccountRows(rows, account) // the same matching as -a itself
		}
		var out []cobra.Completion
		for _, r := range rows {
			if strings.HasPrefix(r.RoleName, toComplete) && !slices.Contains(out, r.RoleName) {
				out = append(out, r.RoleName)
			}
		}
		slices.Sort(out)
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeSessions offers the [sso-session] names of the AWS config.
func completeSessions(f *factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cfg, err := aws.LoadConfig(f.Paths.AWSConfig)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, s := range cfg.Sessions() {
			if s.Name != "" && strings.HasPrefix(s.Name, toComplete) {
				out = append(out, s.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
