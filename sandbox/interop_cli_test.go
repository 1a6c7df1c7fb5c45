package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// awsCLIv2 is where Debian's awscli package puts the AWS CLI v2. The `aws`
// first on PATH on these machines is often the v1 CLI of the machine's
// Python, so the path is explicit.
const awsCLIv2 = "/usr/bin/aws"

// TestAWSCLIv2Interop runs the real AWS CLI v2 against the sandbox with
// --endpoint-url, through the whole chain: register, device authorization,
// token (pending, then issued after the verification URL is visited),
// listing, role credentials and STS with the issued keys.
func TestAWSCLIv2Interop(t *testing.T) {
	out, err := exec.Command(awsCLIv2, "--version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "aws-cli/2.") {
		t.Skipf("the AWS CLI v2 is not at %s (install Debian's awscli package; .ci/run does): %v %s", awsCLIv2, err, out)
	}
	srv, err := Start(Options{Accounts: 30}, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })

	dir := t.TempDir()
	env := []string{
		"HOME=" + dir,
		"PATH=" + os.Getenv("PATH"),
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"),
		"AWS_REGION=" + srv.Region(),
		"AWS_PAGER=",
	}
	run := func(extraEnv []string, args ...string) (map[string]any, string, error) {
		t.Helper()
		args = append(args, "--endpoint-url", srv.URL(), "--output", "json")
		cmd := exec.Command(awsCLIv2, args...)
		cmd.Env = append(append([]string(nil), env...), extraEnv...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var body map[string]any
		if err == nil && stdout.Len() > 0 {
			if jerr := json.Unmarshal(stdout.Bytes(), &body); jerr != nil {
				t.Fatalf("aws %s printed %s: %v", strings.Join(args[:2], " "), stdout.String(), jerr)
			}
		}
		return body, stderr.String(), err
	}
	must := func(extraEnv []string, args ...string) map[string]any {
		t.Helper()
		body, stderr, err := run(extraEnv, args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return body
	}
	unsigned := "--no-sign-request"

	reg := must(nil, "sso-oidc", "register-client", "--client-name", "interop", "--client-type", "public", unsigned)
	clientID, secret := reg["clientId"].(string), reg["clientSecret"].(string)
	dev := must(nil, "sso-oidc", "start-device-authorization", "--client-id", clientID, "--client-secret", secret, "--start-url", srv.StartURL(), unsigned)

	tokenArgs := []string{"sso-oidc", "create-token", "--client-id", clientID, "--client-secret", secret,
		"--grant-type", grantDeviceCode, "--device-code", dev["deviceCode"].(string), unsigned}
	if _, stderr, err := run(nil, tokenArgs...); err == nil || !strings.Contains(stderr, "AuthorizationPendingException") {
		t.Fatalf("create-token before approval: %v %s, want AuthorizationPendingException", err, stderr)
	}
	resp, err := http.Get(dev["verificationUriComplete"].(string))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("visit verification URL: %v %v", resp, err)
	}
	resp.Body.Close()
	time.Sleep(time.Second) // the interval the sandbox handed out
	token := must(nil, tokenArgs...)["accessToken"].(string)

	accounts := must(nil, "sso", "list-accounts", "--access-token", token, unsigned)["accountList"].([]any)
	if len(accounts) != 30 {
		t.Fatalf("list-accounts returned %d accounts, want all 30 (the CLI follows nextToken)", len(accounts))
	}
	audit := accounts[1].(map[string]any)
	accountID := audit["accountId"].(string)
	roles := must(nil, "sso", "list-account-roles", "--access-token", token, "--account-id", accountID, unsigned)["roleList"].([]any)
	if len(roles) == 0 {
		t.Fatal("list-account-roles returned no roles")
	}
	creds := must(nil, "sso", "get-role-credentials", "--access-token", token, "--account-id", accountID, "--role-name", "ViewOnlyAccess", unsigned)["roleCredentials"].(map[string]any)

	// The keys go to the CLI through its environment, as a credentialed
	// shell would hand them on; STS requests are SigV4-signed with them.
	keys := []string{
		"AWS_ACCESS_KEY_ID=" + creds["accessKeyId"].(string),
		"AWS_SECRET_ACCESS_KEY=" + creds["secretAccessKey"].(string),
		"AWS_SESSION_TOKEN=" + creds["sessionToken"].(string),
	}
	id := must(keys, "sts", "get-caller-identity")
	arn, _ := id["Arn"].(string)
	want := "arn:aws:sts::" + accountID + ":assumed-role/AWSReservedSSO_ViewOnlyAccess_"
	if !strings.HasPrefix(arn, want) || !strings.HasSuffix(arn, "/sandbox.user") {
		t.Fatalf("get-caller-identity Arn %q, want %s…/sandbox.user", arn, want)
	}
	t.Logf("AWS CLI v2 resolved %s", arn)
}
