package launch

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// children counts the commands Run is waiting for.
var children atomic.Int32

// ChildRunning reports whether Run is waiting for a command. The process's
// own signal handling stands aside meanwhile: Run decides what a signal
// means while a child holds the terminal.
func ChildRunning() bool { return children.Load() > 0 }

// Run starts argv with env and the terminal's standard streams, and returns
// its exit status (128+N when it died of signal N). ssopick stays alive
// meanwhile, so that what it serves (the demo's sandbox, renewed
// credentials) keeps working and the child's status is passed on.
//
// Signals: the child runs in ssopick's process group, so a signal the
// terminal sends to that group (Ctrl-C, Ctrl-\) reaches the child directly;
// Run only keeps it from ending ssopick (see swallowed) and never sends it
// again, because a second interrupt means "give up at once" to tools such
// as Terraform. Signals that are usually sent to ssopick alone (SIGTERM,
// SIGHUP, SIGUSR1/2 from kill or a supervisor) are forwarded (see
// forwarded). Signals that are already ignored when ssopick starts (under
// nohup, or as a background job of a script) stay ignored, for ssopick and
// for the child.
func Run(argv []string, env []string) (int, error) {
	if len(argv) == 0 {
		return 0, errors.New("no command to run")
	}
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return 127, fmt.Errorf("%s: command not found", argv[0])
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr

	children.Add(1)
	defer children.Add(-1)
	sigs := make(chan os.Signal, 8)
	if caught := notIgnored(append(append([]os.Signal(nil), swallowed...), forwarded...)); len(caught) > 0 {
		signal.Notify(sigs, caught...)
		defer signal.Stop(sigs)
	}
	if err := cmd.Start(); err != nil {
		return 126, fmt.Errorf("start %s: %w", argv[0], err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				if isForwarded(s) {
					_ = cmd.Process.Signal(s)
				}
			case <-done:
				return
			}
		}
	}()
	err = cmd.Wait()
	close(done)
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return exitErr.ExitCode(), nil
	}
	if err != nil {
		return 1, fmt.Errorf("run %s: %w", argv[0], err)
	}
	return 0, nil
}

// notIgnored are the signals of sigs that were not ignored when the
// process started: catching an ignored signal would undo nohup or a
// script's `&` for the child too.
func notIgnored(sigs []os.Signal) []os.Signal {
	var out []os.Signal
	for _, s := range sigs {
		if !signal.Ignored(s) {
			out = append(out, s)
		}
	}
	return out
}

func isForwarded(s os.Signal) bool {
	for _, f := range forwarded {
		if f == s {
			return true
		}
	}
	return false
}

// Shell is the person's shell: $SHELL, or /bin/sh.
func Shell(getenv func(string) string) string {
	if s := getenv("SHELL"); s != "" {
		return s
	}
	return "/bin/sh"
}

// StartDetached starts argv in the background with env and no terminal
// streams, and does not wait for it: for work that should finish after
// ssopick has answered (refreshing a cached list).
func StartDetached(argv []string, env []string) error {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	detach(cmd)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s in the background: %w", argv[0], err)
	}
	return cmd.Process.Release()
}
