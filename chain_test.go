package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// chainedEnv is a signed-in sandbox whose config has the profile
// "chained": Deployer in another account, assumed from the audit profile's
// SSO role (ViewOnlyAccess in acme-audit).
func chainedEnv(t *testing.T) (e *binEnv, from, to sandboxAccount) {
	t.Helper()
	e, from = signedInEnv(t)
	a := e.srv.Organisation().Accounts[2]
	to = sandboxAccount{ID: a.ID, Name: a.Name}
	config := filepath.Join(e.home, ".aws", "config")
	raw, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	raw = append(raw, "\n[profile chained]\nrole_arn = arn:aws:iam::"+to.ID+":role/Deployer\nsource_profile = audit\nrole_session_name = ci\n"...)
	if err := os.WriteFile(config, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return e, from, to
}

func TestChainedProfileIsARowOfItsOwn(t *testing.T) {
	t.Parallel()
	e, from, to := chainedEnv(t)
	out := e.run(t, ssopickBinary, "list", "--max-age", "0")
	want := to.ID + "\t" + to.Name + "\tDeployer\tprofile:chained"
	if !strings.Contains(out, want+"\n") {
		t.Errorf("list lacks the chained row %q:\n%s", want, out)
	}
	out = e.run(t, ssopickBinary, "list", "--json", "Deployer")
	var rows []map[string]string
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) == 0 {
		t.Fatalf("list --json Deployer: %v\n%s", err, out)
	}
	if r := rows[0]; r["profile"] != "chained" || r["sourceAccountId"] != from.ID || r["sourceRoleName"] != "ViewOnlyAccess" || r["accountId"] != to.ID {
		t.Errorf("chained row in JSON: %v", r)
	}
}

func TestExecAsAChainedProfileAndWithAssume(t *testing.T) {
	t.Parallel()
	needBotocore(t)
	e, from, to := chainedEnv(t)
	identity := func(args ...string) string {
		t.Helper()
		out := e.run(t, ssopickBinary, append(args, "--", "python3", "-m", "awscli", "sts", "get-caller-identity", "--output", "json")...)
		var id struct{ Account, Arn string }
		if err := json.Unmarshal([]byte(out), &id); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		if id.Account != to.ID {
			t.Errorf("%v: account %s, want %s", args, id.Account, to.ID)
		}
		return id.Arn
	}
	if arn := identity("exec", "--profile", "chained"); arn != "arn:aws:sts::"+to.ID+":assumed-role/Deployer/ci" {
		t.Errorf("exec --profile chained is %s", arn)
	}
	arn := identity("exec", "-a", from.ID, "-r", "ViewOnlyAccess", "--assume", "arn:aws:iam::"+to.ID+":role/Deployer")
	if !strings.HasPrefix(arn, "arn:aws:sts::"+to.ID+":assumed-role/Deployer/ssopick-") {
		t.Errorf("exec --assume is %s", arn)
	}
	// An SSO profile works with --profile too.
	out := e.run(t, ssopickBinary, "env", "--profile", "audit")
	if !strings.Contains(out, from.ID) {
		t.Errorf("env --profile audit:\n%s", out)
	}
	if _, stderr, code := e.try(ssopickBinary, "exec", "--profile", "nope", "--", "true"); code != 1 || !strings.Contains(stderr, `there is no profile "nope"`) {
		t.Errorf("unknown profile: exit %d %s", code, stderr)
	}
	if _, stderr, code := e.try(ssopickBinary, "exec", "--profile", "chained", "-a", from.ID, "--", "true"); code == 0 || !strings.Contains(stderr, "not both") {
		t.Errorf("--profile with -a: exit %d %s", code, stderr)
	}
}

func TestConsoleLinkOfAChainedProfileSignsInAsTheAssumedRole(t *testing.T) {
	t.Parallel()
	e, _, to := chainedEnv(t)
	link := strings.TrimSpace(e.run(t, ssopickBinary, "console", "--profile", "chained", "--print-url"))
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	logins := e.srv.Stats().ConsoleLogins
	if len(logins) != 1 || logins[0].AccountID != to.ID || logins[0].RoleName != "Deployer" {
		t.Errorf("console logins %+v, want Deployer in %s", logins, to.ID)
	}
}

// credential-process with --assume answers as the assumed role, also when
// the role it starts from is in the role cache already (the cache-only
// path must not answer for a chain).
func TestCredentialProcessWithAssumeIsTheAssumedRole(t *testing.T) {
	t.Parallel()
	needBotocore(t)
	e, from, to := chainedEnv(t)
	e.env = append(e.env, "SSOPICK_CREDENTIAL_STORE=agent", "XDG_RUNTIME_DIR="+t.TempDir())
	config := filepath.Join(e.home, ".aws", "config")
	raw, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	process := func(extra string) string {
		return ssopickBinary + " credential-process -a " + from.ID + " -r ViewOnlyAccess" + extra
	}
	raw = append(raw, "\n[profile plain]\nregion = eu-west-1\ncredential_process = "+process("")+
		"\n\n[profile assumed]\nregion = eu-west-1\ncredential_process = "+process(" --assume arn:aws:iam::"+to.ID+":role/Deployer")+"\n"...)
	if err := os.WriteFile(config, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	arn := func(profile string) string {
		out := e.run(t, "python3", "-m", "awscli", "sts", "get-caller-identity", "--profile", profile, "--output", "json")
		var id struct{ Arn string }
		if err := json.Unmarshal([]byte(out), &id); err != nil {
			t.Fatalf("%s: %v\n%s", profile, err, out)
		}
		return id.Arn
	}
	arn("plain") // the SSO role's keys are in the role cache now
	if got := arn("assumed"); !strings.Contains(got, ":assumed-role/Deployer/") || !strings.Contains(got, to.ID) {
		t.Errorf("credential-process --assume answered as %s", got)
	}
}
