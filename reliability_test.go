package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/sandbox"
)

// TestNoSecretLeaks runs the whole flow with debug logging on and looks for
// every secret the sandbox issued in stdout, stderr, the browser's argv and
// every file ssopick wrote outside the token cache.
func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (.ci/run installs it)")
	}
	e := newBinEnv(t)
	argvLog := filepath.Join(t.TempDir(), "argv")
	browser := filepath.Join(t.TempDir(), "browser")
	script := "#!/bin/sh\nprintf '%s\\n' \"$0\" \"$@\" >> " + argvLog + "\nexec curl -sfL -o /dev/null \"$1\"\n"
	writeExecutable(t, browser, []byte(script))
	e.env = append(e.env, "SSOPICK_DEBUG=1", "BROWSER="+browser, "SHELL=/bin/sh")
	acct := e.srv.Organisation().Accounts[1]
	var transcript strings.Builder
	step := func(stdin string, args ...string) (string, string) {
		t.Helper()
		cmd := exec.Command(ssopickBinary, args...)
		cmd.Env = e.env
		cmd.Stdin = strings.NewReader(stdin)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("ssopick %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	record := func(out, errOut string) { transcript.WriteString(out + errOut) }
	record(step("", "login")) // the browser (PKCE) flow, through $BROWSER
	record(step("", "list", "--refresh"))
	record(step("", "console", "-a", acct.ID, "-r", "ViewOnlyAccess"))
	record(step("echo in-shell; exit 0\n", "shell", "-a", acct.ID, "-r", "ViewOnlyAccess"))
	record(step("", "exec", "-a", acct.ID, "-r", "ViewOnlyAccess", "--", "true"))
	_, credErr := step("", "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess") // stdout is the credentials by contract
	transcript.WriteString(credErr)
	if !strings.Contains(transcript.String(), "debug: GET") {
		t.Fatalf("debug logging was not on:\n%s", transcript.String())
	}
	argv, _ := os.ReadFile(argvLog)
	transcript.Write(argv)
	// Signing out afterwards would empty the token cache the control below
	// needs; it runs last.
	defer record(step("", "logout"))

	secrets := e.srv.Secrets()
	if len(secrets) < 8 {
		t.Fatalf("the flow issued only %d secrets", len(secrets))
	}
	found := 0
	scan := func(where, text string) {
		for _, s := range secrets {
			if len(s) >= 16 && strings.Contains(text, s) {
				found++
				t.Errorf("a secret (%.6s…) appears in %s", s, where)
			}
		}
	}
	scan("stdout, stderr or the browser's argv", transcript.String())
	tokenCache := filepath.Join(e.home, ".aws", "sso", "cache")
	err := filepath.WalkDir(e.home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path, tokenCache) {
			return err
		}
		raw, err := os.ReadFile(path)
		if err == nil {
			scan(path, string(raw))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The control: the token cache does hold the sign-in, so the scan
	// would have seen it elsewhere.
	cached := 0
	entries, _ := os.ReadDir(tokenCache)
	for _, en := range entries {
		raw, _ := os.ReadFile(filepath.Join(tokenCache, en.Name()))
		for _, s := range secrets {
			if strings.Contains(string(raw), s) {
				cached++
			}
		}
	}
	if cached == 0 && len(entries) > 0 {
		t.Error("no issued secret is in the token cache either: the scan proves nothing")
	}
	t.Logf("%d secrets checked; %d found", len(secrets), found)
}

func TestFilePermissions(t *testing.T) {
	t.Parallel()
	e, _ := signedInEnv(t)
	e.run(t, ssopickBinary, "list")
	check := func(path string, want fs.FileMode) {
		t.Helper()
		info, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := info.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", path, got, want)
		}
	}
	cache := filepath.Join(e.home, ".aws", "sso", "cache")
	check(cache, 0o700)
	entries, _ := os.ReadDir(cache)
	for _, en := range entries {
		check(filepath.Join(cache, en.Name()), 0o600)
	}
	catalogues, _ := filepath.Glob(filepath.Join(e.home, ".cache", "ssopick", "catalogue-*"))
	if len(catalogues) == 0 {
		t.Fatal("no catalogue written")
	}
	for _, c := range catalogues {
		check(c, 0o600)
	}
}

// TestConcurrentProcessesRefreshOnce starts 20 ssopick processes on a token
// about to expire: they take turns under the lock, one refreshes, and the
// files stay valid.
func TestConcurrentProcessesRefreshOnce(t *testing.T) {
	t.Parallel()
	e, _ := signedInEnv(t)
	sess := aws.Session{Name: "acme", StartURL: e.srv.StartURL(), Region: e.srv.Region()}
	tc := aws.TokenCache{Dir: filepath.Join(e.home, ".aws", "sso", "cache")}
	tok, err := tc.LoadToken(sess)
	if err != nil {
		t.Fatal(err)
	}
	tok.ExpiresAt = time.Now().Add(5 * time.Minute) // inside the refresh window
	if err := tc.SaveToken(sess, tok); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, stderr, code := e.try(ssopickBinary, "list", "--refresh", "--json"); code != 0 {
				errs <- stderr
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if n := e.srv.Stats().Refreshes; n != 1 {
		t.Errorf("%d refreshes by 20 processes, want 1", n)
	}
	if got, err := tc.LoadToken(sess); err != nil || time.Until(got.ExpiresAt) < time.Hour {
		t.Errorf("token after the race: %v (expires %v)", err, got)
	}
	if cat, err := (aws.CatalogueCache{Dir: filepath.Join(e.home, ".cache", "ssopick")}).Load(sess); err != nil || len(cat.Rows) != e.srv.Organisation().RoleCount() {
		t.Errorf("catalogue after the race: %v", err)
	}
}

// TestKilledWritesLeaveWholeFiles kills ssopick with SIGKILL at random
// moments while it rewrites the catalogue and token: every file it leaves
// is the old one or the new one.
func TestKilledWritesLeaveWholeFiles(t *testing.T) {
	t.Parallel()
	e, _ := signedInEnv(t)
	sess := aws.Session{Name: "acme", StartURL: e.srv.StartURL(), Region: e.srv.Region()}
	tc := aws.TokenCache{Dir: filepath.Join(e.home, ".aws", "sso", "cache")}
	catalogues := aws.CatalogueCache{Dir: filepath.Join(e.home, ".cache", "ssopick")}
	kills := 60
	if testing.Short() {
		kills = 15
	}
	rng := rand.New(rand.NewPCG(1, 2))
	survived := 0
	for i := range kills {
		// Every other round the token must be refreshed, so its file is
		// rewritten too.
		if i%2 == 0 {
			tok, err := tc.LoadToken(sess)
			if err != nil {
				t.Fatalf("round %d: token file unreadable: %v", i, err)
			}
			tok.ExpiresAt = time.Now().Add(time.Minute)
			if err := tc.SaveToken(sess, tok); err != nil {
				t.Fatal(err)
			}
		}
		cmd := exec.Command(ssopickBinary, "list", "--refresh")
		cmd.Env = e.env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(120)) * time.Millisecond)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		if _, err := tc.LoadToken(sess); err != nil {
			t.Fatalf("after kill %d the token file is broken: %v", i, err)
		}
		if _, err := catalogues.Load(sess); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("after kill %d the catalogue is broken: %v", i, err)
		}
		raw, err := os.ReadFile(filepath.Join(e.home, ".cache", "ssopick", "catalogue-"+strings.TrimSuffix(filepath.Base(tc.TokenPath(sess)), ".json")+".tsv"))
		if err == nil && len(raw) > 0 {
			if _, err := catalogues.Load(sess); err != nil {
				t.Fatalf("after kill %d a partial catalogue was left: %v", i, err)
			}
		}
		survived++
	}
	t.Logf("%d SIGKILLs during writes, %d left whole files", kills, survived)
}

// TestSandboxGoneMidRun: with IAM Identity Center unreachable, the cached
// list still answers, a refresh falls back to it with a warning, and an
// action fails with one line; nothing on disk changes.
func TestSandboxGoneMidRun(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	e.run(t, ssopickBinary, "list")
	_ = e.srv.Close()
	before := snapshot(t, e.home)

	out, stderr, code := e.try(ssopickBinary, "list")
	if code != 0 || !strings.Contains(out, "acme-audit") {
		t.Errorf("cached list with the service gone: exit %d %s", code, stderr)
	}
	out, stderr, code = e.try(ssopickBinary, "list", "--refresh")
	if code != 0 || !strings.Contains(out, "acme-audit") || !strings.Contains(stderr, "Warning: could not refresh") {
		t.Errorf("refresh with the service gone: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = e.try(ssopickBinary, "console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--print-url")
	if code == 0 || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("console with the service gone: exit %d, stderr %q", code, stderr)
	}
	after := snapshot(t, e.home)
	if fmt.Sprint(before) != fmt.Sprint(after) {
		t.Error("files changed while the service was gone")
	}
}

// TestCtrlCCancelsSlowRequests: with every call taking 10 s, SIGINT ends
// ssopick at once, not when the call would have returned.
func TestCtrlCCancelsSlowRequests(t *testing.T) {
	t.Parallel()
	srv, err := sandbox.Start(sandbox.Options{Accounts: 5, AutoApprove: true, Latency: 10 * time.Second}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cmd := exec.Command(ssopickBinary, "login", "--use-device-code", "--no-browser", "--start-url", srv.StartURL(), "--sso-region", "us-east-1")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "AWS_ENDPOINT_URL_SSO_OIDC="+srv.URL(), "AWS_CONFIG_FILE=/nonexistent")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // the first call is in flight
	start := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	took := time.Since(start)
	if err == nil {
		t.Error("an interrupted login exited 0")
	}
	if took > 3*time.Second {
		t.Errorf("Ctrl-C took %v to end a 10 s call", took)
	}
	t.Logf("SIGINT to exit: %v", took)
}
