//go:build !windows

package launch

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestRunPassesTheChildsStatusOn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		argv []string
		want int
	}{
		{[]string{"true"}, 0},
		{[]string{"sh", "-c", "exit 7"}, 7},
		{[]string{"sh", "-c", "kill -TERM $$"}, 128 + 15},
		{[]string{"sh", "-c", "kill -HUP $$"}, 128 + 1},
		{[]string{"no-such-command-xyz"}, 127},
	} {
		code, _ := Run(tc.argv, os.Environ())
		if code != tc.want {
			t.Errorf("%q: status %d, want %d", tc.argv, code, tc.want)
		}
	}
}

// waitForFile polls until path exists.
func waitForFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := os.Stat(path); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never appeared", path)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestRunForwardsOnlySignalsTheChildDidNotGet signals this process alone,
// as `kill PID` would: SIGINT and SIGQUIT (which the terminal sends to the
// whole process group, child included) are not sent again, SIGUSR1 and
// SIGTERM are. Not parallel: the signals go to the whole test process,
// and so would reach any other test's child.
func TestRunForwardsOnlySignalsTheChildDidNotGet(t *testing.T) {
	dir := t.TempDir()
	ready, log := filepath.Join(dir, "ready"), filepath.Join(dir, "log")
	script := `trap 'echo INT >> "$LOG"' INT
trap 'echo QUIT >> "$LOG"' QUIT
trap 'echo USR1 >> "$LOG"' USR1
trap 'echo TERM >> "$LOG"; exit 3' TERM
: > "$READY"
while :; do sleep 0.02; done`
	type result struct {
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		code, err := Run([]string{"sh", "-c", script}, append(os.Environ(), "READY="+ready, "LOG="+log))
		done <- result{code, err}
	}()
	waitForFile(t, ready)
	if !ChildRunning() {
		t.Error("ChildRunning is false while a child runs")
	}
	self := os.Getpid()
	for _, s := range []syscall.Signal{syscall.SIGINT, syscall.SIGQUIT, syscall.SIGUSR1} {
		if err := syscall.Kill(self, s); err != nil {
			t.Fatal(err)
		}
	}
	// Go hands pending signals on in signal-number order and sh runs its
	// traps in that order too, so once USR1 is logged an INT or QUIT
	// forwarded before it would have been logged as well.
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(log)
		if strings.Contains(string(b), "USR1") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("SIGUSR1 was not forwarded; the child logged %q", b)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := syscall.Kill(self, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	var r result
	select {
	case r = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the child did not end on a forwarded SIGTERM")
	}
	if r.code != 3 || r.err != nil {
		t.Errorf("Run = %d, %v; want the child's 3", r.code, r.err)
	}
	if b, _ := os.ReadFile(log); string(b) != "USR1\nTERM\n" {
		t.Errorf("the child got %q; want only the forwarded USR1 and TERM", b)
	}
	if ChildRunning() {
		t.Error("ChildRunning is true after the child ended")
	}
}

// TestRunKeepsIgnoredSignalsIgnored: under nohup SIGHUP is ignored when
// ssopick starts; catching it would undo that for the child too. The test
// binary runs itself with SIGHUP ignored, as nohup would start ssopick.
func TestRunKeepsIgnoredSignalsIgnored(t *testing.T) {
	if out := os.Getenv("LAUNCH_TEST_SIGIGN_OUT"); out != "" {
		code, err := Run([]string{"sh", "-c", `grep SigIgn /proc/$$/status > "$LAUNCH_TEST_SIGIGN_OUT"`}, os.Environ())
		if err != nil {
			code = 99
		}
		os.Exit(code)
	}
	t.Parallel()
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc to read a process's ignored signals from")
	}
	out := filepath.Join(t.TempDir(), "status")
	cmd := exec.Command("sh", "-c", `trap "" HUP; exec "$0" -test.run='^TestRunKeepsIgnoredSignalsIgnored$'`, os.Args[0])
	cmd.Env = append(os.Environ(), "LAUNCH_TEST_SIGIGN_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the test binary under nohup: %v\n%s", err, b)
	}
	b, _ := os.ReadFile(out)
	mask, err := strconv.ParseUint(strings.TrimSpace(strings.TrimPrefix(string(b), "SigIgn:")), 16, 64)
	if err != nil {
		t.Fatalf("SigIgn %q: %v", b, err)
	}
	if mask&(1<<(syscall.SIGHUP-1)) == 0 {
		t.Errorf("the child does not ignore SIGHUP (SigIgn %x)", mask)
	}
}
