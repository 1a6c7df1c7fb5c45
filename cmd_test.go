package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/sandbox"
)

// testEnv is a factory over a temporary home, pointed at a sandbox through
// the standard endpoint variables. They are handed to the factory, never
// set on the process, so tests run side by side.
type testEnv struct {
	f        *factory
	srv      *sandbox.Server
	out, err *bytes.Buffer
	home     string
	// vars are the environment variables the factory sees over the
	// process's; a test may change them between commands.
	vars map[string]string
}

func newTestEnv(t *testing.T, opts sandbox.Options) *testEnv {
	t.Helper()
	srv, err := sandbox.Start(opts, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	home := t.TempDir()
	vars := map[string]string{
		"HOME":                        home,
		"AWS_CONFIG_FILE":             filepath.Join(home, ".aws", "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(home, ".aws", "credentials"),
		"AWS_ENDPOINT_URL_SSO_OIDC":   srv.URL(),
		"AWS_ENDPOINT_URL_SSO":        srv.URL(),
		"AWS_ENDPOINT_URL_STS":        srv.URL(),
		"AWS_PROFILE":                 "",
		"SSOPICK_SSO_SESSION":         "",
		"SSOPICK_ACCOUNT_ID":          "",
		"XDG_CACHE_HOME":              filepath.Join(home, ".cache"),
		"XDG_STATE_HOME":              filepath.Join(home, ".local", "state"),
		"XDG_CONFIG_HOME":             filepath.Join(home, ".config"),
		"BROWSER":                     "",
		// In process, os.Executable is the test binary: it must not be
		// started as a credential agent.
		"SSOPICK_CREDENTIAL_STORE": "none",
	}
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	config := "[sso-session acme]\nsso_start_url = " + srv.StartURL() + "\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
	if err := os.WriteFile(vars["AWS_CONFIG_FILE"], []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	f := &factory{IO: IO{In: strings.NewReader(""), Out: out, ErrOut: errOut}, Getenv: os.Getenv, Environ: os.Environ}
	f.setVars(vars)
	f.Paths = aws.DefaultPaths(f.Getenv, home)
	return &testEnv{f: f, srv: srv, out: out, err: errOut, home: home, vars: vars}
}

func (e *testEnv) run(t *testing.T, args ...string) error {
	t.Helper()
	e.out.Reset()
	e.err.Reset()
	cmd := newRootCmd(e.f)
	cmd.SetArgs(args)
	return cmd.ExecuteContext(context.Background())
}

func TestHelpListsEveryCommandWithAnExample(t *testing.T) {
	t.Parallel()
	root := newRootCmd(&factory{IO: IO{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, Getenv: os.Getenv})
	var help bytes.Buffer
	root.SetOut(&help)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	examples := root.Example
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		if !strings.Contains(examples, "ssopick "+c.Name()) {
			t.Errorf("the root's examples do not show %s", c.Name())
		}
		if !strings.Contains(help.String(), c.Name()) || c.Short == "" || c.Example == "" {
			t.Errorf("%s: listed=%v short=%q example=%q", c.Name(), strings.Contains(help.String(), c.Name()), c.Short, c.Example)
		}
	}
}

func TestLoginListLogoutWithDeviceCode(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, sandbox.Options{Accounts: 30, AutoApprove: true})
	if err := e.run(t, "login", "--use-device-code", "--no-browser"); err != nil {
		t.Fatalf("login: %v\n%s", err, e.err)
	}
	if !strings.Contains(e.err.String(), "Signed in to acme") {
		t.Errorf("login said %q", e.err)
	}
	if err := e.run(t, "login"); err != nil || !strings.Contains(e.err.String(), "Already signed in") {
		t.Errorf("second login: %v %q", err, e.err)
	}

	if err := e.run(t, "list", "--json"); err != nil {
		t.Fatalf("list: %v\n%s", err, e.err)
	}
	var rows []aws.Row
	if err := json.Unmarshal(e.out.Bytes(), &rows); err != nil {
		t.Fatalf("list --json printed %s: %v", e.out, err)
	}
	org := e.srv.Organisation()
	if len(rows) != org.RoleCount() {
		t.Fatalf("%d rows, want %d", len(rows), org.RoleCount())
	}
	for _, r := range rows {
		if !org.HasRole(r.AccountID, r.RoleName) || r.Session != "acme" || r.AccountName == "" || r.Email == "" {
			t.Fatalf("bad row %+v", r)
		}
	}

	// A second list answers from the cache: no portal call.
	before := e.srv.Stats().Calls["ListAccounts"]
	if err := e.run(t, "list"); err != nil {
		t.Fatal(err)
	}
	if after := e.srv.Stats().Calls["ListAccounts"]; after != before {
		t.Errorf("cached list made %d ListAccounts calls", after-before)
	}
	lines := strings.Split(strings.TrimSpace(e.out.String()), "\n")
	if len(lines) != len(rows) || len(strings.Split(lines[0], "\t")) != 3 {
		t.Errorf("piped list printed %d lines like %q, want %d tab-separated id/name/role lines", len(lines), lines[0], len(rows))
	}

	tokenFile := e.f.Paths.TokenCache().TokenPath(aws.Session{Name: "acme"})
	if _, err := os.Stat(tokenFile); err != nil {
		t.Fatalf("token file: %v", err)
	}
	if err := e.run(t, "logout"); err != nil {
		t.Fatalf("logout: %v", err)
	}
	if _, err := os.Stat(tokenFile); !os.IsNotExist(err) {
		t.Errorf("token file still there after logout: %v", err)
	}
	if err := e.run(t, "list", "--refresh"); err == nil || !strings.Contains(err.Error(), "ssopick login") {
		t.Errorf("list after logout with no terminal: %v, want advice to run ssopick login", err)
	}
}

func TestLoginWithBrowserPKCE(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, sandbox.Options{})
	// The "browser" follows the authorize redirect back to ssopick's
	// loopback listener, as a real one would.
	e.vars["BROWSER"] = "curl -sfL -o /dev/null"
	if err := e.run(t, "login"); err != nil {
		t.Fatalf("login: %v\n%s", err, e.err)
	}
	if st := e.srv.Stats(); st.Logins != 1 || st.Calls["Authorize"] != 1 {
		t.Errorf("stats %+v", st)
	}
	tok, err := e.f.Paths.TokenCache().LoadToken(aws.Session{Name: "acme"})
	if err != nil || tok.RefreshToken == "" {
		t.Fatalf("token after PKCE login: %+v %v", tok, err)
	}
}

func TestDemoSignsInAndListsEveryRole(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, sandbox.Options{})
	if err := e.run(t, "demo", "--accounts", "25"); err != nil {
		t.Fatalf("demo: %v\n%s", err, e.err)
	}
	want := sandbox.NewOrganisation(25, 1).RoleCount() + 1 // and the demo's chained profile
	if got := len(strings.Split(strings.TrimSpace(e.out.String()), "\n")); got != want {
		t.Errorf("demo listed %d rows, want %d", got, want)
	}
	if !strings.Contains(e.err.String(), "Signed in to ssopick-demo") {
		t.Errorf("demo output: %s", e.err)
	}
	// The demo never touches the real home's AWS files.
	if _, err := os.Stat(filepath.Join(e.home, ".aws", "sso")); !os.IsNotExist(err) {
		t.Errorf("demo wrote to ~/.aws/sso: %v", err)
	}
}

func TestSessionSelectionErrors(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, sandbox.Options{})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"list", "--sso-session", "nope"}, `the SSO session "nope"`},
		{[]string{"list", "--start-url", "https://x.awsapps.com/start"}, "--start-url and --sso-region go together"},
		{[]string{"list", "--start-url", "not a url", "--sso-region", "us-east-1"}, "is not a URL"},
	} {
		err := e.run(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
	if err := os.Remove(e.f.Paths.AWSConfig); err != nil {
		t.Fatal(err)
	}
	if err := e.run(t, "list"); err == nil || !strings.Contains(err.Error(), "aws configure sso-session") {
		t.Errorf("no config: %v", err)
	}
}

func TestListQueryRanksWithTheFuzzyMatcher(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, sandbox.Options{Accounts: 40, AutoApprove: true})
	if err := e.run(t, "login", "--use-device-code", "--no-browser"); err != nil {
		t.Fatal(err)
	}
	if err := e.run(t, "list", "audit", "view"); err != nil {
		t.Fatalf("list audit view: %v", err)
	}
	first := strings.Split(strings.Split(e.out.String(), "\n")[0], "\t")
	if len(first) != 3 || first[1] != "acme-audit" || first[2] != "ViewOnlyAccess" {
		t.Errorf("first row %q, want acme-audit ViewOnlyAccess", first)
	}
	err := e.run(t, "list", "zzzzqqq")
	if err == nil || !strings.Contains(err.Error(), `no account or role matches "zzzzqqq"`) || exitCode(err) != 1 {
		t.Errorf("query matching nothing: %v", err)
	}
}

func TestShellsOwnSessionVariableDoesNotSelect(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, sandbox.Options{Accounts: 5, AutoApprove: true})
	if err := e.run(t, "login", "--use-device-code", "--no-browser"); err != nil {
		t.Fatal(err)
	}
	// As inside an ssopick shell for an ad-hoc session.
	e.vars["SSOPICK_SSO_SESSION"] = "https://other.awsapps.com/start"
	e.vars["SSOPICK_ACCOUNT_ID"] = "111122223333"
	if err := e.run(t, "list"); err != nil {
		t.Errorf("list inside an ssopick shell: %v", err)
	}
	e.vars["SSOPICK_ACCOUNT_ID"] = ""
	if err := e.run(t, "list"); err == nil {
		t.Error("a SSOPICK_SSO_SESSION set by the person was ignored")
	}
}
