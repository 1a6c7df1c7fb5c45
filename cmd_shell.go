package main

import (
	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/ui"
)

func newShellCmd(f *factory) *cobra.Command {
	var o pickOptions
	cmd := &cobra.Command{
		Use:   "shell [QUERY...]",
		Short: "Start $SHELL with a role's credentials (picked, or named with -a/-r)",
		Long: `Start your shell ($SHELL, else /bin/sh) with the role's temporary
credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
AWS_CREDENTIAL_EXPIRATION, plus AWS_REGION and SSOPICK_* variables for your
prompt; AWS_PROFILE and other variables that could shadow them are removed.
ssopick exits with the shell's status.`,
		Example: `  ssopick shell
  ssopick shell audit view
  ssopick shell -a acme-audit -r ViewOnlyAccess --region eu-west-1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return pickAndAct(cmd.Context(), f, ui.ModeShell, args, o)
		},
	}
	addPickFlags(cmd, &o, f)
	cmd.Flags().BoolVar(&o.Shell.Force, "force", false, "start a shell even inside another ssopick shell")
	cmd.Flags().BoolVar(&o.Shell.Static, "static", false, staticHelp)
	return cmd
}
