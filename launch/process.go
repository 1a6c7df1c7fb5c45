package launch

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
)

// Run starts argv with env and the terminal's standard streams, passes
// signals on to it while it runs, and returns its exit status (128+N when
// it died of signal N). ssopick stays alive meanwhile so that what it
// serves (the demo's sandbox, for one) keeps working.
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

	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwarded...)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return 126, fmt.Errorf("start %s: %w", argv[0], err)
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
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
