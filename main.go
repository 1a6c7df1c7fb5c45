// Command ssopick signs in to AWS IAM Identity Center, lets you pick any
// account and role you may use from one fuzzy-searchable list, and opens the
// AWS console or a credentialed shell as that role.
//
// This file holds the root command and the wiring; each subcommand lives in
// a cmd_*.go file beside it and calls into aws/, ui/, launch/ and sandbox/.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/ui"
)

// Set by the release build through -ldflags.
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	f, err := newFactory(os.Stdout, os.Stderr)
	if err == nil {
		err = newRootCmd(f).ExecuteContext(ctx)
	}
	stop()
	if err != nil {
		if msg := userMessage(err); msg != "" {
			fmt.Fprintln(os.Stderr, "ssopick:", msg)
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
shell with that role's temporary credentials.`,
		Example: `  ssopick                      # pick a role, then open the console, a shell, …
  ssopick console prod pay     # pick with the query filled in; Enter opens the console
  ssopick shell audit          # Enter starts a shell with the role's credentials
  ssopick exec -a acme-audit -r ViewOnlyAccess -- aws s3 ls
  eval "$(ssopick env -a acme-audit -r ViewOnlyAccess)"
  ssopick credential-process -a 123456789012 -r ReadOnlyAccess
  ssopick profiles --write     # one ~/.aws/config profile per account and role
  ssopick status --short       # the role this shell holds, for your prompt
  ssopick login                # sign in (shared with the AWS CLI)
  ssopick logout               # end the sign-in and remove the cached token
  ssopick list --json          # every account and role, for scripts
  ssopick demo                 # try everything against a built-in sandbox
  ssopick sandbox              # run the Identity Center emulator for other tools
  ssopick completion bash      # print a shell completion script
  ssopick man                  # print the manual page`,
		Version:       fmt.Sprintf("%s (commit %s, built %s, %s)", version, commit, date, runtime.Version()),
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
	pf := root.PersistentFlags()
	pf.StringVar(&f.Selector.SessionName, "sso-session", "", "the [sso-session NAME] of ~/.aws/config to use (default: all configured, or $SSOPICK_SSO_SESSION)")
	pf.StringVar(&f.Selector.StartURL, "start-url", "", "an access portal URL to use without any config (with --sso-region)")
	pf.StringVar(&f.Selector.Region, "sso-region", "", "the IAM Identity Center region of --start-url")
	_ = root.RegisterFlagCompletionFunc("sso-session", completeSessions(f))
	root.AddCommand(
		newConsoleCmd(f),
		newShellCmd(f),
		newExecCmd(f),
		newEnvCmd(f),
		newCredentialProcessCmd(f),
		newProfilesCmd(f),
		newStatusCmd(f),
		newManCmd(),
		newLoginCmd(f),
		newLogoutCmd(f),
		newListCmd(f),
		newSandboxCmd(),
		newDemoCmd(f),
	)
	return root
}

// exitError carries the exit status a failure should end the process with.
// A quiet one prints nothing: a child's status passed on, say.
type exitError struct {
	code  int
	err   error
	quiet bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func exitCode(err error) int {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		return 130
	}
	return 1
}

// userMessage is what the person sees: the error chain as one sentence.
func userMessage(err error) string {
	var ee *exitError
	if errors.As(err, &ee) && ee.quiet {
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return err.Error()
}
