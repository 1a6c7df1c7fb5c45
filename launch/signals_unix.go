//go:build !windows

package launch

import (
	"os"
	"syscall"
)

// Go cannot tell who sent a signal (siginfo's sender is not exposed), so
// Run decides by the signal itself, by where it usually comes from.
//
// swallowed come from the terminal's keyboard (Ctrl-C, Ctrl-\), which
// sends them to the whole foreground process group: the child, which runs
// in ssopick's group, has already got its own copy. Sending another would
// deliver each keypress twice, and Terraform, for one, takes a second
// interrupt as "exit immediately, skip the cleanup". ssopick catches them
// only so that it outlives the child and passes its status on. A
// `kill -INT` aimed at ssopick alone is therefore not passed on; signal the
// process group (kill -INT -PGID) or use SIGTERM.
//
// Keyboard stops (Ctrl-Z: SIGTSTP) and SIGWINCH also reach the whole group
// and are not caught at all: ssopick and the child stop and resume together
// as one job.
var swallowed = []os.Signal{syscall.SIGINT, syscall.SIGQUIT}

// forwarded are usually sent to ssopick alone (kill PID, a supervisor, a
// timeout), so the child would not otherwise see them. When they do reach
// the whole group (a shell sending SIGHUP to its jobs as the terminal
// closes), the child gets two, which for these signals is harmless.
var forwarded = []os.Signal{syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2}
