package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// tmuxSession drives the built binary in a real terminal: tmux on its own
// socket, a plain shell, send-keys to type and capture-pane to read.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, width, height int) *tmuxSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	s := &tmuxSession{t: t, socket: fmt.Sprintf("ssopick-test-%d", time.Now().UnixNano())}
	home := t.TempDir()
	// A bare shell with a fixed prompt, a private HOME and the binary on
	// PATH; nothing from the developer's environment leaks in.
	s.tmux("new-session", "-d", "-x", fmt.Sprint(width), "-y", fmt.Sprint(height),
		"env", "-i", "HOME="+home, "TERM=xterm-256color", "PATH="+filepath.Dir(ssopickBinary)+":/usr/bin:/bin",
		"PS1=READY$ ", "sh")
	t.Cleanup(func() { _ = exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	s.waitFor("READY$", 5*time.Second)
	return s
}

func (s *tmuxSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *tmuxSession) send(keys ...string) {
	s.tmux(append([]string{"send-keys", "-t", "0"}, keys...)...)
}

// typeText types literally (no key-name interpretation).
func (s *tmuxSession) typeText(text string) { s.tmux("send-keys", "-t", "0", "-l", text) }

func (s *tmuxSession) screen() string { return s.tmux("capture-pane", "-t", "0", "-p") }

// waitFor polls the screen until it contains want.
func (s *tmuxSession) waitFor(want string, timeout time.Duration) string {
	s.t.Helper()
	return s.waitUntil(fmt.Sprintf("%q", want), timeout, func(screen string) bool { return strings.Contains(screen, want) })
}

// waitUntil polls the screen until ok accepts it.
func (s *tmuxSession) waitUntil(what string, timeout time.Duration, ok func(screen string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		screen := s.screen()
		if ok(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s; the screen shows:\n%s", what, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// chooseInDemo starts `ssopick demo` with the given environment
// assignments, types query and presses Enter on the best match, leaving the
// actions screen open.
func (s *tmuxSession) chooseInDemo(env, query string) {
	s.t.Helper()
	s.typeText(env + " ssopick demo; echo EXIT=$?")
	s.send("Enter")
	s.waitFor(demoRoleCount+" of "+demoRoleCount+" roles", 15*time.Second)
	s.typeText(query)
	s.waitFor("❯ "+query, 5*time.Second)
	s.send("Enter")
	s.waitFor("Open the AWS console", 5*time.Second)
}

// assertCookedTerminal checks, from the shell, that the terminal is back in
// cooked mode with echo on, and that the cursor is visible.
func (s *tmuxSession) assertCookedTerminal() {
	s.t.Helper()
	// The marker is computed, so the typed command line cannot match it.
	s.typeText("clear; stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e echo | sort | tr '\\n' ' '; echo \"E\"\"ND-$((40+2))\"")
	s.send("Enter")
	screen := s.waitFor("END-42", 5*time.Second)
	if !strings.Contains(screen, "echo icanon END-42") {
		s.t.Errorf("terminal not restored to cooked mode:\n%s", screen)
	}
	if cursor := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "0", "#{cursor_flag}")); cursor != "1" {
		s.t.Errorf("cursor hidden after exit (cursor_flag %s)", cursor)
	}
	if alt := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "0", "#{alternate_on}")); alt != "0" {
		s.t.Errorf("still in the alternate screen (alternate_on %s)", alt)
	}
}

// demoRoleCount is the demo picker's count of roles: the sandbox's 126
// account/role pairs and the demo config's chained profile.
const demoRoleCount = "127"

func TestDemoInTmux(t *testing.T) {
	t.Parallel()
	s := newTmux(t, 120, 30)
	s.typeText("ssopick demo; echo EXIT=$?")
	s.send("Enter")
	s.waitFor(demoRoleCount+" of "+demoRoleCount+" roles", 15*time.Second)

	s.typeText("view audit")
	s.waitUntil("acme-audit ViewOnlyAccess selected first", 5*time.Second, func(screen string) bool {
		lines := strings.Split(screen, "\n")
		return len(lines) > 1 && strings.HasPrefix(lines[0], "❯ view audit") &&
			strings.Contains(lines[1], "▸") && strings.Contains(lines[1], "acme-audit") && strings.Contains(lines[1], "ViewOnlyAccess")
	})

	s.send("Enter")
	s.waitFor("Open the AWS console", 5*time.Second)
	s.send("e")
	screen := s.waitFor("EXIT=0", 10*time.Second)
	if !strings.Contains(screen, "export SSOPICK_ACCOUNT_NAME='acme-audit'") || !strings.Contains(screen, "export SSOPICK_ROLE_NAME='ViewOnlyAccess'") {
		t.Errorf("the exports of the chosen role were not printed:\n%s", screen)
	}
	s.assertCookedTerminal()
}

func TestCtrlCRestoresTheTerminal(t *testing.T) {
	t.Parallel()
	s := newTmux(t, 100, 24)
	s.typeText("ssopick demo; echo EXIT=$?")
	s.send("Enter")
	s.waitFor("of "+demoRoleCount+" roles", 15*time.Second)
	s.send("C-c")
	s.waitFor("EXIT=130", 10*time.Second)
	s.assertCookedTerminal()
}

func TestDemoConsoleAndShellInTmux(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (.ci/run installs it)")
	}
	page := filepath.Join(t.TempDir(), "console.html")
	browser := filepath.Join(t.TempDir(), "browser")
	writeExecutable(t, browser, []byte("#!/bin/sh\nexec curl -sfL -o "+page+" \"$1\"\n"))
	s := newTmux(t, 120, 30)
	// Console: the demo's sandbox serves the console page for the role.
	s.chooseInDemo("BROWSER="+browser, "view audit")
	s.send("c")
	s.waitFor("EXIT=0", 15*time.Second)
	html, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(html), "AWS console") || !strings.Contains(string(html), "acme-audit") || !strings.Contains(string(html), "ViewOnlyAccess") {
		t.Fatalf("the browser did not reach the console page for acme-audit ViewOnlyAccess: %v\n%s", err, html)
	}

	// Shell: the AWS CLI inside it is the chosen role.
	if out, err := exec.Command("/usr/bin/aws", "--version").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "aws-cli/2.") {
		t.Skip("the AWS CLI v2 is not at /usr/bin/aws (.ci/run installs it)")
	}
	s.typeText("clear")
	s.send("Enter")
	s.chooseInDemo("SHELL=/bin/sh", "view audit")
	s.send("s")
	s.waitFor("`exit` to leave", 10*time.Second)
	s.typeText("/usr/bin/aws sts get-caller-identity --endpoint-url $AWS_ENDPOINT_URL_STS --query Arn --output text")
	s.send("Enter")
	s.waitFor(":assumed-role/AWSReservedSSO_ViewOnlyAccess_", 20*time.Second)
	s.typeText("exit")
	s.send("Enter")
	s.waitFor("EXIT=0", 10*time.Second)
	s.assertCookedTerminal()
}

func TestTerminalRestoredAfterSignalsAndPanic(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		kill func(s *tmuxSession, pid string)
	}{
		{"SIGINT", func(s *tmuxSession, pid string) { _ = exec.Command("kill", "-INT", pid).Run() }},
		{"SIGTERM", func(s *tmuxSession, pid string) { _ = exec.Command("kill", "-TERM", pid).Run() }},
		{"panic", func(s *tmuxSession, _ string) { s.typeText("!") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTmux(t, 100, 24)
			s.typeText("SSOPICK_DEBUG_PANIC_KEY=! ssopick demo; echo EXIT=$?")
			s.send("Enter")
			s.waitFor("of "+demoRoleCount+" roles", 15*time.Second)
			shell := strings.TrimSpace(s.tmux("display-message", "-p", "-t", "0", "#{pane_pid}"))
			out, err := exec.Command("pgrep", "-P", shell, "-x", "ssopick").Output()
			pid := strings.TrimSpace(string(out))
			if err != nil || pid == "" {
				t.Fatalf("no ssopick process under the shell %s: %v", shell, err)
			}
			tc.kill(s, pid)
			s.waitUntil("ssopick to exit", 10*time.Second, func(screen string) bool {
				return strings.Contains(screen, "EXIT=") && !strings.Contains(screen, "EXIT=0")
			})
			s.assertCookedTerminal()
		})
	}
}
