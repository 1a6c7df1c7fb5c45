package main

import (
	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/ui"
)

func newConsoleCmd(f *factory) *cobra.Command {
	var o pickOptions
	cmd := &cobra.Command{
		Use:   "console [QUERY...]",
		Short: "Open the AWS console as a role (picked, or named with -a/-r)",
		Long: `Open the AWS web console as a role: pick it (the query pre-fills the picker;
Enter opens the console), or name it with -a and -r. The browser gets a
one-time loopback link that redirects to the console link, so the console
link, and the token in it, never appears in any process's arguments.
--print-url prints the console link instead, and --copy-url copies it.`,
		Example: `  ssopick console
  ssopick console prod pay --service s3
  ssopick console -a acme-audit -r ViewOnlyAccess --firefox-container
  ssopick console -a 123456789012 -r ReadOnlyAccess --print-url`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return pickAndAct(cmd.Context(), f, ui.ModeConsole, args, o)
		},
	}
	addPickFlags(cmd, &o, f)
	addConsoleFlags(cmd, &o.Console)
	return cmd
}
