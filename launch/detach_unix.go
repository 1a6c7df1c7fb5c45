//go:build !windows

package launch

import (
	"os/exec"
	"syscall"
)

// detach puts the command in a session of its own, so it outlives the
// terminal and is not stopped by its signals.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
