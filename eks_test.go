package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientauthv1beta1 "k8s.io/client-go/pkg/apis/clientauthentication/v1beta1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

// eksIdentity is what a presigned GetCallerIdentity URL answers for,
// fetched as the EKS side does (aws-iam-authenticator asks for JSON) with
// header, if any: status, ARN and account.
func eksIdentity(t *testing.T, u string, header map[string]string) (int, string, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var out struct {
		GetCallerIdentityResponse struct{ GetCallerIdentityResult struct{ Account, Arn string } }
	}
	_ = json.Unmarshal(body, &out)
	id := out.GetCallerIdentityResponse.GetCallerIdentityResult
	return resp.StatusCode, string(body), id.Arn, id.Account
}

// decodeExecCredential reads kubectl's ExecCredential (v1beta1) strictly:
// a field the type lacks is an error.
func decodeExecCredential(t *testing.T, out string) *clientauthv1beta1.ExecCredential {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	var cred clientauthv1beta1.ExecCredential
	if err := dec.Decode(&cred); err != nil {
		t.Fatalf("not an ExecCredential: %v\n%s", err, out)
	}
	if dec.More() {
		t.Fatalf("more than one JSON document: %s", out)
	}
	if cred.Kind != "ExecCredential" || cred.APIVersion != clientauthv1beta1.SchemeGroupVersion.String() ||
		cred.Status == nil || cred.Status.ExpirationTimestamp == nil || cred.Status.ClientCertificateData != "" {
		t.Fatalf("ExecCredential %+v", cred)
	}
	return &cred
}

// tokenURL is the presigned URL inside an EKS token.
func tokenURL(t *testing.T, token string) string {
	t.Helper()
	b64, ok := strings.CutPrefix(token, "k8s-aws-v1.")
	raw, err := base64.RawURLEncoding.DecodeString(b64)
	if !ok || err != nil {
		t.Fatalf("token %q: prefix %v, %v", token, ok, err)
	}
	return string(raw)
}

func TestEksTokenAnswersAsTheRoleAndComesFromTheCacheUntilLogout(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	roleCalls := func() int { return e.srv.Stats().Calls["GetRoleCredentials"] }
	before := roleCalls()
	start := time.Now()
	out := e.run(t, ssopickBinary, "eks", "token", "--cluster", "demo", "-a", acct.ID, "-r", "ViewOnlyAccess")
	cred := decodeExecCredential(t, out)
	if roleCalls() != before+1 {
		t.Errorf("%d GetRoleCredentials for one token, want 1", roleCalls()-before)
	}
	// 14 minutes after signing (the timestamp has whole seconds).
	if exp := cred.Status.ExpirationTimestamp.Time; exp.Before(start.Add(14*time.Minute-time.Second)) || exp.After(time.Now().Add(14*time.Minute)) {
		t.Errorf("expires %s, want 14 minutes after %s", exp, start)
	}
	if !strings.HasSuffix(strings.TrimSpace(out), `"}}`) || !strings.Contains(out, `"expirationTimestamp":"`+cred.Status.ExpirationTimestamp.UTC().Format(time.RFC3339)+`"`) {
		t.Errorf("expirationTimestamp is not RFC 3339 in UTC: %s", out)
	}

	u := tokenURL(t, cred.Status.Token)
	parsed, _ := url.Parse(u)
	sts, _ := url.Parse(e.srv.URL())
	if q := parsed.Query(); parsed.Host != sts.Host || q.Get("Action") != "GetCallerIdentity" || q.Get("X-Amz-Expires") != "60" ||
		!strings.Contains(";"+q.Get("X-Amz-SignedHeaders")+";", ";x-k8s-aws-id;") {
		t.Errorf("token URL %s: not a presigned GetCallerIdentity at AWS_ENDPOINT_URL_STS naming the cluster", u)
	}
	// The cluster's side: the URL, with the header, says who the caller is.
	code, body, arn, account := eksIdentity(t, u, map[string]string{"x-k8s-aws-id": "demo"})
	if code != 200 || account != acct.ID || !strings.HasPrefix(arn, "arn:aws:sts::"+acct.ID+":assumed-role/AWSReservedSSO_ViewOnlyAccess_") ||
		!strings.HasSuffix(arn, "/"+e.srv.User()) {
		t.Errorf("GetCallerIdentity with the cluster header: %d %s", code, body)
	}
	for _, header := range []map[string]string{nil, {"x-k8s-aws-id": "prod"}} {
		if code, body, _, _ := eksIdentity(t, u, header); code != http.StatusForbidden || !strings.Contains(body, "SignatureDoesNotMatch") {
			t.Errorf("GetCallerIdentity with header %v: %d %s, want 403 SignatureDoesNotMatch", header, code, body)
		}
	}

	// Within its life the token comes from the cache: the same token, no
	// call to the portal, by account id or by name.
	calls := roleCalls()
	if again := e.run(t, ssopickBinary, "eks", "token", "--cluster", "demo", "-a", acct.ID, "-r", "ViewOnlyAccess"); again != out {
		t.Errorf("second run printed another token:\n%s\n%s", out, again)
	}
	if again := e.run(t, ssopickBinary, "eks", "token", "--cluster", "demo", "-a", acct.Name, "-r", "ViewOnlyAccess"); again != out {
		t.Errorf("by account name, another token:\n%s\n%s", out, again)
	}
	if roleCalls() != calls {
		t.Errorf("%d GetRoleCredentials for cached tokens", roleCalls()-calls)
	}
	// Another cluster or region is a token of its own.
	other := decodeExecCredential(t, e.run(t, ssopickBinary, "eks", "token", "--cluster", "prod", "-a", acct.ID, "-r", "ViewOnlyAccess", "--region", "eu-west-1"))
	op, _ := url.Parse(tokenURL(t, other.Status.Token))
	if other.Status.Token == cred.Status.Token || !strings.Contains(op.Query().Get("X-Amz-Credential"), "/eu-west-1/sts/") {
		t.Errorf("--cluster prod --region eu-west-1: %s", tokenURL(t, other.Status.Token))
	}
	if code, body, _, _ := eksIdentity(t, op.String(), map[string]string{"x-k8s-aws-id": "prod"}); code != 200 {
		t.Errorf("the prod token at STS: %d %s", code, body)
	}

	// The cache: private files in ssopick's cache folder, holding the
	// token (a URL, with no secret key in it), its end and a hash naming
	// the sign-in; not the sign-in's access token.
	files, _ := filepath.Glob(filepath.Join(e.home, ".cache", "ssopick", "eks", "*.json"))
	if len(files) != 2 {
		t.Fatalf("EKS cache files %v, want 2", files)
	}
	ssoTokens, _ := filepath.Glob(filepath.Join(e.home, ".aws", "sso", "cache", "*.json"))
	var accessTokens []string
	for _, f := range ssoTokens {
		var tok struct{ AccessToken string }
		if b, err := os.ReadFile(f); err == nil && json.Unmarshal(b, &tok) == nil && tok.AccessToken != "" {
			accessTokens = append(accessTokens, tok.AccessToken)
		}
	}
	if len(accessTokens) != 1 {
		t.Fatalf("%d access tokens in the SSO cache", len(accessTokens))
	}
	tokens := map[string]bool{cred.Status.Token: true, other.Status.Token: true}
	for _, f := range files {
		info, err := os.Stat(f)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want mode 0600", f, info.Mode(), err)
		}
		b, _ := os.ReadFile(f)
		var entry map[string]string
		if err := json.Unmarshal(b, &entry); err != nil || len(entry) != 3 || !tokens[entry["token"]] || entry["expiration"] == "" ||
			len(entry["signIn"]) != 24 || strings.Contains(string(b), accessTokens[0]) {
			t.Errorf("%s holds %s", f, b)
		}
	}
	if info, err := os.Stat(filepath.Dir(files[0])); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("the EKS cache folder: %v %v, want mode 0700", info.Mode(), err)
	}

	// Signed out, the cached token is not served and is removed: without a
	// terminal, one line says to sign in.
	e.run(t, ssopickBinary, "logout")
	calls = roleCalls()
	stdout, stderr, code := e.try(ssopickBinary, "eks", "token", "--cluster", "demo", "-a", acct.ID, "-r", "ViewOnlyAccess")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "ssopick login") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Errorf("after logout: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if left, _ := filepath.Glob(filepath.Join(e.home, ".cache", "ssopick", "eks", "*.json")); len(left) != 1 || roleCalls() != calls {
		t.Errorf("after logout: cache files %v (want only the untouched prod one), %d GetRoleCredentials", left, roleCalls()-calls)
	}
}

func TestEksTokenUsageErrors(t *testing.T) {
	t.Parallel()
	e := newBinEnv(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"eks", "token", "-a", "acme-audit", "-r", "ViewOnlyAccess"}, 2, "needs --cluster NAME"},
		{[]string{"eks", "token", "--cluster", "", "-a", "acme-audit", "-r", "ViewOnlyAccess"}, 2, "needs --cluster NAME"},
		{[]string{"eks", "token", "--cluster", "demo;rm", "-a", "acme-audit", "-r", "ViewOnlyAccess"}, 2, "is not an EKS cluster name"},
		{[]string{"eks", "token", "--cluster", "demo"}, 2, "the picker needs a terminal"},
		{[]string{"eks", "token", "--cluster", "demo", "-a", "acme-audit", "-r", "ViewOnlyAccess", "--region", "eu west"}, 2, `"eu west" is not an AWS region like eu-west-1`},
		{[]string{"eks", "token", "--cluster", "demo", "-a", "acme-audit"}, 1, "-a ACCOUNT and -r ROLE go together"},
		{[]string{"eks", "token", "--cluster", "demo", "-a", "acme-audit", "-r", "ViewOnlyAccess", "prod"}, 1, "give a QUERY or -a/-r, not both"},
		{[]string{"eks", "tokn"}, 2, `ssopick eks has no command "tokn"`},
		{[]string{"eks", "token", "--cluster", "demo", "--bogus"}, 2, "unknown flag"},
	} {
		stdout, stderr, code := e.try(ssopickBinary, tc.args...)
		if code != tc.code || stdout != "" || !strings.Contains(stderr, tc.want) || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and one line with %q", tc.args, code, stdout, stderr, tc.code, tc.want)
		}
	}
	// Not signed in and no terminal: one line saying what to do, no prompt.
	acct := e.srv.Organisation().Accounts[1]
	if _, stderr, code := e.try(ssopickBinary, "eks", "token", "--cluster", "demo", "-a", acct.ID, "-r", "ViewOnlyAccess"); code != 1 || !strings.Contains(stderr, "ssopick login") {
		t.Errorf("signed out: exit %d, %q", code, stderr)
	}
}

// TestEksTokenThroughKubectlsExecPlugin runs ssopick as kubectl does: a
// kubeconfig with the exec stanza the help shows, loaded by client-go's
// clientcmd, whose exec plugin runs ssopick, decodes its ExecCredential and
// sends the token as a bearer token to the cluster. The cluster here does
// what the EKS authenticator does with it: fetch the URL at STS with the
// cluster header, and take the ARN as the user.
func TestEksTokenThroughKubectlsExecPlugin(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	// client-go runs exec plugins only for clusters reached over TLS.
	apiServer := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			http.Error(w, "no bearer token", http.StatusUnauthorized)
			return
		}
		raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, "k8s-aws-v1."))
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		req, _ := http.NewRequest(http.MethodGet, string(raw), nil)
		req.Header.Set("x-k8s-aws-id", "demo")
		req.Header.Set("Accept", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	defer apiServer.Close()

	// The child gets the test's environment and then these: ssopick's
	// own, and the person's variables that would change its answer unset.
	var env bytes.Buffer
	for _, kv := range append(e.env, "AWS_PROFILE=", "AWS_REGION=", "AWS_DEFAULT_REGION=", "AWS_CONFIG_FILE=", "AWS_SHARED_CREDENTIALS_FILE=",
		"AWS_ENDPOINT_URL=", "SSOPICK_SSO_SESSION=", "SSOPICK_ACCOUNT_ID=", "SSOPICK_DEBUG=", "XDG_CONFIG_HOME=", "XDG_STATE_HOME=") {
		name, value, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&env, "\n      - name: %s\n        value: %q", name, value)
	}
	kubeconfig := filepath.Join(t.TempDir(), "config")
	stanza := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: demo
  cluster:
    server: %s
    certificate-authority-data: %s
contexts:
- name: demo
  context:
    cluster: demo
    user: acme-audit-demo
current-context: demo
users:
- name: acme-audit-demo
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: %s
      args: [eks, token, --cluster, demo, -a, %s, -r, ViewOnlyAccess]
      interactiveMode: Never
      env:%s
`, apiServer.URL, base64.StdEncoding.EncodeToString(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: apiServer.Certificate().Raw})),
		ssopickBinary, acct.Name, env.String())
	if err := os.WriteFile(kubeconfig, []byte(stanza), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		resp, err := client.Get(apiServer.URL + "/api")
		if err != nil {
			t.Fatalf("request through the exec plugin: %v", err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), `"Arn":"arn:aws:sts::`+acct.ID+`:assumed-role/AWSReservedSSO_ViewOnlyAccess_`) {
			t.Fatalf("the cluster answered %d %s", resp.StatusCode, body)
		}
	}
	if n := e.srv.Stats().Calls["GetRoleCredentials"]; n != 1 {
		t.Errorf("%d GetRoleCredentials, want 1", n)
	}
}

// TestEksTokenForAChainedRoleIsItsOwn: --profile of a chained profile and
// --assume sign as the assumed role, and neither is answered with the
// cached token of the SSO role they start from.
func TestEksTokenForAChainedRoleIsItsOwn(t *testing.T) {
	t.Parallel()
	e, from := signedInEnv(t)
	to := e.srv.Organisation().Accounts[2].ID
	config := filepath.Join(e.home, ".aws", "config")
	raw, err := os.ReadFile(config)
	if err != nil {
		t.Fatal(err)
	}
	raw = append(raw, "\n[profile eks-admin]\nrole_arn = arn:aws:iam::"+to+":role/EKSAdmin\nsource_profile = audit\nrole_session_name = kubectl\n"...)
	if err := os.WriteFile(config, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	identity := func(args ...string) (string, string) {
		t.Helper()
		cred := decodeExecCredential(t, e.run(t, ssopickBinary, append([]string{"eks", "token", "--cluster", "demo"}, args...)...))
		code, body, arn, _ := eksIdentity(t, tokenURL(t, cred.Status.Token), map[string]string{"x-k8s-aws-id": "demo"})
		if code != 200 {
			t.Fatalf("%v: %d %s", args, code, body)
		}
		return cred.Status.Token, arn
	}
	ssoToken, arn := identity("-a", from.ID, "-r", "ViewOnlyAccess")
	if !strings.Contains(arn, ":assumed-role/AWSReservedSSO_ViewOnlyAccess_") {
		t.Errorf("the SSO role's token is %s", arn)
	}
	assumes := func() int { return e.srv.Stats().Calls["AssumeRole"] }
	profileToken, arn := identity("--profile", "eks-admin")
	if arn != "arn:aws:sts::"+to+":assumed-role/EKSAdmin/kubectl" || profileToken == ssoToken {
		t.Errorf("--profile eks-admin signs as %s", arn)
	}
	n := assumes()
	if again, _ := identity("--profile", "eks-admin"); again != profileToken || assumes() != n {
		t.Errorf("--profile eks-admin again: a new token (%v) or %d AssumeRole", again != profileToken, assumes()-n)
	}
	assumeToken, arn := identity("-a", from.ID, "-r", "ViewOnlyAccess", "--assume", "arn:aws:iam::"+to+":role/EKSAdmin")
	if !strings.HasPrefix(arn, "arn:aws:sts::"+to+":assumed-role/EKSAdmin/") || assumeToken == ssoToken || assumeToken == profileToken {
		t.Errorf("--assume signs as %s", arn)
	}
}
