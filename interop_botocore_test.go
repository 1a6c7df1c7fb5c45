package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/sandbox"
)

// These tests prove that ssopick and the AWS tool chain share one sign-in,
// in both directions, with the botocore and AWS CLI v1 that ship with the
// machine's Python (both honour AWS_ENDPOINT_URL_*). The CLI runs as
// `python3 -m awscli` so the v2 CLI at /usr/bin/aws cannot stand in for it.

// binEnv runs the built binary against a sandbox with a private HOME and
// an AWS config holding [sso-session acme] and [profile audit].
type binEnv struct {
	srv  *sandbox.Server
	home string
	env  []string
}

func newBinEnv(t *testing.T) *binEnv {
	t.Helper()
	return newBinEnvWith(t, sandbox.Options{Accounts: 12, AutoApprove: true})
}

// newBinEnvWith is newBinEnv over a sandbox with opts.
func newBinEnvWith(t *testing.T, opts sandbox.Options) *binEnv {
	t.Helper()
	srv, err := sandbox.Start(opts, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	home := t.TempDir()
	acct := srv.Organisation().Accounts[1]
	config := "[sso-session acme]\nsso_start_url = " + srv.StartURL() + "\nsso_region = " + srv.Region() +
		"\nsso_registration_scopes = sso:account:access\n\n[profile audit]\nsso_session = acme\nsso_account_id = " + acct.ID +
		"\nsso_role_name = ViewOnlyAccess\nregion = eu-west-1\n"
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return &binEnv{srv: srv, home: home, env: []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"AWS_ENDPOINT_URL_SSO_OIDC=" + srv.URL(),
		"AWS_ENDPOINT_URL_SSO=" + srv.URL(),
		"AWS_ENDPOINT_URL_STS=" + srv.URL(),
		"SSOPICK_FEDERATION_ENDPOINT=" + srv.URL() + "/federation",
	}}
}

// needBotocore skips where the machine's Python lacks botocore or the
// AWS CLI v1.
func needBotocore(t *testing.T) {
	t.Helper()
	if out, err := exec.Command("python3", "-c", "import botocore.tokens, botocore.utils, awscli").CombinedOutput(); err != nil {
		t.Skipf("python3 with botocore and the AWS CLI v1 is not available: %v %s", err, out)
	}
}

func (e *binEnv) run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, stderr, code := e.try(name, args...)
	if code != 0 {
		t.Fatalf("%s %s: exit %d\n%s%s", name, strings.Join(args, " "), code, out, stderr)
	}
	return out
}

// try runs a command and returns its stdout, stderr and exit status.
func (e *binEnv) try(name string, args ...string) (string, string, int) {
	cmd := exec.Command(name, args...)
	cmd.Env = e.env
	// A session of its own: no controlling terminal, as in CI, even when
	// the tests run from one (the picker would open /dev/tty).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		code = -1
		stderr.WriteString(err.Error())
	}
	return stdout.String(), stderr.String(), code
}

func TestAWSCLIUsesSsopicksSignIn(t *testing.T) {
	t.Parallel()
	needBotocore(t)
	e := newBinEnv(t)
	e.run(t, ssopickBinary, "login", "--use-device-code", "--no-browser")

	out := e.run(t, "python3", "-m", "awscli", "sts", "get-caller-identity", "--profile", "audit", "--output", "json")
	var id struct{ Arn string }
	if err := json.Unmarshal([]byte(out), &id); err != nil {
		t.Fatalf("aws printed %s", out)
	}
	acct := e.srv.Organisation().Accounts[1]
	if !strings.HasPrefix(id.Arn, "arn:aws:sts::"+acct.ID+":assumed-role/AWSReservedSSO_ViewOnlyAccess_") {
		t.Errorf("Arn %s", id.Arn)
	}
	if st := e.srv.Stats(); st.Logins != 1 || st.Calls["GetRoleCredentials"] != 1 {
		t.Errorf("logins %d, GetRoleCredentials %d: the AWS CLI should reuse ssopick's one sign-in", st.Logins, st.Calls["GetRoleCredentials"])
	}
}

// botocoreWriter writes a token file exactly as `aws sso login` does:
// botocore's JSONFileCache with its SSO JSON encoder, keyed by sha1 of the
// session name, with expiresAt a datetime.
const botocoreWriter = `
import datetime, hashlib, json, os, sys
from botocore.tokens import _sso_json_dumps
from botocore.utils import JSONFileCache
tok = json.load(sys.stdin)
now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
cache = JSONFileCache(os.path.expanduser("~/.aws/sso/cache"), dumps_func=_sso_json_dumps)
cache[hashlib.sha1(b"acme").hexdigest()] = {
    "startUrl": tok["startUrl"], "region": tok["region"], "accessToken": tok["accessToken"],
    "expiresAt": now + datetime.timedelta(hours=8),
    "clientId": tok["clientId"], "clientSecret": tok["clientSecret"],
    "registrationExpiresAt": now + datetime.timedelta(days=90),
    "refreshToken": tok["refreshToken"],
}
`

func TestSsopickUsesBotocoresToken(t *testing.T) {
	t.Parallel()
	needBotocore(t)
	e := newBinEnv(t)
	// Sign in once outside ssopick's cache to obtain a real token...
	s := aws.Session{Name: "acme", StartURL: e.srv.StartURL(), Region: e.srv.Region()}
	scratch := t.TempDir()
	conn := aws.Connect(s, aws.Environment{
		Getenv: func(k string) string { return map[string]string{"AWS_ENDPOINT_URL_SSO_OIDC": e.srv.URL()}[k] },
		Paths: aws.Paths{AWSConfig: filepath.Join(scratch, "none"), AWSCredentials: filepath.Join(scratch, "none"),
			SSOCache: scratch, Cache: scratch},
	})
	tok, err := conn.Auth.SignInWithDeviceCode(context.Background(), func(aws.DeviceCode) {})
	if err != nil {
		t.Fatal(err)
	}
	// ...and have botocore write it where `aws sso login` would.
	in, _ := json.Marshal(map[string]string{
		"startUrl": tok.StartURL, "region": tok.Region, "accessToken": tok.AccessToken,
		"clientId": tok.ClientID, "clientSecret": tok.ClientSecret, "refreshToken": tok.RefreshToken,
	})
	writer := exec.Command("python3", "-c", botocoreWriter)
	writer.Env = e.env
	writer.Stdin = strings.NewReader(string(in))
	if out, err := writer.CombinedOutput(); err != nil {
		t.Fatalf("botocore writer: %v\n%s", err, out)
	}

	out := e.run(t, ssopickBinary, "list", "--json", "--sso-session", "acme")
	var rows []aws.Row
	if err := json.Unmarshal([]byte(out), &rows); err != nil || len(rows) != e.srv.Organisation().RoleCount() {
		t.Fatalf("ssopick list with botocore's token: %v\n%s", err, out)
	}
	if st := e.srv.Stats(); st.Logins != 1 {
		t.Errorf("%d sign-ins: ssopick should have used botocore's token", st.Logins)
	}
}
