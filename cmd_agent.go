package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
)

// newAgentCmd is the hidden `ssopick agent`: the per-user process that
// keeps role credentials in memory where there is no OS keychain (see
// aws.ServeAgent). credential-process starts it, detached, when it first
// has credentials to keep; nobody needs to run it by hand.
func newAgentCmd() *cobra.Command {
	var (
		socket, cache string
		idle          time.Duration
	)
	cmd := &cobra.Command{
		Use:    "agent --socket PATH",
		Short:  "Keep role credentials in memory for credential-process (started on demand)",
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if socket == "" {
				return &exitError{code: 2, err: fmt.Errorf("--socket is required")}
			}
			// It runs on for minutes: hold no directory it was started in.
			socket, _ = filepath.Abs(socket)
			if cache != "" {
				cache, _ = filepath.Abs(cache)
			}
			_ = os.Chdir("/")
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
			defer stop()
			return aws.ServeAgent(ctx, socket, idle, cache)
		},
	}
	cmd.Flags().StringVar(&socket, "socket", "", "the Unix socket to serve")
	cmd.Flags().DurationVar(&idle, "idle", aws.AgentIdle, "exit after this long without a request")
	cmd.Flags().StringVar(&cache, "cache", "", "exit when this cache directory is removed")
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	return cmd
}

// The agent is dispatched here, before main builds the factory: it needs
// no terminal, config or preferences (a broken preferences file must not
// stop it), and main.go's command list stays as it is. Only `agent
// --socket …` is the agent: a plain `ssopick agent` is still the picker
// with the query "agent".
func init() {
	if len(os.Args) < 3 || os.Args[1] != "agent" || !strings.HasPrefix(os.Args[2], "--socket") {
		return
	}
	cmd := newAgentCmd()
	cmd.SetArgs(os.Args[2:])
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "ssopick agent:", err)
		os.Exit(exitCode(err))
	}
	os.Exit(0)
}
