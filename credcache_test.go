package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ssopick/ssopick/aws"
)

// The role cache end to end: credential_process answers from it within
// the credentials' life, from the OS keychain (a real Secret Service) or
// from the agent, and no role secret reaches a file in clear.

// cachedProfileEnv is a signed-in binEnv with [profile cached] whose
// credentials come from `ssopick credential-process`, and a debug log
// outside HOME that says where each answer came from.
func cachedProfileEnv(t *testing.T) (e *binEnv, acct sandboxAccount, debugLog string) {
	t.Helper()
	e, acct = signedInEnv(t)
	debugLog = filepath.Join(t.TempDir(), "debug.log")
	e.env = append(e.env, "SSOPICK_DEBUG=1", "SSOPICK_DEBUG_FILE="+debugLog)
	config := filepath.Join(e.home, ".aws", "config")
	f, err := os.OpenFile(config, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "\n[profile cached]\nregion = eu-west-1\ncredential_process = %s credential-process -a %s -r ViewOnlyAccess\n", ssopickBinary, acct.ID)
	f.Close()
	return e, acct, debugLog
}

// callerIdentity runs `aws sts get-caller-identity --profile cached` with
// botocore and the AWS CLI v1, wrapped by wrap (a D-Bus session, say).
func callerIdentity(t *testing.T, e *binEnv, acct sandboxAccount, wrap ...string) {
	t.Helper()
	argv := append(append([]string(nil), wrap...), "python3", "-m", "awscli", "sts", "get-caller-identity", "--profile", "cached", "--output", "text")
	out := e.run(t, argv[0], argv[1:]...)
	if !strings.Contains(out, "arn:aws:sts::"+acct.ID+":assumed-role/AWSReservedSSO_ViewOnlyAccess_") {
		t.Fatalf("aws sts get-caller-identity printed %q", out)
	}
}

// processCredentials is what credential-process printed.
type processCredentials struct {
	Version                                   int
	AccessKeyID                               string `json:"AccessKeyId"`
	SecretAccessKey, SessionToken, Expiration string
}

func parseProcessCredentials(t *testing.T, out string) processCredentials {
	t.Helper()
	var c processCredentials
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.Version != 1 || c.SecretAccessKey == "" {
		t.Fatalf("credential-process printed %q (%v)", out, err)
	}
	return c
}

// timedCredentialProcess runs credential-process as the profile does and
// says how long it took.
func timedCredentialProcess(t *testing.T, e *binEnv, acct sandboxAccount, wrap ...string) (processCredentials, time.Duration) {
	t.Helper()
	argv := append(append([]string(nil), wrap...), ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess")
	start := time.Now()
	out := e.run(t, argv[0], argv[1:]...)
	return parseProcessCredentials(t, out), time.Since(start)
}

// noRoleSecretOnDisk fails when a role secret (the keys credential-process
// printed, and every role key the sandbox issued) or any other secret
// outside the token cache is in a file under HOME (which holds the cache,
// config and state directories) or the agent's fallback directory.
func noRoleSecretOnDisk(t *testing.T, e *binEnv, role processCredentials) {
	t.Helper()
	roleSecrets := []string{role.SecretAccessKey, role.SessionToken}
	all := e.srv.Secrets()
	tokenCache := filepath.Join(e.home, ".aws", "sso", "cache")
	scanned := 0
	scan := func(root string) {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return err // sockets and directories hold nothing to read
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			scanned++
			for _, s := range roleSecrets {
				if strings.Contains(string(raw), s) {
					t.Errorf("a role secret (%.6s…) is in %s", s, path)
				}
			}
			if strings.HasPrefix(path, tokenCache) {
				return nil // the sign-in is there by contract
			}
			for _, s := range all {
				if len(s) >= 16 && strings.Contains(string(raw), s) {
					t.Errorf("a secret (%.6s…) is in %s", s, path)
				}
			}
			return nil
		})
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	scan(e.home)
	scan(filepath.Join(os.TempDir(), fmt.Sprintf("ssopick-%d", os.Getuid())))
	if scanned == 0 {
		t.Fatal("no file scanned")
	}
}

// agentSocketOf is where the agent for e's cache listens (binEnv sets no
// XDG_RUNTIME_DIR).
func agentSocketOf(t *testing.T, e *binEnv) string {
	t.Helper()
	socket, err := aws.AgentSocket(func(string) string { return "" }, aws.DefaultPaths(func(k string) string {
		return map[string]string{"XDG_CACHE_HOME": filepath.Join(e.home, ".cache")}[k]
	}, e.home))
	if err != nil {
		t.Fatal(err)
	}
	return socket
}

// debugLines are the "credentials … from …" lines of the debug log.
func debugLines(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(l, "debug: credentials for ") {
			out = append(out, l)
		}
	}
	return out
}

func TestCredentialProcessAnswersFromTheAgent(t *testing.T) {
	t.Parallel()
	needBotocore(t)
	e, acct, debugLog := cachedProfileEnv(t)
	// No D-Bus session bus here (binEnv's environment has no
	// DBUS_SESSION_BUS_ADDRESS): the agent keeps the credentials.
	for _, kv := range e.env {
		if strings.HasPrefix(kv, "DBUS_SESSION_BUS_ADDRESS=") {
			t.Fatal("the environment has a session bus")
		}
	}
	callerIdentity(t, e, acct)
	callerIdentity(t, e, acct)
	if n := e.srv.Stats().Calls["GetRoleCredentials"]; n != 1 {
		t.Errorf("%d GetRoleCredentials calls for two runs, want 1", n)
	}
	lines := debugLines(t, debugLog)
	if len(lines) != 2 || !strings.Contains(lines[0], "from the portal") || !strings.Contains(lines[1], "from the cache") ||
		!strings.Contains(lines[1], "cache: agent: no usable OS keychain: no D-Bus session bus") {
		t.Errorf("debug lines:\n%s", strings.Join(lines, "\n"))
	}
	socket := agentSocketOf(t, e)
	if fi, err := os.Stat(socket); err != nil || fi.Mode().Type() != fs.ModeSocket {
		t.Errorf("no agent socket at %s: %v", socket, err)
	}
	if fi, err := os.Stat(filepath.Dir(socket)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("the agent's directory: %v %v", fi.Mode(), err)
	}

	creds, took := timedCredentialProcess(t, e, acct)
	t.Logf("credential-process from the agent: %v", took.Round(time.Microsecond))
	if n := e.srv.Stats().Calls["GetRoleCredentials"]; n != 1 {
		t.Errorf("%d GetRoleCredentials calls after a third run, want 1", n)
	}
	noRoleSecretOnDisk(t, e, creds)

	// Signed out: the cached credentials are not served.
	e.run(t, ssopickBinary, "logout")
	if out, stderr, code := e.try(ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess"); code == 0 || out != "" || !strings.Contains(stderr, "ssopick login") {
		t.Errorf("signed out: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// keyringSession is the argv prefix that runs a command in a D-Bus session
// of its own with GNOME Keyring's Secret Service unlocked. The keyring
// lives in $HOME/.local/share/keyrings (encrypted with the password
// "pass"), so the next session finds what this one stored.
func keyringSession(t *testing.T) []string {
	t.Helper()
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (Debian packages dbus and gnome-keyring; .ci/run installs them)", tool)
		}
	}
	return inDBusSession(`echo -n pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 99`)
}

// inDBusSession is the argv prefix that runs a command in a D-Bus session
// of its own after setup. Only the command's output reaches stdout: a
// keyring daemon the bus starts on demand (when the command asks for the
// Secret Service before setup's daemon owns the name) prints its
// variables on the bus's stdout, which goes to stderr here.
func inDBusSession(setup string) []string {
	inner := setup + `; exec "$@" >&3 3>&-`
	return []string{"sh", "-c", `exec 3>&1 >&2; exec dbus-run-session -- sh -c "$0" sh "$@"`, inner}
}

func TestCredentialProcessAnswersFromTheKeychain(t *testing.T) {
	t.Parallel()
	needBotocore(t)
	session := keyringSession(t)
	e, acct, debugLog := cachedProfileEnv(t)
	// Each run has a session bus and an unlocked Secret Service: the
	// keychain is chosen by itself.
	callerIdentity(t, e, acct, session...)
	callerIdentity(t, e, acct, session...)
	if n := e.srv.Stats().Calls["GetRoleCredentials"]; n != 1 {
		t.Errorf("%d GetRoleCredentials calls for two runs, want 1", n)
	}
	lines := debugLines(t, debugLog)
	if len(lines) != 2 || !strings.Contains(lines[0], "from the portal") || !strings.Contains(lines[1], "from the cache") ||
		!strings.Contains(lines[1], "cache: keychain: the OS keychain answered") {
		t.Errorf("debug lines:\n%s", strings.Join(lines, "\n"))
	}
	creds, took := timedCredentialProcess(t, e, acct, session...)
	t.Logf("credential-process from the keychain, D-Bus session and keyring start included: %v", took.Round(time.Microsecond))
	if n := e.srv.Stats().Calls["GetRoleCredentials"]; n != 1 {
		t.Errorf("%d GetRoleCredentials calls after a third run, want 1", n)
	}
	// The control: the Secret Service does hold them.
	if _, err := exec.LookPath("secret-tool"); err == nil {
		key := "acme|" + acct.ID + "|ViewOnlyAccess"
		held := e.run(t, session[0], append(session[1:], "secret-tool", "lookup", "service", "ssopick", "username", key)...)
		if !strings.Contains(held, creds.SecretAccessKey) {
			t.Errorf("the keyring item %q does not hold the credentials", key)
		}
	}
	if _, err := os.Stat(agentSocketOf(t, e)); err == nil {
		t.Error("an agent was started although the keychain answered")
	}
	noRoleSecretOnDisk(t, e, creds)

	// The same keyring, locked (the daemon started without its password):
	// nobody is asked for it; the agent keeps the credentials instead.
	locked := inDBusSession(`gnome-keyring-daemon --start --components=secrets >/dev/null || exit 99`)
	timedCredentialProcess(t, e, acct, locked...)
	lines = debugLines(t, debugLog)
	if last := lines[len(lines)-1]; !strings.Contains(last, "from the portal") || !strings.Contains(last, "cache: agent: no usable OS keychain: the Secret Service's keyring is locked") {
		t.Errorf("with the keyring locked: %s", last)
	}
}

func TestCredentialProcessNeedsNoCacheWhenToldSo(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	e.env = append(e.env, aws.CredentialStoreVar+"=none")
	timedCredentialProcess(t, e, acct)
	timedCredentialProcess(t, e, acct)
	if n := e.srv.Stats().Calls["GetRoleCredentials"]; n != 2 {
		t.Errorf("%d GetRoleCredentials calls with no cache, want 2", n)
	}
	e.env = append(e.env, aws.CredentialStoreVar+"=vault")
	if _, stderr, code := e.try(ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess"); code != 1 || !strings.Contains(stderr, "is not keychain, agent or none") {
		t.Errorf("an unknown store: exit %d %q", code, stderr)
	}
}

// tryWithin is binEnv.try with a deadline: a sign-in nobody finishes
// would otherwise hold a run for autoLoginTimeout.
func tryWithin(e *binEnv, d time.Duration, name string, args ...string) (string, string, int) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = e.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		return stdout.String(), stderr.String() + "(killed after " + d.String() + ")", -1
	}
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		code = -1
	}
	return stdout.String(), stderr.String(), code
}

// expireSignIn makes the cached sign-in expired, with nothing to refresh
// it with.
func expireSignIn(t *testing.T, e *binEnv) {
	t.Helper()
	tc := aws.TokenCache{Dir: filepath.Join(e.home, ".aws", "sso", "cache")}
	s := aws.Session{Name: "acme", StartURL: e.srv.StartURL(), Region: e.srv.Region()}
	tok, err := tc.LoadToken(s)
	if err != nil {
		t.Fatal(err)
	}
	tok.ExpiresAt = time.Now().Add(-time.Minute)
	tok.RefreshToken = ""
	if err := tc.SaveToken(s, tok); err != nil {
		t.Fatal(err)
	}
}

func TestAutoLoginSignsInOnceForThirtyProcesses(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (.ci/run installs it)")
	}
	e, acct := signedInEnv(t)
	expireSignIn(t, e)
	launches := filepath.Join(t.TempDir(), "launches")
	browser := filepath.Join(t.TempDir(), "browser")
	// A browser that records each launch and follows the link as a real
	// one would, back to ssopick's loopback listener.
	script := "#!/bin/sh\necho launched >> " + launches + "\nexec curl -sfL -o /dev/null \"$1\"\n"
	writeExecutable(t, browser, []byte(script))
	e.env = append(e.env, "BROWSER="+browser)

	// auto_login is off by default: one line, no browser.
	if out, stderr, code := e.try(ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess"); code == 0 || out != "" || !strings.Contains(stderr, "ssopick login") {
		t.Errorf("expired, auto_login off: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, err := os.Stat(launches); err == nil {
		t.Fatal("a browser was opened with auto_login off")
	}

	prefs := filepath.Join(e.home, ".config", "ssopick", "config.toml")
	if err := os.MkdirAll(filepath.Dir(prefs), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prefs, []byte("auto_login = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	logins := e.srv.Stats().Logins
	const n = 30
	type result struct {
		out, stderr string
		code        int
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Go(func() {
			out, stderr, code := tryWithin(e, time.Minute, ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess")
			results[i] = result{out, stderr, code}
		})
	}
	wg.Wait()
	t.Logf("%d parallel credential-process runs with an expired sign-in: %v", n, time.Since(start).Round(time.Millisecond))
	keys := map[string]bool{}
	said := 0
	for i, r := range results {
		if r.code != 0 {
			t.Errorf("run %d: exit %d\n%s", i, r.code, r.stderr)
			continue
		}
		keys[parseProcessCredentials(t, r.out).AccessKeyID] = true
		if strings.Contains(r.stderr, "signing in again") {
			said++
		}
	}
	raw, _ := os.ReadFile(launches)
	if got := strings.Count(string(raw), "launched"); got != 1 {
		t.Errorf("%d browser launches for %d processes, want 1", got, n)
	}
	if got := e.srv.Stats().Logins - logins; got != 1 {
		t.Errorf("%d sign-ins, want 1", got)
	}
	if said != 1 {
		t.Errorf("%d processes said they sign in, want 1", said)
	}
	if got := e.srv.Stats().Calls["GetRoleCredentials"]; got != 1 || len(keys) != 1 {
		t.Errorf("%d GetRoleCredentials calls, %d distinct keys for %d processes; want 1 and 1", got, len(keys), n)
	}
}

func TestAutoLoginPreference(t *testing.T) {
	t.Parallel()
	for content, want := range map[string]bool{"": false, "auto_login = true\n": true, "auto_login = false\n": false} {
		p, warnings, err := LoadPreferences(writePrefs(t, content))
		if err != nil || len(warnings) != 0 || bool(p.AutoLogin) != want {
			t.Errorf("%q: %v %v %v", content, p.AutoLogin, warnings, err)
		}
	}
	for content, msg := range map[string]string{
		"auto_login = \"yes\"\n": `line 1: auto_login: "yes" is not true or false (without quotes)`,
		"\nauto_login = 1\n":     "line 2: auto_login: 1 is not true or false",
	} {
		if _, _, err := LoadPreferences(writePrefs(t, content)); err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%q: %v, want %q", content, err, msg)
		}
	}
}

func TestAutoLoginThatFailsOpensNoSecondTab(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (.ci/run installs it)")
	}
	e, acct := signedInEnv(t)
	expireSignIn(t, e)
	launches := filepath.Join(t.TempDir(), "launches")
	browser := filepath.Join(t.TempDir(), "browser")
	// A person who refuses: the browser comes back to ssopick's listener
	// with error=access_denied.
	script := `#!/bin/sh
echo launched >> ` + launches + `
q=${1#*\?}
redirect=$(printf '%s\n' "$q" | tr '&' '\n' | sed -n 's/^redirect_uri=//p')
state=$(printf '%s\n' "$q" | tr '&' '\n' | sed -n 's/^state=//p')
redirect=$(printf '%s' "$redirect" | sed 's/%3A/:/g; s/%2F/\//g')
exec curl -s -o /dev/null "$redirect?error=access_denied&state=$state"
`
	writeExecutable(t, browser, []byte(script))
	e.env = append(e.env, "BROWSER="+browser)
	prefs := filepath.Join(e.home, ".config", "ssopick", "config.toml")
	if err := os.MkdirAll(filepath.Dir(prefs), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(prefs, []byte("auto_login = true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	const n = 10
	stderrs := make([]string, n)
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, stderrs[i], codes[i] = tryWithin(e, time.Minute, ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess")
		})
	}
	wg.Wait()
	refused, gaveUp := 0, 0
	for i := range n {
		switch {
		case codes[i] == 0:
			t.Errorf("run %d succeeded", i)
		case strings.Contains(stderrs[i], "access_denied"):
			refused++
		case strings.Contains(stderrs[i], "that another ssopick started did not finish") && strings.Contains(stderrs[i], "ssopick login"):
			gaveUp++
		default:
			t.Errorf("run %d: exit %d %q", i, codes[i], stderrs[i])
		}
	}
	raw, _ := os.ReadFile(launches)
	if got := strings.Count(string(raw), "launched"); got != 1 || refused != 1 || gaveUp != n-1 {
		t.Errorf("%d browser launches, %d refused, %d gave up; want 1, 1, %d", got, refused, gaveUp, n-1)
	}
}

func TestAgentCommandServesUntilIdle(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "agent")
	socket := filepath.Join(dir, "sock")
	cmd := exec.Command(ssopickBinary, "agent", "--socket", socket, "--idle", "500ms")
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH")}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		if fi, err := os.Stat(socket); err == nil && fi.Mode().Type() == fs.ModeSocket {
			break
		}
		if time.Since(start) > 5*time.Second {
			t.Fatalf("no socket; stderr %q", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("socket directory: %v %v", fi.Mode(), err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("agent: %v %s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatal("the agent did not exit when idle")
	}
	if _, err := os.Stat(socket); !os.IsNotExist(err) {
		t.Errorf("the socket is left behind: %v", err)
	}
}
