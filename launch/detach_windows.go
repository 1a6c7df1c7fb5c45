//go:build windows

package launch

import (
	"os/exec"
	"syscall"
)

// detach starts the command in a process group of its own, away from the
// console's Ctrl-C.
func detach(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP}
}
