package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
)

func newProfilesCmd(f *factory) *cobra.Command {
	var (
		write   bool
		style   string
		refresh bool
	)
	cmd := &cobra.Command{
		Use:   "profiles [--write] [--style sso|process]",
		Short: "Print, or write into ~/.aws/config, one profile per account and role",
		Long: `Print one AWS config profile per account and role you may use, named
<account-name>.<role>. With --write they go into ~/.aws/config inside a
marked block that ssopick owns: writing again updates it (roles that vanished
are pruned) and never changes a byte outside it; the previous file is kept
as config.bak. --style sso uses the AWS CLI's sso_session settings; --style
process calls ssopick credential-process.`,
		Example: `  ssopick profiles
  ssopick profiles --write
  ssopick profiles --write --style process`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st := aws.ProfileStyle(style)
			if st != aws.StyleSSO && st != aws.StyleProcess {
				return fmt.Errorf("unknown --style %q; use sso or process", style)
			}
			s, err := f.openSessions(cmd.Context(), f.ErrIsTerminal)
			if err != nil {
				return err
			}
			lo := aws.ListOptions{Freshness: aws.StaleWhileRefresh, MaxAge: f.maxAge()}
			if refresh {
				lo.Freshness = aws.Forced
			}
			rows, err := s.Rows(cmd.Context(), lo)
			if err != nil {
				return err
			}
			bySession := map[string]aws.Session{}
			for _, c := range s.Conns {
				bySession[c.Session.Label()] = c.Session
			}
			old, err := os.ReadFile(f.Paths.AWSConfig)
			if err != nil && !os.IsNotExist(err) {
				return fmt.Errorf("read %s: %w", f.Paths.AWSConfig, err)
			}
			self, err := os.Executable()
			if err != nil {
				self = "ssopick"
			}
			block, skipped := aws.ProfilesBlock(rows, bySession, st, self, aws.ProfilesOutsideBlock(old))
			for _, name := range skipped {
				fmt.Fprintf(f.ErrOut, "Skipped [profile %s]: a profile of that name exists outside ssopick's block.\n", name)
			}
			if !write {
				_, err := f.Out.Write(block)
				return err
			}
			changed, err := aws.WriteProfilesBlock(f.Paths.AWSConfig, block)
			if err != nil {
				return err
			}
			if changed {
				fmt.Fprintf(f.ErrOut, "Wrote %d profiles to %s (previous file: %s.bak).\n", len(rows)-len(skipped), f.Paths.AWSConfig, f.Paths.AWSConfig)
			} else {
				fmt.Fprintf(f.ErrOut, "%s is up to date.\n", f.Paths.AWSConfig)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&write, "write", false, "write the profiles into the AWS config file")
	cmd.Flags().StringVar(&style, "style", "sso", "how profiles get credentials: sso or process")
	cmd.Flags().BoolVar(&refresh, "refresh", false, "fetch the list from IAM Identity Center first")
	return cmd
}
