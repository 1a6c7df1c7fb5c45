package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// pythonToolEnv is an environment for the AWS CLI v1 and botocore that sees
// none of the machine's AWS configuration: HOME and the config files are the
// test's. Only what finds and runs Python is kept (PATH, pyenv's root, a
// virtualenv), since `aws` and `python3` are often pyenv shims.
func pythonToolEnv(t *testing.T, extra ...string) []string {
	t.Helper()
	dir := t.TempDir()
	env := []string{
		"HOME=" + dir,
		"PATH=" + os.Getenv("PATH"),
		"AWS_CONFIG_FILE=" + filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(dir, "credentials"),
		"AWS_PAGER=",
	}
	for _, k := range []string{"PYENV_ROOT", "PYENV_VERSION", "VIRTUAL_ENV", "PYTHONPATH", "LANG"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	if _, ok := os.LookupEnv("PYENV_ROOT"); !ok {
		if home, err := os.UserHomeDir(); err == nil {
			env = append(env, "PYENV_ROOT="+filepath.Join(home, ".pyenv"))
		}
	}
	return append(env, extra...)
}

func keyEnv(c aws.Credentials) []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + c.AccessKeyID,
		"AWS_SECRET_ACCESS_KEY=" + c.SecretAccessKey,
		"AWS_SESSION_TOKEN=" + c.SessionToken,
	}
}

// TestAWSCLIAssumeRole runs `aws` from PATH (the AWS CLI v1 on these
// machines; v2 works too) against the sandbox through AWS_ENDPOINT_URL_STS:
// assume-role from SSO role credentials, get-caller-identity and a further
// assume-role with the keys it printed, the errors STS gives for a chained
// session past an hour and for an account outside the organisation, and an
// EKS token from `aws eks get-token` that the sandbox accepts.
func TestAWSCLIAssumeRole(t *testing.T) {
	t.Parallel()
	cli, err := exec.LookPath("aws")
	if err != nil {
		t.Skip("no `aws` on PATH: install the AWS CLI (pip install awscli) to run this test")
	}
	h := newSTSHarness(t, Options{})
	org := h.sb.Organisation().Accounts
	sso := h.ssoCredentials(org[1].ID, "ViewOnlyAccess")
	env := pythonToolEnv(t,
		"AWS_ENDPOINT_URL_STS="+h.url,
		"AWS_DEFAULT_REGION="+h.sb.Region(),
		"AWS_REGION="+h.sb.Region(),
	)
	run := func(c aws.Credentials, args ...string) (map[string]any, string, error) {
		t.Helper()
		cmd := exec.Command(cli, append(args, "--output", "json")...)
		cmd.Env = append(append([]string(nil), env...), keyEnv(c)...)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var body map[string]any
		if err == nil && stdout.Len() > 0 {
			if jerr := json.Unmarshal(stdout.Bytes(), &body); jerr != nil {
				t.Fatalf("aws %s printed %s: %v", strings.Join(args, " "), stdout.String(), jerr)
			}
		}
		return body, stderr.String(), err
	}
	must := func(c aws.Credentials, args ...string) map[string]any {
		t.Helper()
		body, stderr, err := run(c, args...)
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		return body
	}
	keysOf := func(out map[string]any) aws.Credentials {
		c, _ := out["Credentials"].(map[string]any)
		id, _ := c["AccessKeyId"].(string)
		secret, _ := c["SecretAccessKey"].(string)
		token, _ := c["SessionToken"].(string)
		if !strings.HasPrefix(id, "ASIA") || secret == "" || token == "" {
			t.Fatalf("assume-role printed %v", out)
		}
		return aws.Credentials{AccessKeyID: id, SecretAccessKey: secret, SessionToken: token}
	}
	if out, err := exec.Command(cli, "--version").CombinedOutput(); err == nil {
		t.Logf("%s: %s", cli, strings.TrimSpace(string(out)))
	}

	target := "arn:aws:iam::" + org[2].ID + ":role/ReadOnlyAccess"
	out := must(sso, "sts", "assume-role", "--role-arn", target, "--role-session-name", "me", "--external-id", "ext-1", "--duration-seconds", "900")
	assumed := keysOf(out)
	wantArn := "arn:aws:sts::" + org[2].ID + ":assumed-role/ReadOnlyAccess/me"
	if user, _ := out["AssumedRoleUser"].(map[string]any); user["Arn"] != wantArn {
		t.Errorf("assume-role AssumedRoleUser %v, want Arn %s", user, wantArn)
	}
	if calls := h.sb.AssumeRoleCalls(); len(calls) != 1 || calls[0].ExternalID != "ext-1" || calls[0].DurationSeconds != 900 || calls[0].RoleArn != target {
		t.Errorf("AssumeRoleCalls %+v, want the external id ext-1 and 900 seconds", calls)
	}
	if id := must(assumed, "sts", "get-caller-identity"); id["Arn"] != wantArn || id["Account"] != org[2].ID {
		t.Errorf("get-caller-identity with the assumed keys: %v, want %s", id, wantArn)
	}

	chained := must(assumed, "sts", "assume-role", "--role-arn", "arn:aws:iam::"+org[0].ID+":role/Deploy", "--role-session-name", "chained")
	if user, _ := chained["AssumedRoleUser"].(map[string]any); user["Arn"] != "arn:aws:sts::"+org[0].ID+":assumed-role/Deploy/chained" {
		t.Errorf("chained assume-role: %v", chained)
	}
	if id := must(keysOf(chained), "sts", "get-caller-identity"); id["Account"] != org[0].ID {
		t.Errorf("get-caller-identity with the chained keys: %v", id)
	}

	_, stderr, err := run(assumed, "sts", "assume-role", "--role-arn", target, "--role-session-name", "long", "--duration-seconds", "3601")
	if err == nil || !strings.Contains(stderr, "(ValidationError)") ||
		!strings.Contains(stderr, "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.") {
		t.Errorf("3601 seconds on a chained session: %v %s", err, stderr)
	}
	outside := "arn:aws:iam::000000000000:role/ReadOnlyAccess"
	_, stderr, err = run(sso, "sts", "assume-role", "--role-arn", outside, "--role-session-name", "me")
	if err == nil || !strings.Contains(stderr, "(AccessDenied)") || !strings.Contains(stderr, "is not authorized to perform: sts:AssumeRole on resource: "+outside) {
		t.Errorf("an account outside the organisation: %v %s", err, stderr)
	}

	// `aws eks get-token` presigns GetCallerIdentity at the STS endpoint
	// it resolved, which the sandbox then accepts as EKS would.
	tok := must(assumed, "eks", "get-token", "--cluster-name", "demo")
	status, _ := tok["status"].(map[string]any)
	token, _ := status["token"].(string)
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, "k8s-aws-v1."))
	if err != nil || !strings.HasPrefix(string(raw), h.url+"/?") {
		t.Fatalf("eks get-token printed %v (URL %s, %v), want a URL at %s", tok, raw, err, h.url)
	}
	r := h.fetchPresigned(string(raw), map[string]string{clusterHeader: "demo", "Accept": "application/json"})
	if r.status != 200 || !strings.Contains(r.raw, `"Arn":"`+wantArn+`"`) {
		t.Errorf("the EKS token of aws eks get-token: %d %s", r.status, r.raw)
	}
}

// presignWithBotocore is how `aws eks get-token` makes its URL, in
// botocore's own terms: the cluster name travels as a client parameter into
// the request context and becomes the x-k8s-aws-id header just before
// signing, so it is among the signed headers.
const presignWithBotocore = `
import sys
import botocore.session

endpoint, region, key, secret, token, cluster = sys.argv[1:]
client = botocore.session.get_session().create_client(
    'sts', region_name=region, endpoint_url=endpoint,
    aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token)
HEADER = 'x-k8s-aws-id'

def retrieve(params, context, **kwargs):
    if HEADER in params:
        context[HEADER] = params.pop(HEADER)

def inject(request, **kwargs):
    if HEADER in request.context:
        request.headers[HEADER] = request.context[HEADER]

client.meta.events.register('provide-client-params.sts.GetCallerIdentity', retrieve)
client.meta.events.register('before-sign.sts.GetCallerIdentity', inject)
print(client.generate_presigned_url(
    'get_caller_identity', Params={HEADER: cluster}, ExpiresIn=60, HttpMethod='GET'))
`

func TestBotocorePresignedCallerIdentity(t *testing.T) {
	t.Parallel()
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3 on PATH")
	}
	env := pythonToolEnv(t)
	check := exec.Command(python, "-c", "import botocore")
	check.Env = env
	if out, err := check.CombinedOutput(); err != nil {
		t.Skipf("botocore is not installed for %s (pip install botocore): %v %s", python, err, out)
	}
	h := newSTSHarness(t, Options{})
	acct := h.sb.Organisation().Accounts[1]
	sso := h.ssoCredentials(acct.ID, "ViewOnlyAccess")
	_, assumed := h.assumeRole(sso, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn(acct.ID, "EKSAdmin")), RoleSessionName: aws.String("botocore")})

	cmd := exec.Command(python, "-c", presignWithBotocore, h.url, h.sb.Region(), assumed.AccessKeyID, assumed.SecretAccessKey, assumed.SessionToken, "demo")
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("botocore presign: %v\n%s", err, stderr.String())
	}
	u := strings.TrimSpace(stdout.String())
	if !strings.Contains(u, "X-Amz-SignedHeaders=host%3Bx-k8s-aws-id") || !strings.Contains(u, "X-Amz-Expires=60") {
		t.Fatalf("botocore presigned %s", u)
	}
	wantArn := "arn:aws:sts::" + acct.ID + ":assumed-role/EKSAdmin/botocore"
	if r := h.fetchPresigned(u, map[string]string{clusterHeader: "demo"}); r.status != 200 || !strings.Contains(r.raw, "<Arn>"+wantArn+"</Arn>") {
		t.Errorf("botocore's URL: %d %s, want %s", r.status, r.raw, wantArn)
	}
	if r := h.fetchPresigned(u, map[string]string{clusterHeader: "demo", "Accept": "application/json"}); r.status != 200 || !strings.Contains(r.raw, `"Arn":"`+wantArn+`"`) {
		t.Errorf("botocore's URL, for JSON: %d %s", r.status, r.raw)
	}
	if r := h.fetchPresigned(u, nil); r.status != 403 || !strings.Contains(r.raw, "<Code>SignatureDoesNotMatch</Code>") {
		t.Errorf("botocore's URL without its cluster header: %d %s", r.status, r.raw)
	}
}
