package main

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/sandbox"
)

// The environments people really have, end to end with the built binary:
// each ends with the job done or one sentence with the way forward.

func TestRevokedSignInLoginSignsInAgain(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	e.srv.RevokeSessions() // signed out of the portal, or an administrator ended it

	_, stderr, code := e.try(ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess")
	if code == 0 || !strings.Contains(stderr, "no longer accepts the sign-in") && !strings.Contains(stderr, "revoked") || !strings.Contains(stderr, "ssopick login") {
		t.Errorf("credential-process after a revocation: exit %d %q", code, stderr)
	}
	logins := e.srv.Stats().Logins
	_, stderr, code = e.try(ssopickBinary, "login", "--use-device-code", "--no-browser")
	if code != 0 || strings.Contains(stderr, "Already signed in") || !strings.Contains(stderr, "Signed in to acme") {
		t.Fatalf("login after a revocation: exit %d %q", code, stderr)
	}
	if e.srv.Stats().Logins != logins+1 {
		t.Errorf("login did not sign in again")
	}
	e.run(t, ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess")
	// Still accepted: the next login says so, checked with the service.
	if _, stderr, code := e.try(ssopickBinary, "login"); code != 0 || !strings.Contains(stderr, "Already signed in") || !strings.Contains(stderr, "--force") {
		t.Errorf("login while signed in: exit %d %q", code, stderr)
	}
}

func TestRestartedServiceLoginRecovers(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	e.srv.Restart() // clients, tokens and sessions forgotten
	registrations := e.srv.Stats().Calls["RegisterClient"]

	// The device flow: the forgotten client is registered again.
	if _, stderr, code := e.try(ssopickBinary, "login", "--use-device-code", "--no-browser"); code != 0 || !strings.Contains(stderr, "Signed in to acme") {
		t.Fatalf("device login after a restart: exit %d %q", code, stderr)
	}
	if got := e.srv.Stats().Calls["RegisterClient"]; got != registrations+1 {
		t.Errorf("%d new registrations, want 1", got-registrations)
	}
	e.run(t, ssopickBinary, "exec", "-a", acct.ID, "-r", "ViewOnlyAccess", "--", "true")

	// The browser flow: a cached client the service forgot is replaced
	// before the browser is sent to /authorize with it.
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (.ci/run installs it)")
	}
	e.run(t, ssopickBinary, "login", "--force") // registers a browser-flow client (the "browser" below)
	e.srv.Restart()
	registrations = e.srv.Stats().Calls["RegisterClient"]
	env := append(e.env, "BROWSER=curl -sfL -o /dev/null")
	cmd := exec.Command(ssopickBinary, "login", "--force")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signed in to acme") {
		t.Fatalf("browser login after a restart: %v\n%s", err, out)
	}
	if got := e.srv.Stats().Calls["RegisterClient"]; got != registrations+1 {
		t.Errorf("%d new registrations after the restart, want 1", got-registrations)
	}
}

// proxiedEnv points a binEnv at the sandbox through a TLS-inspecting
// proxy whose CA only AWS_CA_BUNDLE names: endpoints are https:// names
// that only the proxy resolves.
func proxiedEnv(t *testing.T, e *binEnv) (*sandbox.InspectingProxy, []string) {
	t.Helper()
	proxy, err := sandbox.StartInspectingProxy(strings.TrimPrefix(e.srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = proxy.Close() })
	ca := filepath.Join(t.TempDir(), "corporate-ca.pem")
	if err := proxy.WriteCA(ca); err != nil {
		t.Fatal(err)
	}
	return proxy, append(e.env,
		"HTTPS_PROXY="+proxy.URL(),
		"AWS_CA_BUNDLE="+ca,
		"AWS_ENDPOINT_URL_SSO_OIDC=https://oidc.sandbox.test",
		"AWS_ENDPOINT_URL_SSO=https://portal.sandbox.test",
		"AWS_ENDPOINT_URL_STS=https://sts.sandbox.test",
		"SSOPICK_FEDERATION_ENDPOINT=https://signin.sandbox.test/federation",
	)
}

func TestTLSInspectingProxyWithCABundle(t *testing.T) {
	t.Parallel()
	for _, debug := range []bool{false, true} {
		name := "quiet"
		if debug {
			name = "SSOPICK_DEBUG=1"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newBinEnv(t)
			proxy, env := proxiedEnv(t, e)
			if debug {
				env = append(env, "SSOPICK_DEBUG=1")
			}
			e.env = env
			acct := e.srv.Organisation().Accounts[1]
			e.run(t, ssopickBinary, "login", "--use-device-code", "--no-browser")
			var rows []aws.Row
			if err := json.Unmarshal([]byte(e.run(t, ssopickBinary, "list", "--json")), &rows); err != nil || len(rows) != e.srv.Organisation().RoleCount() {
				t.Fatalf("list through the proxy: %d rows, %v", len(rows), err)
			}
			var creds struct{ Version int }
			if err := json.Unmarshal([]byte(e.run(t, ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess")), &creds); err != nil || creds.Version != 1 {
				t.Fatalf("credential-process through the proxy: %+v %v", creds, err)
			}
			link := e.run(t, ssopickBinary, "console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--print-url")
			if !strings.HasPrefix(link, "https://signin.sandbox.test/federation?Action=login") {
				t.Errorf("console link through the proxy: %q", link)
			}
			if proxy.Requests() < 5 {
				t.Errorf("only %d requests went through the proxy", proxy.Requests())
			}
		})
	}
	t.Run("without the CA", func(t *testing.T) {
		t.Parallel()
		e := newBinEnv(t)
		_, env := proxiedEnv(t, e)
		e.env = append(env, "AWS_CA_BUNDLE=")
		_, stderr, code := e.try(ssopickBinary, "login", "--use-device-code", "--no-browser")
		if code == 0 || !strings.Contains(stderr, "AWS_CA_BUNDLE") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("an untrusted proxy: exit %d %q, want one line naming AWS_CA_BUNDLE", code, stderr)
		}
		t.Logf("untrusted proxy: %s", stderr)
	})
}

func TestColdListingsSurviveConnectionResets(t *testing.T) {
	t.Parallel()
	srv, err := sandbox.Start(sandbox.Options{Accounts: 150, AutoApprove: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	e := newBinEnv(t)
	e.srv = srv
	flaky, err := sandbox.StartFlakyProxy(strings.TrimPrefix(srv.URL(), "http://"), 0.05, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = flaky.Close() })
	config := "[sso-session acme]\nsso_start_url = " + srv.StartURL() + "\nsso_region = " + srv.Region() + "\n"
	if err := os.WriteFile(filepath.Join(e.home, ".aws", "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	e.env = append(e.env, "AWS_ENDPOINT_URL_SSO_OIDC="+srv.URL(), "AWS_ENDPOINT_URL_SSO="+flaky.URL())
	e.run(t, ssopickBinary, "login", "--use-device-code", "--no-browser")
	for i := range 3 {
		var rows []aws.Row
		out := e.run(t, ssopickBinary, "list", "--refresh", "--json")
		if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != srv.Organisation().RoleCount() {
			t.Fatalf("cold listing %d through resets: %d rows (want %d), %v", i+1, len(rows), srv.Organisation().RoleCount(), err)
		}
	}
	if flaky.Resets() == 0 {
		t.Error("the proxy reset no connection: the test proves nothing")
	}
	t.Logf("%d requests reset, every row listed each time", flaky.Resets())
}

func TestUnreachableAndCaptivePortalSayWhatToDo(t *testing.T) {
	t.Parallel()
	e, _ := signedInEnv(t)
	portal, err := sandbox.StartCaptivePortal()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = portal.Close() })
	for _, tc := range []struct {
		name, endpoint, want string
	}{
		{"captive portal", portal.URL(), "answered with a web page instead of AWS"},
		{"unknown host", "https://portal.nowhere.invalid", "portal.nowhere.invalid cannot be found (DNS)"},
		{"nothing listening", "http://127.0.0.1:9", "127.0.0.1 refused the connection"},
	} {
		env := append(append([]string{}, e.env...), "AWS_ENDPOINT_URL_SSO="+tc.endpoint)
		cmd := exec.Command(ssopickBinary, "list", "--refresh")
		cmd.Env = env
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		msg := strings.TrimSpace(stderr.String())
		if err == nil || !strings.Contains(msg, tc.want) || strings.Contains(msg, "StatusCode") || strings.Count(msg, "\n") != 0 {
			t.Errorf("%s: %v, stderr %q; want one line containing %q", tc.name, err, msg, tc.want)
		}
		t.Logf("%s: %s", tc.name, msg)
	}
}

func TestNoBrowserLoginShowsTheURL(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed (.ci/run installs it)")
	}
	e := newBinEnv(t)
	cmd := exec.Command(ssopickBinary, "login")
	cmd.Env = append(e.env, "BROWSER=false")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var said strings.Builder
	lines := bufio.NewScanner(stderr)
	var url string
	for lines.Scan() {
		said.WriteString(lines.Text() + "\n")
		if strings.HasPrefix(lines.Text(), "http") && strings.Contains(lines.Text(), "/authorize?") {
			url = lines.Text()
		}
		if strings.HasPrefix(lines.Text(), "Waiting") {
			break
		}
	}
	if url == "" || !strings.Contains(said.String(), "Could not open a browser") {
		t.Fatalf("BROWSER=false: no URL or no word of the failed browser:\n%s", said.String())
	}
	// The person opens the URL by hand, in a browser on this machine.
	if out, err := exec.Command("curl", "-sfL", "-o", "/dev/null", url).CombinedOutput(); err != nil {
		t.Fatalf("opening the printed URL: %v %s", err, out)
	}
	done := make(chan error, 1)
	go func() {
		for lines.Scan() {
			said.WriteString(lines.Text() + "\n")
		}
		done <- cmd.Wait()
	}()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(said.String(), "Signed in to acme") {
			t.Errorf("login after opening the URL by hand: %v\n%s", err, said.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("login still waiting after the URL was opened:\n%s", said.String())
	}
}

func TestCredentialProcessWithoutAListAsksDirectly(t *testing.T) {
	t.Parallel()
	srv, err := sandbox.Start(sandbox.Options{Accounts: 300, ThrottleRPS: 5, AutoApprove: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	e := newBinEnv(t)
	e.srv = srv
	config := "[sso-session acme]\nsso_start_url = " + srv.StartURL() + "\nsso_region = " + srv.Region() + "\n"
	if err := os.WriteFile(filepath.Join(e.home, ".aws", "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	e.env = append(e.env, "AWS_ENDPOINT_URL_SSO_OIDC="+srv.URL(), "AWS_ENDPOINT_URL_SSO="+srv.URL())
	e.run(t, ssopickBinary, "login", "--use-device-code", "--no-browser")
	start := time.Now()
	acct := srv.Organisation().Accounts[7]
	out := e.run(t, ssopickBinary, "credential-process", "-a", acct.ID, "-r", acct.Roles[0])
	if !strings.Contains(out, `"Version": 1`) && !strings.Contains(out, `"Version":1`) {
		t.Fatalf("credential-process printed %q", out)
	}
	// Listing 300 accounts at 5 requests/s would take a minute; an account
	// id needs no list at all.
	if calls := srv.Stats().Calls["ListAccounts"] + srv.Stats().Calls["ListAccountRoles"]; calls != 0 {
		t.Errorf("credential-process made %d listing calls, want none", calls)
	}
	t.Logf("credential-process with no cached list: %v", time.Since(start).Round(time.Millisecond))
}

func TestUnwritableCacheStillLists(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	// A cache directory that cannot be created (a file is in its way):
	// what a read-only or full disk looks like, also to root.
	blocker := filepath.Join(e.home, "not-a-directory")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	e.env = append(e.env, "XDG_CACHE_HOME="+blocker)
	for range 2 {
		out, stderr, code := e.try(ssopickBinary, "list", "--json")
		var rows []aws.Row
		if err := json.Unmarshal([]byte(out), &rows); code != 0 || err != nil || len(rows) != e.srv.Organisation().RoleCount() {
			t.Fatalf("list with an unwritable cache: exit %d, %d rows, %v\n%s", code, len(rows), err, stderr)
		}
		if !strings.Contains(stderr, "could not cache the list of acme") {
			t.Errorf("no warning about the cache: %q", stderr)
		}
	}
	e.run(t, ssopickBinary, "exec", "-a", acct.Name, "-r", "ViewOnlyAccess", "--", "true")
	e.run(t, ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess")
}
