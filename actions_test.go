package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"

	"github.com/ssopick/ssopick/aws"
)

// signedInEnv is a binEnv after `ssopick login`.
func signedInEnv(t *testing.T) (*binEnv, sandboxAccount) {
	t.Helper()
	e := newBinEnv(t)
	e.run(t, ssopickBinary, "login", "--use-device-code", "--no-browser")
	a := e.srv.Organisation().Accounts[1] // acme-audit
	return e, sandboxAccount{ID: a.ID, Name: a.Name}
}

type sandboxAccount struct{ ID, Name string }

func TestConsoleOpensTheSandboxConsoleWithoutTheTokenInArgv(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not installed")
	}
	e, acct := signedInEnv(t)
	argvLog := filepath.Join(t.TempDir(), "argv")
	browser := filepath.Join(t.TempDir(), "browser")
	// A browser that records its argv and follows the link as a real one.
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" >> " + argvLog + "\nexec curl -sfL -o /dev/null \"$1\"\n"
	writeExecutable(t, browser, []byte(script))
	e.env = append(e.env, "BROWSER="+browser)
	_, stderr, code := e.try(ssopickBinary, "console", "-a", acct.Name, "-r", "ViewOnlyAccess", "--service", "s3", "--region", "eu-west-1")
	if code != 0 {
		t.Fatalf("console: exit %d: %s", code, stderr)
	}
	logins := e.srv.Stats().ConsoleLogins
	if len(logins) != 1 || logins[0].AccountID != acct.ID || logins[0].RoleName != "ViewOnlyAccess" ||
		logins[0].Destination != "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1" || logins[0].Issuer != "ssopick" {
		t.Fatalf("console logins %+v", logins)
	}
	argv, _ := os.ReadFile(argvLog)
	if !strings.HasPrefix(string(argv), "http://127.0.0.1:") || strings.Contains(string(argv), "SigninToken") || strings.Contains(string(argv), "federation") {
		t.Errorf("the browser's argv carries more than a loopback link: %q", argv)
	}

	// --print-url prints the sign-in URL and opens nothing.
	out := e.run(t, ssopickBinary, "console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--print-url")
	if !strings.Contains(out, "Action=login") || !strings.Contains(out, "SigninToken=") {
		t.Errorf("--print-url printed %q", out)
	}
	if _, stderr, code := e.try(ssopickBinary, "console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--destination", "https://evil.example/"); code == 0 || !strings.Contains(stderr, "--destination must be") {
		t.Errorf("foreign destination: exit %d %s", code, stderr)
	}
}

func TestExecPassesTheEnvironmentAndExitStatus(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	e.env = append(e.env, "AWS_PROFILE=should-be-removed", "AWS_SECURITY_TOKEN=stale")
	out, stderr, code := e.try(ssopickBinary, "exec", "-a", acct.ID, "-r", "ViewOnlyAccess", "--",
		"sh", "-c", `echo "$SSOPICK_ACCOUNT_NAME|$SSOPICK_ROLE_NAME|${AWS_PROFILE-unset}|${AWS_SECURITY_TOKEN-unset}|$AWS_REGION|${AWS_ACCESS_KEY_ID-unset}|${AWS_CONTAINER_CREDENTIALS_FULL_URI%%:*}"; exit 7`)
	if code != 7 {
		t.Fatalf("exit %d, want the command's 7: %s", code, stderr)
	}
	// Named by id with no list cached, the account is asked for directly
	// and goes by its id.
	if got := strings.TrimSpace(out); got != acct.ID+"|ViewOnlyAccess|unset|unset|us-east-1|unset|http" {
		t.Errorf("the command saw %q", got)
	}
	if calls := e.srv.Stats().Calls["ListAccounts"]; calls != 0 {
		t.Errorf("exec with an account id listed the organisation (%d ListAccounts calls)", calls)
	}
	// With a list cached, it goes by its name.
	e.run(t, ssopickBinary, "list")
	out = e.run(t, ssopickBinary, "exec", "-a", acct.ID, "-r", "ViewOnlyAccess", "--", "sh", "-c", `echo "$SSOPICK_ACCOUNT_NAME"`)
	if got := strings.TrimSpace(out); got != acct.Name {
		t.Errorf("with a list cached, SSOPICK_ACCOUNT_NAME is %q, want %q", got, acct.Name)
	}
	if stderr != "" {
		t.Errorf("a failing command's status is passed on quietly, but stderr has %q", stderr)
	}

	_, stderr, code = e.try(ssopickBinary, "exec", "-a", "acme-audti", "-r", "ViewOnlyAccess", "--", "true")
	if code == 0 || !strings.Contains(stderr, "closest: -a acme-audit -r ViewOnlyAccess") {
		t.Errorf("misspelt account: exit %d %q", code, stderr)
	}
}

func TestEnvOutputEvaluates(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	exports := e.run(t, ssopickBinary, "env", "-a", acct.Name, "-r", "ViewOnlyAccess")
	cmd := exec.Command("sh", "-c", `eval "$EXPORTS"; echo "${AWS_ACCESS_KEY_ID%${AWS_ACCESS_KEY_ID#????}}|$SSOPICK_ACCOUNT_ID|${AWS_PROFILE-unset}"`)
	cmd.Env = append(os.Environ(), "EXPORTS="+exports, "AWS_PROFILE=stale")
	out, err := cmd.CombinedOutput()
	if got := strings.TrimSpace(string(out)); err != nil || got != "ASIA|"+acct.ID+"|unset" {
		t.Errorf("eval of `ssopick env` gave %q (%v)", got, err)
	}
	if _, stderr, code := e.try(ssopickBinary, "env", "-a", acct.Name, "-r", "ViewOnlyAccess", "--format", "csh"); code == 0 || !strings.Contains(stderr, "unknown --format") {
		t.Errorf("unknown format: exit %d %q", code, stderr)
	}
}

func TestCredentialProcessFeedsTheSDKs(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	command := fmt.Sprintf("%s credential-process -a %s -r ViewOnlyAccess", ssopickBinary, acct.ID)

	// aws-sdk-go-v2's processcreds runs the command through a shell, here
	// with the test's environment rather than the process's.
	shell := processcreds.NewCommandBuilderFunc(func(ctx context.Context) (*exec.Cmd, error) {
		cmd := exec.CommandContext(ctx, "sh", "-c", command)
		cmd.Env = e.env
		return cmd, nil
	})
	creds, err := processcreds.NewProviderCommand(shell).Retrieve(context.Background())
	if err != nil {
		t.Fatalf("processcreds: %v", err)
	}
	if !strings.HasPrefix(creds.AccessKeyID, "ASIA") || creds.SessionToken == "" || time.Until(creds.Expires) < 30*time.Minute {
		t.Errorf("processcreds got %+v", creds.Expires)
	}

	// botocore's ProcessProvider, through the AWS CLI v1.
	t.Run("botocore", func(t *testing.T) {
		needBotocore(t)
		config := filepath.Join(e.home, ".aws", "config")
		f, err := os.OpenFile(config, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, "\n[profile viaprocess]\nregion = eu-west-1\ncredential_process = %s\n", command)
		f.Close()
		out := e.run(t, "python3", "-m", "awscli", "sts", "get-caller-identity", "--profile", "viaprocess", "--output", "text")
		if !strings.Contains(out, "arn:aws:sts::"+acct.ID+":assumed-role/AWSReservedSSO_ViewOnlyAccess_") {
			t.Errorf("botocore resolved %q", out)
		}
	})

	// Signed out: one line on stderr, non-zero, no prompt.
	e.run(t, ssopickBinary, "logout")
	out, stderr, code := e.try(ssopickBinary, "credential-process", "-a", acct.ID, "-r", "ViewOnlyAccess")
	if code == 0 || out != "" || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "ssopick login") {
		t.Errorf("signed out: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

func TestProfilesBlockIsIdempotentAndKeepsTheRest(t *testing.T) {
	t.Parallel()
	e, _ := signedInEnv(t)
	config := filepath.Join(e.home, ".aws", "config")
	before, _ := os.ReadFile(config)
	e.run(t, ssopickBinary, "profiles", "--write")
	first, _ := os.ReadFile(config)
	if !strings.HasPrefix(string(first), string(before)) {
		t.Fatal("bytes before the block changed")
	}
	_, stderr, _ := e.try(ssopickBinary, "profiles", "--write")
	second, _ := os.ReadFile(config)
	if string(second) != string(first) || !strings.Contains(stderr, "up to date") {
		t.Errorf("second write changed the file (%s)", stderr)
	}
	// Text after the block survives a rewrite with another style.
	tail := "\n[profile mine]\nregion = ap-south-1\n"
	if err := os.WriteFile(config, append(second, tail...), 0o600); err != nil {
		t.Fatal(err)
	}
	e.run(t, ssopickBinary, "profiles", "--write", "--style", "process")
	third, _ := os.ReadFile(config)
	if !strings.HasPrefix(string(third), string(before)) || !strings.HasSuffix(string(third), tail) || !strings.Contains(string(third), "credential_process = ") {
		t.Errorf("rewrite lost bytes outside the block:\n%s", third)
	}
	cf, err := aws.LoadConfig(config)
	if err != nil {
		t.Fatalf("the written config does not parse: %v", err)
	}
	if len(cf.Sessions()) != 1 {
		t.Errorf("sessions after writing profiles: %v", cf.Sessions())
	}
	if n := strings.Count(string(third), "[profile acme-audit.ViewOnlyAccess]"); n != 1 {
		t.Errorf("acme-audit.ViewOnlyAccess appears %d times", n)
	}
}

func TestShellInTmuxHoldsTheRole(t *testing.T) {
	t.Parallel()
	if out, err := exec.Command(awsCLIv2, "--version").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "aws-cli/2.") {
		t.Skip("the AWS CLI v2 is not at /usr/bin/aws (.ci/run installs it)")
	}
	e, acct := signedInEnv(t)
	s := newTmux(t, 160, 30)
	// The pane's shell gets the test's environment (sandbox endpoints).
	s.typeText("export " + strings.Join(quoteEach(e.env), " ") + " SHELL=/bin/sh PS1='ROLE$ ' PATH=" + filepath.Dir(ssopickBinary) + ":$PATH")
	s.send("Enter")
	s.typeText("ssopick shell -a " + acct.Name + " -r ViewOnlyAccess; echo EXIT=$?")
	s.send("Enter")
	s.waitFor("`exit` to leave", 10*time.Second)
	s.typeText("/usr/bin/aws sts get-caller-identity --endpoint-url $AWS_ENDPOINT_URL_STS --query Arn --output text")
	s.send("Enter")
	s.waitFor("arn:aws:sts::"+acct.ID+":assumed-role/AWSReservedSSO_ViewOnlyAccess_", 20*time.Second)
	s.typeText("ssopick shell -a " + acct.Name + " -r ViewOnlyAccess")
	s.send("Enter")
	s.waitFor("already holds ViewOnlyAccess", 10*time.Second)
	s.typeText("exit 4")
	s.send("Enter")
	s.waitFor("EXIT=4", 10*time.Second)
}

const awsCLIv2 = "/usr/bin/aws"

func quoteEach(env []string) []string {
	out := make([]string, len(env))
	for i, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		out[i] = k + "='" + strings.ReplaceAll(v, "'", `'\''`) + "'"
	}
	return out
}

func TestStatusForPrompts(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	e.env = append(e.env, "PATH="+filepath.Dir(ssopickBinary)+":"+os.Getenv("PATH"))
	out := e.run(t, ssopickBinary, "exec", "--static", "-a", acct.Name, "-r", "ViewOnlyAccess", "--", "ssopick", "status", "--short")
	if !regexp.MustCompile(`^ViewOnlyAccess@` + acct.Name + ` (59m|1h00m)\n$`).MatchString(out) {
		t.Errorf("status --short inside a role with static keys: %q", out)
	}
	// Keys ssopick serves and renews: "renewing" while it can.
	out = e.run(t, ssopickBinary, "exec", "-a", acct.Name, "-r", "ViewOnlyAccess", "--", "ssopick", "status", "--short")
	if out != "ViewOnlyAccess@"+acct.Name+" renewing\n" {
		t.Errorf("status --short inside a role with renewed keys: %q", out)
	}
	out, stderr, code := e.try(ssopickBinary, "status", "--short")
	if code != 1 || out != "" || stderr != "" {
		t.Errorf("status --short outside: exit %d %q %q", code, out, stderr)
	}
	e.env = append(e.env, "SSOPICK_ROLE_NAME=Admin", "SSOPICK_ACCOUNT_NAME=x", "AWS_CREDENTIAL_EXPIRATION=2020-01-01T00:00:00Z")
	if out, _, code := e.try(ssopickBinary, "status"); code != 1 || !strings.Contains(out, "expired") {
		t.Errorf("expired: exit %d %q", code, out)
	}
}

func TestStaleListAnswersAtOnceAndRefreshesInTheBackground(t *testing.T) {
	t.Parallel()
	e, _ := signedInEnv(t)
	e.run(t, ssopickBinary, "list")
	sess := aws.Session{Name: "acme", StartURL: e.srv.StartURL(), Region: e.srv.Region()}
	cache := aws.CatalogueCache{Dir: filepath.Join(e.home, ".cache", "ssopick")}
	cat, err := cache.Load(sess)
	if err != nil {
		t.Fatal(err)
	}
	cat.FetchedAt = time.Now().Add(-2 * time.Hour)
	cat.Rows = cat.Rows[1:] // the stale list lacks a row the service has
	if err := cache.Save(sess, cat); err != nil {
		t.Fatal(err)
	}
	out := e.run(t, ssopickBinary, "list")
	if got := strings.Count(out, "\n"); got != len(cat.Rows) {
		t.Errorf("the stale list was not what answered: %d rows, want %d", got, len(cat.Rows))
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		fresh, err := cache.Load(sess)
		if err == nil && time.Since(fresh.FetchedAt) < time.Minute && len(fresh.Rows) == e.srv.Organisation().RoleCount() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the background refresh did not update the cache (%v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
