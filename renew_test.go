package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ssopick/ssopick/sandbox"
)

// The test binary is also a Go program that asks STS who it is with
// aws-sdk-go-v2's default credential chain, when the environment asks.
func init() {
	if os.Getenv("SSOPICK_TEST_CALLER_IDENTITY") == "" {
		return
	}
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err == nil {
		var out *sts.GetCallerIdentityOutput
		if out, err = sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err == nil {
			fmt.Println(*out.Arn)
			os.Exit(0)
		}
	}
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// Role credentials that live 20 seconds: a shell or command outlives them
// because ssopick serves and renews them.
func TestCredentialsOutliveTheirLife(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/usr/bin/aws"); err != nil {
		t.Skip("the AWS CLI v2 is not installed (.ci/run installs it)")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, ask string }{
		{"AWS CLI", `/usr/bin/aws sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --query Arn --output text`},
		{"aws-sdk-go-v2", "SSOPICK_TEST_CALLER_IDENTITY=1 " + self},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newBinEnvWith(t, sandbox.Options{Accounts: 4, AutoApprove: true, CredentialLifetime: 20 * time.Second})
			e.run(t, ssopickBinary, "login", "--use-device-code", "--no-browser")
			acct := e.srv.Organisation().Accounts[1]
			script := fmt.Sprintf("%s && sleep 25 && %s", tc.ask, tc.ask)
			out := e.run(t, ssopickBinary, "exec", "-a", acct.ID, "-r", "ViewOnlyAccess", "--", "sh", "-c", script)
			arns := strings.Fields(out)
			want := "arn:aws:sts::" + acct.ID + ":assumed-role/AWSReservedSSO_ViewOnlyAccess_"
			if len(arns) != 2 || !strings.HasPrefix(arns[0], want) || !strings.HasPrefix(arns[1], want) {
				t.Fatalf("two calls 25 s apart with 20 s credentials: %q", out)
			}
			if n := e.srv.Stats().Calls["GetRoleCredentials"]; n < 2 {
				t.Errorf("%d GetRoleCredentials calls: the credentials were not renewed", n)
			}
			// With --static the keys are the first ones, and they expire.
			cmd := exec.Command(ssopickBinary, "exec", "--static", "-a", acct.ID, "-r", "ViewOnlyAccess", "--", "sh", "-c", "sleep 21 && "+tc.ask)
			cmd.Env = e.env
			if out, err := cmd.CombinedOutput(); err == nil {
				t.Errorf("static keys 21 s old still worked: %s", out)
			}
		})
	}
}

func TestShellInTmuxOutlivesItsCredentials(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/usr/bin/aws"); err != nil {
		t.Skip("the AWS CLI v2 is not installed (.ci/run installs it)")
	}
	e := newBinEnvWith(t, sandbox.Options{Accounts: 4, AutoApprove: true, CredentialLifetime: 20 * time.Second})
	e.run(t, ssopickBinary, "login", "--use-device-code", "--no-browser")
	acct := e.srv.Organisation().Accounts[1]
	s := newTmux(t, 200, 30)
	var assign strings.Builder
	for _, kv := range e.env {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&assign, "%s='%s' ", k, strings.ReplaceAll(v, "'", `'\''`))
	}
	s.typeText("env " + assign.String() + "SHELL=/bin/sh " + ssopickBinary + " shell -a " + acct.ID + " -r ViewOnlyAccess")
	s.send("Enter")
	s.waitFor("`exit` to leave", 15*time.Second)
	ask := `/usr/bin/aws sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --query Account --output text | sed 's/^/%s-/'`
	s.typeText(fmt.Sprintf(ask, "FIRST"))
	s.send("Enter")
	s.waitFor("FIRST-"+acct.ID, 20*time.Second)
	s.typeText("sleep 25; " + fmt.Sprintf(ask, "SECOND"))
	s.send("Enter")
	s.waitFor("SECOND-"+acct.ID, 60*time.Second)
}

func TestWarnsBeforeTheSignInEnds(t *testing.T) {
	t.Parallel()
	// A sign-in without a refresh token (an ad-hoc --start-url session)
	// that has nine minutes left: it cannot be extended but by a sign-in.
	e := newBinEnvWith(t, sandbox.Options{Accounts: 4, AutoApprove: true, TokenLifetime: 9 * time.Minute})
	adhoc := []string{"--start-url", e.srv.StartURL(), "--sso-region", e.srv.Region()}
	e.run(t, ssopickBinary, append([]string{"login", "--use-device-code", "--no-browser"}, adhoc...)...)
	acct := e.srv.Organisation().Accounts[1]
	args := append(append([]string{"exec"}, adhoc...), "-a", acct.ID, "-r", "ViewOnlyAccess", "--", "sh", "-c", "sleep 1")
	_, stderr, code := e.try(ssopickBinary, args...)
	if code != 0 || !strings.Contains(stderr, "ends at") || !strings.Contains(stderr, "run `ssopick login` (in any terminal) to extend it") || strings.Count(stderr, "ends at") != 1 {
		t.Errorf("exec near the end of a sign-in: exit %d, stderr %q; want one warning line", code, stderr)
	}
}
