//go:build !windows

package launch

import (
	"os"
	"syscall"
)

// forwarded are the signals passed on to the child. Terminal-generated
// ones reach it directly too; a repeat is harmless, and a signal sent to
// ssopick alone (kill PID) must not be lost.
var forwarded = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2}
