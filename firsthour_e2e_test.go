package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The first hour, end to end with the built binary.

// TestShellAdvisesExitOnlyInItsOwnShell: `ssopick shell` marks its shell
// (SSOPICK_SHELL=1), exec and env do not, and a second shell is refused
// with advice that fits: `exit` inside an ssopick shell, a new terminal
// after eval "$(ssopick env …)", where exit would close the terminal.
func TestShellAdvisesExitOnlyInItsOwnShell(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	e.env = append(e.env, "PATH="+filepath.Dir(ssopickBinary)+":"+os.Getenv("PATH"))
	role := "-a " + acct.ID + " -r ViewOnlyAccess"
	// The "shell" reports its marker, then tries to nest.
	shell := filepath.Join(t.TempDir(), "fake-shell")
	script := "#!/bin/sh\necho \"marker=${SSOPICK_SHELL-unset}\"\nssopick shell " + role + " 2>&1\nexit 0\n"
	writeExecutable(t, shell, []byte(script))
	e.env = append(e.env, "SHELL="+shell)
	out, stderr, code := e.try(ssopickBinary, "shell", "-a", acct.ID, "-r", "ViewOnlyAccess")
	if code != 0 || !strings.Contains(out, "marker=1\n") {
		t.Fatalf("shell: exit %d\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "from `ssopick shell`; `exit` it first, or pass --force") {
		t.Errorf("nested in an ssopick shell: %s", out)
	}

	out = e.run(t, ssopickBinary, "exec", "-a", acct.ID, "-r", "ViewOnlyAccess", "--", "sh", "-c", `echo "marker=${SSOPICK_SHELL-unset}"`)
	if out != "marker=unset\n" {
		t.Errorf("exec: %q", out)
	}
	if exports := e.run(t, ssopickBinary, "env", "-a", acct.ID, "-r", "ViewOnlyAccess"); strings.Contains(exports, "SSOPICK_SHELL") {
		t.Errorf("env prints the shell marker:\n%s", exports)
	}
	// A login shell that took a role with eval: exit would close it.
	out, stderr, code = e.try("sh", "-c", `eval "$(ssopick env `+role+`)" && ssopick shell `+role)
	if code != 1 || !strings.Contains(stderr, "open a new terminal for another role's shell, or pass --force") || strings.Contains(stderr, "`exit`") {
		t.Errorf("after eval env: exit %d\n%s%s", code, out, stderr)
	}
}

// TestTokensOfOlderAWSCLIsAreUsed: a token file whose expiresAt is in the
// form of older AWS CLIs (…UTC), the current one (…Z) or with fractional
// seconds signs ssopick in, and is left as it was.
func TestTokensOfOlderAWSCLIsAreUsed(t *testing.T) {
	t.Parallel()
	e, _ := signedInEnv(t)
	matches, _ := filepath.Glob(filepath.Join(e.home, ".aws", "sso", "cache", "*.json"))
	token := ""
	for _, m := range matches {
		if raw, _ := os.ReadFile(m); strings.Contains(string(raw), `"accessToken"`) {
			token = m
		}
	}
	if token == "" {
		t.Fatal("no token file after login")
	}
	orig, err := os.ReadFile(token)
	if err != nil {
		t.Fatal(err)
	}
	expires := regexp.MustCompile(`"expiresAt": "[^"]*"`)
	for _, form := range []string{"2099-11-27T18:00:00UTC", "2099-11-27T18:00:00Z", "2099-11-27T18:00:00.123456Z", "2099-11-27T18:00:00.5UTC"} {
		raw := expires.ReplaceAll(orig, []byte(`"expiresAt": "`+form+`"`))
		if err := os.WriteFile(token, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		if _, stderr, code := e.try(ssopickBinary, "list", "--refresh"); code != 0 {
			t.Errorf("expiresAt %s: exit %d: %s", form, code, stderr)
		}
		if after, _ := os.ReadFile(token); string(after) != string(raw) {
			t.Errorf("expiresAt %s: the token file was rewritten:\n%s", form, after)
		}
	}
}

// TestAWSProfileWithAMissingSSOSessionBreaksNothing: AWS_PROFILE naming a
// profile whose sso_session names no [sso-session] (the AWS SDK refuses
// such a profile) does not stop commands that have no use for it.
func TestAWSProfileWithAMissingSSOSessionBreaksNothing(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	config := filepath.Join(e.home, ".aws", "config")
	f, err := os.OpenFile(config, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.WriteString("\n[profile broken]\nsso_session = gone\nsso_account_id = " + acct.ID + "\nsso_role_name = ViewOnlyAccess\n")
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	e.env = append(e.env, "AWS_PROFILE=broken")
	for _, args := range [][]string{
		{"list", "--refresh"},
		{"exec", "-a", acct.ID, "-r", "ViewOnlyAccess", "--", "true"},
		{"env", "-a", acct.Name, "-r", "ViewOnlyAccess"},
		{"credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess"},
		{"login"},
	} {
		if _, stderr, code := e.try(ssopickBinary, args...); code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, stderr)
		}
	}
}

// TestProcessProfilesNeedAnInstalledSsopick: under go run (a binary in a
// go-build directory) --style process refuses to write a path that will
// vanish, and says how to install; with an installed ssopick on PATH it
// writes that one's path.
func TestProcessProfilesNeedAnInstalledSsopick(t *testing.T) {
	t.Parallel()
	e, _ := signedInEnv(t)
	e.run(t, ssopickBinary, "list")
	copyTo := func(dir string) string {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		// A hard link: a copy written here could be "text file busy" when
		// run, while a process forked by a parallel test holds it open.
		path := filepath.Join(dir, "ssopick")
		if err := os.Link(ssopickBinary, path); err != nil {
			t.Skipf("cannot link the binary into a temporary directory: %v", err)
		}
		return path
	}
	goRun := copyTo(filepath.Join(t.TempDir(), "go-build2718281828", "b001", "exe"))
	e.env = append(e.env, "PATH=/usr/bin:/bin")
	out, stderr, code := e.try(goRun, "profiles", "--style", "process")
	if code != 1 || out != "" || !strings.Contains(stderr, "needs an installed ssopick") || !strings.Contains(stderr, "go install github.com/ssopick/ssopick@latest") {
		t.Errorf("under go run: exit %d\n%s%s", code, out, stderr)
	}
	installed := copyTo(filepath.Join(t.TempDir(), "bin"))
	e.env = append(e.env, "PATH="+filepath.Dir(installed)+":/usr/bin:/bin")
	out = e.run(t, goRun, "profiles", "--style", "process")
	if !strings.Contains(out, "credential_process = "+installed+" credential-process") || strings.Contains(out, "go-build") {
		t.Errorf("with an installed ssopick on PATH:\n%s", out)
	}
	// --style sso needs no program path.
	if _, stderr, code := e.try(goRun, "profiles"); code != 0 {
		t.Errorf("--style sso under go run: exit %d: %s", code, stderr)
	}
}
