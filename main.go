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
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"

	"github.com/spf13/cobra"
)

// Set by the release build through -ldflags.
var (
	version = "dev"
	commit  = "none"
	date    = "unknown"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRootCmd(os.Stdout, os.Stderr).ExecuteContext(ctx)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ssopick:", userMessage(err))
		os.Exit(exitCode(err))
	}
}

// newRootCmd builds the whole command tree writing to out and errOut.
func newRootCmd(out, errOut io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "ssopick",
		Short: "Pick an AWS account and role from IAM Identity Center and use it",
		Long: `ssopick signs in to AWS IAM Identity Center (AWS SSO) once, shows every
account and role you may use in one list, and opens the AWS console or a
shell with that role's temporary credentials.`,
		Example: `  ssopick demo                 # try everything against a built-in sandbox
  ssopick sandbox              # run the Identity Center emulator for other tools`,
		Version:       fmt.Sprintf("%s (commit %s, built %s, %s)", version, commit, date, runtime.Version()),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(out)
	root.SetErr(errOut)
	root.SetVersionTemplate("ssopick {{.Version}}\n")
	root.AddCommand(
		newSandboxCmd(),
		newDemoCmd(),
	)
	return root
}

// exitError carries the exit status a failure should end the process with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
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
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	return err.Error()
}
