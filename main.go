// Command ssopick signs in to AWS IAM Identity Center, lets you pick any
// account and role you may use from one fuzzy-searchable list, and opens the
// AWS console or a credentialed shell as that role.
//
// This file holds the root command and the wiring. Each subcommand lives in
// a cmd_*.go file that only parses flags and calls the shared steps beside
// it (factory.go: process state and the sessions layer; pick.go: choosing
// a role; actions.go: what is done with it), which call into aws/, ui/,
// launch/ and sandbox/. README.md's design notes draw the flow.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/ui"
)

func main() {
	collectLaterAtStart()
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := cancelOnSignals(cancel)
	f, err := newFactory(os.Stdin, os.Stdout, os.Stderr)
	if err == nil {
		err = newRootCmd(f).ExecuteContext(ctx)
	}
	stop()
	if err != nil {
		err = withSignal(err, context.Cause(ctx))
		if msg := userMessage(err); msg != "" {
			fmt.Fprintln(os.Stderr, "ssopick:", ui.Visible(msg)) // errors may quote names from the service
		}
		os.Exit(exitCode(err))
	}
}

// newRootCmd builds the whole command tree over f.
func newRootCmd(f *factory) *cobra.Command {
	var pick pickOptions
	root := &cobra.Command{
		Use:   "ssopick [QUERY...]",
		Short: "Pick an AWS account and role from IAM Identity Center and use it",
		Long: `ssopick signs in to AWS IAM Identity Center (AWS SSO) once, shows every
account and role you may use in one list, and opens the AWS console or a
shell with that role's temporary credentials.

The picker draws on the terminal even when stdout is captured, as fzf does:
LINK=$(ssopick console --print-url) leaves only the console link on stdout.

Exit status: 0 done; 1 failed; 2 a usage error, or the picker wanted with
no terminal at all; 130 the picker was left without a choice (Ctrl-C, or Esc on an
empty query, as fzf) or ssopick was interrupted; 128+N stopped by signal N
(129 SIGHUP, 131 SIGQUIT, 143 SIGTERM); exec and shell pass on the
command's status.`,
		Example: `  ssopick                      # pick a role, then open the console, a shell, …
  ssopick console prod pay     # pick with the query filled in; Enter opens the console
  ssopick shell audit          # Enter starts a shell with the role's credentials
  ssopick exec -a acme-audit -r ViewOnlyAccess -- aws s3 ls
  eval "$(ssopick env -a acme-audit -r ViewOnlyAccess)"
  ssopick credential-process -a 123456789012 -r ReadOnlyAccess
  ssopick eks token --cluster demo -a acme-prod -r EKSAdmin   # a token for kubectl
  ssopick profiles --write     # one ~/.aws/config profile per account and role
  ssopick status --short       # the role this shell holds, for your prompt
  ssopick login                # sign in (shared with the AWS CLI)
  ssopick logout               # end the sign-in and remove the cached token
  ssopick list --json          # every account and role, for scripts
  ssopick demo                 # try everything against a built-in sandbox
  ssopick sandbox              # run the Identity Center emulator for other tools
  ssopick completion bash      # print a shell completion script
  ssopick man                  # print the manual page`,
		Version:       versionLine(),
		SilenceUsage:  true,
		SilenceErrors: true,
		// Words that are not commands are the picker's query.
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			mode := map[action]ui.Mode{"console": ui.ModeConsole, "shell": ui.ModeShell}[f.Prefs.DefaultAction]
			return pickAndAct(cmd.Context(), f, mode, args, pick)
		},
	}
	addPickFlags(root, &pick, f)
	addConsoleFlags(root, &pick.Console)
	root.SetOut(f.Out)
	root.SetErr(f.ErrOut)
	root.SetVersionTemplate("ssopick {{.Version}}\n")
	// A flag that is unknown or malformed is a usage error: exit 2.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{code: 2, err: err} })
	// The commands that sign in or use a role take the session flags;
	// status, man, sandbox, demo and completion do not.
	withSessions := []*cobra.Command{
		root,
		newConsoleCmd(f),
		newShellCmd(f),
		newExecCmd(f),
		newEnvCmd(f),
		newCredentialProcessCmd(f),
		newProfilesCmd(f),
		newLoginCmd(f),
		newLogoutCmd(f),
		newListCmd(f),
	}
	for _, c := range withSessions {
		addSessionFlags(c, f)
	}
	root.AddCommand(withSessions[1:]...)
	root.AddCommand(
		newStatusCmd(f),
		newManCmd(),
		newSandboxCmd(),
		newDemoCmd(f),
		newEKSCmd(f), // eks token takes the session flags itself: they belong on the subcommand
	)
	hardenCompletion(root)
	return root
}

// addSessionFlags adds the flags that choose the SSO sessions to cmd.
func addSessionFlags(cmd *cobra.Command, f *factory) {
	fl := cmd.Flags()
	fl.StringVar(&f.Selector.SessionName, "sso-session", "", "the [sso-session NAME] of ~/.aws/config to use (default: $SSOPICK_SSO_SESSION, else every one configured)")
	fl.StringVar(&f.Selector.StartURL, "start-url", "", "an access portal URL to use without any config (with --sso-region)")
	fl.StringVar(&f.Selector.Region, "sso-region", "", "the IAM Identity Center region of --start-url")
	_ = cmd.RegisterFlagCompletionFunc("sso-session", completeSessions(f))
}
