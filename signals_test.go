//go:build !windows

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests drive the built binary in tmux: how signals and keys end it
// (exit statuses, the terminal left usable), what a child run by `exec`
// receives, and the picker inside $(…).

// signedInTmux is a tmux pane whose shell has a signed-in sandbox
// environment (signedInEnv) and the binary on PATH.
func signedInTmux(t *testing.T, width, height int) (*tmuxSession, *binEnv, sandboxAccount) {
	t.Helper()
	e, acct := signedInEnv(t)
	s := newTmux(t, width, height)
	s.typeText("export " + strings.Join(quoteEach(e.env), " ") + " PATH=" + filepath.Dir(ssopickBinary) + ":$PATH; clear")
	s.send("Enter")
	s.waitUntil("a clear screen", 5*time.Second, func(screen string) bool {
		return strings.TrimSpace(screen) == "READY$"
	})
	return s, e, acct
}

// ssopickPID is the pid of the ssopick the pane's shell is running.
func (s *tmuxSession) ssopickPID() string {
	s.t.Helper()
	shell := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "0", "#{pane_pid}"))
	out, err := exec.Command("pgrep", "-P", shell, "-x", "ssopick").Output()
	pid := strings.TrimSpace(string(out))
	if err != nil || pid == "" || strings.Contains(pid, "\n") {
		s.t.Fatalf("no single ssopick process under the shell %s: %v %q", shell, err, pid)
	}
	return pid
}

var exitLine = regexp.MustCompile(`EXIT=(\d+)`)

// waitExit waits for the `echo EXIT=$?` after a command and returns the
// status it shows, and the screen.
func (s *tmuxSession) waitExit(timeout time.Duration) (string, string) {
	s.t.Helper()
	screen := s.waitUntil("EXIT=<status>", timeout, exitLine.MatchString)
	return exitLine.FindStringSubmatch(screen)[1], screen
}

// countSignals is a child for TestExecDeliversEachCtrlCOnce that counts
// every SIGINT and SIGUSR1 it receives (Go's handler sees each delivery,
// where a shell's trap may run once for two close together) and leaves on
// SIGTERM with status 5.
func countSignals() {
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGUSR1, syscall.SIGTERM)
	fmt.Println("CHILD-READY")
	ints, usr1s := 0, 0
	for s := range sigs {
		switch s {
		case syscall.SIGINT:
			ints++
			fmt.Printf("INT-%d\n", ints)
		case syscall.SIGUSR1:
			usr1s++
			fmt.Printf("USR1-%d\n", usr1s)
		default:
			fmt.Println("GOT-TERM")
			os.Exit(5)
		}
	}
}

// The test binary is also countSignals, when the environment asks.
func init() {
	if os.Getenv("SSOPICK_TEST_COUNT_SIGNALS") != "" {
		countSignals()
	}
}

var childEvent = regexp.MustCompile(`(?m)^(?:\^C)*(INT-\d+|USR1-\d+|GOT-TERM)\s*$`)

func TestExecDeliversEachCtrlCOnce(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, child string }{
		// A shell that traps and counts, as the person would write it.
		// The markers are computed, so the typed line cannot match them.
		{"sh trap", `sh -c 'trap "n=\$((n+1)); echo INT-\$n" INT; trap "m=\$((m+1)); echo USR1-\$m" USR1; trap "echo GOT-\"TERM\"; exit 5" TERM; echo CHILD-"READY"; while :; do sleep 0.05; done'`},
		// A Go program, which counts each delivery even when two arrive
		// at once.
		{"signal counter", "env SSOPICK_TEST_COUNT_SIGNALS=1 " + self},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, acct := signedInTmux(t, 250, 30)
			s.typeText("ssopick exec -a " + acct.Name + " -r ViewOnlyAccess -- " + tc.child + "; echo EXIT=$?")
			s.send("Enter")
			s.waitFor("CHILD-READY", 15*time.Second)
			pid := s.ssopickPID()
			for i := 1; i <= 2; i++ {
				// The terminal sends SIGINT to the whole foreground process
				// group, child included; ssopick must not send a second.
				s.send("C-c")
				s.waitFor(fmt.Sprintf("INT-%d", i), 5*time.Second)
				// SIGUSR1 sent to ssopick alone is forwarded. Pending
				// signals are handled in signal-number order, so once the
				// child shows it, a second SIGINT would have shown too.
				if err := exec.Command("kill", "-USR1", pid).Run(); err != nil {
					t.Fatal(err)
				}
				s.waitFor(fmt.Sprintf("USR1-%d", i), 5*time.Second)
			}
			// So is SIGTERM; the child's own status is ssopick's.
			if err := exec.Command("kill", "-TERM", pid).Run(); err != nil {
				t.Fatal(err)
			}
			code, screen := s.waitExit(10 * time.Second)
			if code != "5" {
				t.Errorf("ssopick did not pass the child's status 5 on:\n%s", screen)
			}
			var events []string
			for _, m := range childEvent.FindAllStringSubmatch(screen, -1) {
				events = append(events, m[1])
			}
			if got, want := strings.Join(events, " "), "INT-1 USR1-1 INT-2 USR1-2 GOT-TERM"; got != want {
				t.Errorf("the child got %q, want %q: each Ctrl-C and each forwarded signal exactly once\n%s", got, want, screen)
			}
			s.assertCookedTerminal()
		})
	}
}

func TestPickerCtrlCAndEscExit130(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, key string }{{"Ctrl-C", "C-c"}, {"Esc", "Escape"}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newTmux(t, 100, 24)
			// As fzf: leaving without a choice is 130, and what follows
			// with && does not run.
			s.typeText("ssopick demo && echo NEXT-\"STEP\"; echo EXIT=$?")
			s.send("Enter")
			s.waitFor("of "+demoRoleCount+" roles", 15*time.Second)
			s.send(tc.key)
			code, screen := s.waitExit(10 * time.Second)
			if code != "130" || strings.Contains(screen, "NEXT-STEP") {
				t.Errorf("leaving the picker with %s: want status 130 and no next step:\n%s", tc.name, screen)
			}
			s.assertCookedTerminal()
		})
	}
}

func TestSignalsEndThePickerWithTheirStatusAndRestoreTheTerminal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sig  string
		code string
	}{
		{"HUP", "129"},
		{"INT", "130"},
		{"QUIT", "131"},
		{"TERM", "143"},
	} {
		t.Run("SIG"+tc.sig, func(t *testing.T) {
			t.Parallel()
			s := newTmux(t, 100, 24)
			s.typeText("ssopick demo; echo EXIT=$?")
			s.send("Enter")
			s.waitFor("of "+demoRoleCount+" roles", 15*time.Second)
			if err := exec.Command("kill", "-"+tc.sig, s.ssopickPID()).Run(); err != nil {
				t.Fatal(err)
			}
			code, screen := s.waitExit(10 * time.Second)
			if code != tc.code {
				t.Errorf("SIG%s: want status %s (128+N):\n%s", tc.sig, tc.code, screen)
			}
			s.assertCookedTerminal()
		})
	}
}

func TestPickerInsideCommandSubstitution(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, command string }{
		{"stdout captured", "URL=$(ssopick console --print-url audit)"},
		{"stdin and stdout piped", "URL=$(true | ssopick console --print-url audit)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, acct := signedInTmux(t, 120, 30)
			out := filepath.Join(t.TempDir(), "url")
			// The picker draws on the terminal (/dev/tty) while stdout,
			// captured, gets only the URL.
			s.typeText(tc.command + "; echo EXIT=$?; printf %s \"$URL\" > " + out)
			s.send("Enter")
			s.waitUntil("the picker with acme-audit selected", 15*time.Second, func(screen string) bool {
				for _, line := range strings.Split(screen, "\n") {
					if strings.Contains(line, "▸") && strings.Contains(line, acct.Name) {
						return true
					}
				}
				return false
			})
			s.send("Enter")
			code, screen := s.waitExit(15 * time.Second)
			if code != "0" {
				t.Fatalf("console --print-url in $(…) failed:\n%s", screen)
			}
			url, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(string(url), "http://127.0.0.1:") || !strings.Contains(string(url), "/federation?Action=login") ||
				strings.ContainsAny(string(url), "\n\x1b") {
				t.Errorf("stdout carried %q; want only the console URL", url)
			}
			s.assertCookedTerminal()
		})
	}
}

func TestListPipesIntoHead(t *testing.T) {
	t.Parallel()
	e, _ := signedInEnv(t)
	cmd := exec.Command("sh", "-c", `"$SSOPICK" list | head -n 1`)
	cmd.Env = append(e.env, "SSOPICK="+ssopickBinary)
	out, err := cmd.Output()
	if err != nil || strings.Count(string(out), "\n") != 1 || !strings.Contains(string(out), "\t") || strings.Contains(string(out), "\x1b") {
		t.Fatalf("ssopick list | head -n 1: %v %q", err, out)
	}
}

func TestPickerRefusesWithoutAnyTerminal(t *testing.T) {
	t.Parallel()
	// A session of its own has no controlling terminal, so not even
	// /dev/tty is there: that holds when the tests run from a terminal.
	cmd := exec.Command(ssopickBinary, "console", "--start-url", "https://acme.awsapps.com/start", "--sso-region", "eu-west-1")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != 2 {
		t.Fatalf("picker with no terminal: %v, want exit status 2", err)
	}
	if lines := strings.Split(strings.TrimSpace(stderr.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], "needs a terminal") || stdout.Len() != 0 {
		t.Errorf("want one sentence on stderr and nothing on stdout; got %q %q", stdout.String(), stderr.String())
	}
}

func TestExitStatusOfCancellations(t *testing.T) {
	t.Parallel()
	killed := fmt.Errorf("run the picker: program was killed: %w", context.Canceled)
	for _, tc := range []struct {
		name  string
		err   error
		cause error
		code  int
		msg   string
	}{
		{"picker left", errCancelled, nil, 130, ""},
		{"SIGINT", killed, &signalError{syscall.SIGINT}, 130, "cancelled"},
		{"SIGHUP", killed, &signalError{syscall.SIGHUP}, 129, "stopped (hangup)"},
		{"SIGQUIT", killed, &signalError{syscall.SIGQUIT}, 131, "stopped (quit)"},
		{"SIGTERM", killed, &signalError{syscall.SIGTERM}, 143, "stopped (terminated)"},
		{"child's status after a signal", &exitError{code: 5, quiet: true}, &signalError{syscall.SIGTERM}, 5, ""},
		{"cancelled, no signal", killed, context.Canceled, 130, "cancelled"},
		{"failure", errors.New("boom"), nil, 1, "boom"},
	} {
		err := withSignal(tc.err, tc.cause)
		if code, msg := exitCode(err), userMessage(err); code != tc.code || msg != tc.msg {
			t.Errorf("%s: status %d %q, want %d %q", tc.name, code, msg, tc.code, tc.msg)
		}
	}
}
