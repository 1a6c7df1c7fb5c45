package aws

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssopick/ssopick/sandbox"
)

// eksEnv is an Environment with the variables vars and files of a
// temporary home (an empty AWS config), for tokens signed offline.
func eksEnv(t *testing.T, vars map[string]string) Environment {
	t.Helper()
	home := t.TempDir()
	paths := Paths{AWSConfig: filepath.Join(home, "config"), AWSCredentials: filepath.Join(home, "credentials"), Cache: filepath.Join(home, "cache")}
	if err := os.WriteFile(paths.AWSConfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return Environment{Getenv: func(k string) string { return vars[k] }, Paths: paths}
}

var eksTestCreds = RoleCredentials{AccessKeyID: "ASIAEXAMPLEKEY", SecretAccessKey: "secret", SessionToken: "session/token+=", Expiration: time.Now().Add(time.Hour)}

// decodeEKSToken is the URL inside tok, parsed, as the EKS side reads it.
func decodeEKSToken(t *testing.T, tok string) *url.URL {
	t.Helper()
	if strings.Contains(tok, "=") || strings.ContainsAny(strings.TrimPrefix(tok, EKSTokenPrefix), "+/.") {
		t.Errorf("token %s is not base64url without padding after its prefix", tok)
	}
	raw, err := EKSTokenURL(tok)
	if err != nil {
		t.Fatalf("token %s: %v", tok, err)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestEksTokenIsAPresignedGetCallerIdentityForTheCluster(t *testing.T) {
	t.Parallel()
	before := time.Now().UTC().Truncate(time.Second)
	tok, err := NewEKSToken(context.Background(), eksEnv(t, nil), "eu-west-1", "demo", eksTestCreds)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok.Token, "k8s-aws-v1.") {
		t.Fatalf("token %s", tok.Token)
	}
	u := decodeEKSToken(t, tok.Token)
	q := u.Query()
	if u.Scheme != "https" || u.Host != "sts.eu-west-1.amazonaws.com" || (u.Path != "/" && u.Path != "") {
		t.Errorf("URL %s, want https://sts.eu-west-1.amazonaws.com/", u)
	}
	signed := strings.Split(q.Get("X-Amz-SignedHeaders"), ";")
	want := map[string]string{
		"Action": "GetCallerIdentity", "Version": "2011-06-15", "X-Amz-Expires": "60",
		"X-Amz-Algorithm": "AWS4-HMAC-SHA256", "X-Amz-Security-Token": eksTestCreds.SessionToken,
	}
	for k, v := range want {
		if q.Get(k) != v {
			t.Errorf("%s = %q, want %q (URL %s)", k, q.Get(k), v, u)
		}
	}
	if !slices.Contains(signed, "x-k8s-aws-id") || !slices.Contains(signed, "host") {
		t.Errorf("X-Amz-SignedHeaders %q lacks x-k8s-aws-id or host", q.Get("X-Amz-SignedHeaders"))
	}
	if cred := q.Get("X-Amz-Credential"); !strings.HasPrefix(cred, "ASIAEXAMPLEKEY/") || !strings.HasSuffix(cred, "/eu-west-1/sts/aws4_request") {
		t.Errorf("X-Amz-Credential %s", cred)
	}
	if q.Get("X-Amz-Signature") == "" || q.Has(EKSClusterHeader) || strings.Contains(u.RawQuery, "secret") {
		t.Errorf("query %s: no signature, the cluster in the query, or the secret key", u.RawQuery)
	}
	// 14 minutes from the signing time, as aws eks get-token says.
	at, err := time.Parse(amzDate, q.Get("X-Amz-Date"))
	if err != nil || at.Before(before) || !tok.Expiration.Equal(at.Add(14*time.Minute)) {
		t.Errorf("signed at %s (%v), expires %s; want 14 minutes after", q.Get("X-Amz-Date"), err, tok.Expiration)
	}
}

func TestEksTokenEndpointFollowsTheRegionAndTheEnvironment(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		region string
		vars   map[string]string
		host   string
	}{
		{"regional", "us-east-1", nil, "sts.us-east-1.amazonaws.com"},
		{"China", "cn-north-1", nil, "sts.cn-north-1.amazonaws.com.cn"},
		{"GovCloud", "us-gov-west-1", nil, "sts.us-gov-west-1.amazonaws.com"},
		{"FIPS", "us-east-1", map[string]string{"AWS_USE_FIPS_ENDPOINT": "true"}, "sts-fips.us-east-1.amazonaws.com"},
		{"dual-stack", "eu-west-1", map[string]string{"AWS_USE_DUALSTACK_ENDPOINT": "true"}, "sts.eu-west-1.api.aws"},
		{"AWS_ENDPOINT_URL_STS", "eu-west-1", map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9999"}, "127.0.0.1:9999"},
		{"AWS_ENDPOINT_URL", "eu-west-1", map[string]string{"AWS_ENDPOINT_URL": "https://sts.example.test"}, "sts.example.test"},
		{"an endpoint URL wins over FIPS", "us-east-1", map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9999", "AWS_USE_FIPS_ENDPOINT": "true"}, "127.0.0.1:9999"},
		{"ignored endpoint URLs", "eu-west-1", map[string]string{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9999", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, "sts.eu-west-1.amazonaws.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tok, err := NewEKSToken(context.Background(), eksEnv(t, tc.vars), tc.region, "demo", eksTestCreds)
			if err != nil {
				t.Fatal(err)
			}
			u := decodeEKSToken(t, tok.Token)
			if u.Host != tc.host || !strings.HasSuffix(u.Query().Get("X-Amz-Credential"), "/"+tc.region+"/sts/aws4_request") {
				t.Errorf("%s: host %s credential %s, want %s in %s", tc.name, u.Host, u.Query().Get("X-Amz-Credential"), tc.host, tc.region)
			}
		})
	}
}

func TestEksTokenEndsNoLaterThanTheRoleCredentials(t *testing.T) {
	t.Parallel()
	creds := eksTestCreds
	creds.Expiration = time.Now().Add(6 * time.Minute).UTC().Truncate(time.Second)
	tok, err := NewEKSToken(context.Background(), eksEnv(t, nil), "eu-west-1", "demo", creds)
	if err != nil || !tok.Expiration.Equal(creds.Expiration) {
		t.Errorf("expires %s (%v), want the credentials' %s", tok.Expiration, err, creds.Expiration)
	}
}

func TestEksExecCredentialIsKubectlsJSON(t *testing.T) {
	t.Parallel()
	tok := EKSToken{Token: "k8s-aws-v1.aHR0cHM6Ly9zdHM", Expiration: time.Date(2026, 11, 25, 10, 14, 59, 900e6, time.FixedZone("CET", 3600))}
	want := `{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"2026-11-25T09:14:59Z","token":"k8s-aws-v1.aHR0cHM6Ly9zdHM"}}` + "\n"
	if got := string(tok.ExecCredential()); got != want {
		t.Errorf("ExecCredential\n got %s\nwant %s", got, want)
	}
}

// eksCacheFixture is an EKS token cache over a token cache signed in to
// session acme with access token access.
type eksCacheFixture struct {
	cache EKSTokenCache
	key   EKSKey
	now   time.Time
	made  int
}

func newEKSCacheFixture(t *testing.T) *eksCacheFixture {
	t.Helper()
	dir := t.TempDir()
	paths := Paths{SSOCache: filepath.Join(dir, "sso"), Cache: filepath.Join(dir, "cache")}
	s := Session{Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1"}
	fx := &eksCacheFixture{cache: paths.EKSTokenCache(), now: time.Now(),
		key: EKSKey{Session: s, AccountID: "111122223333", Role: "EKSAdmin", Region: "eu-west-1", Cluster: "demo"}}
	fx.signIn(t, "client-1", "access-1")
	return fx
}

func (fx *eksCacheFixture) signIn(t *testing.T, client, access string) {
	t.Helper()
	s := fx.key.Session
	if err := fx.cache.Tokens.SaveToken(s, &Token{StartURL: s.StartURL, Region: s.Region, AccessToken: access, ClientID: client, ExpiresAt: fx.now.Add(8 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

// get asks the cache for key, making a token that lasts life when it
// must; it returns the token and whether the cache answered.
func (fx *eksCacheFixture) get(t *testing.T, key EKSKey, life time.Duration) (EKSToken, bool) {
	t.Helper()
	tok, hit, err := fx.cache.Get(context.Background(), key, func() time.Time { return fx.now }, func() (EKSToken, error) {
		fx.made++
		return EKSToken{Token: EKSTokenPrefix + key.Cluster + "-" + string(rune('0'+fx.made)), Expiration: fx.now.Add(life)}, nil
	}, func(err error) { t.Errorf("cache warning: %v", err) })
	if err != nil {
		t.Fatal(err)
	}
	return tok, hit
}

func TestEksTokenCacheServesUntilAMinuteBeforeTheEnd(t *testing.T) {
	t.Parallel()
	fx := newEKSCacheFixture(t)
	first, hit := fx.get(t, fx.key, 14*time.Minute)
	if hit || fx.made != 1 {
		t.Fatalf("first: hit %v, made %d", hit, fx.made)
	}
	info, err := os.Stat(fx.cache.Path(fx.key))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("cache file: %v %v, want mode 0600", info, err)
	}
	if dir, err := os.Stat(fx.cache.Dir); err != nil || dir.Mode().Perm() != 0o700 {
		t.Errorf("cache folder: %v %v, want mode 0700", dir, err)
	}
	fx.now = fx.now.Add(12*time.Minute + 59*time.Second)
	if again, hit := fx.get(t, fx.key, 14*time.Minute); !hit || again.Token != first.Token || !again.Expiration.Equal(first.Expiration) || fx.made != 1 {
		t.Errorf("within its life: hit %v, %v, made %d", hit, again, fx.made)
	}
	// Every part of the key names a token of its own.
	with := func(change func(*EKSKey)) EKSKey {
		k := fx.key
		change(&k)
		return k
	}
	for _, other := range []EKSKey{
		with(func(k *EKSKey) { k.Cluster = "prod" }),
		with(func(k *EKSKey) { k.Region = "us-east-1" }),
		with(func(k *EKSKey) { k.Role = "ViewOnlyAccess" }),
		with(func(k *EKSKey) { k.AccountID = "444455556666" }),
		with(func(k *EKSKey) { k.Session.Name = "other" }),
		with(func(k *EKSKey) { k.Via = "111122223333/ViewOnlyAccess>arn:aws:iam::111122223333:role/EKSAdmin###0s" }),
	} {
		made := fx.made
		if _, hit := fx.get(t, other, 14*time.Minute); hit || fx.made != made+1 {
			t.Errorf("%v was answered with another key's token", other)
		}
	}
	fx.now = fx.now.Add(time.Second) // a minute left: made anew
	if _, hit := fx.get(t, fx.key, 14*time.Minute); hit {
		t.Error("a token with a minute left was served")
	}
}

func TestEksTokenCacheIsTiedToTheSignIn(t *testing.T) {
	t.Parallel()
	fx := newEKSCacheFixture(t)
	fx.get(t, fx.key, 14*time.Minute)
	path := fx.cache.Path(fx.key)

	// Signed out (ssopick logout or aws sso logout remove the token): not
	// served, and removed.
	if err := os.Remove(fx.cache.Tokens.TokenPath(fx.key.Session)); err != nil {
		t.Fatal(err)
	}
	if _, found, err := fx.cache.Lookup(fx.key, fx.now); found || err != nil {
		t.Errorf("signed out: found %v, %v", found, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("signed out, the token file is still there: %v", err)
	}

	// Signed in again, even with the same client registration (aws sso
	// logout keeps it): a token of the old sign-in is not served.
	fx.signIn(t, "client-1", "access-1")
	fx.get(t, fx.key, 14*time.Minute)
	fx.signIn(t, "client-1", "access-2")
	if _, found, _ := fx.cache.Lookup(fx.key, fx.now); found {
		t.Error("a token of the previous sign-in was served")
	}
	if _, hit := fx.get(t, fx.key, 14*time.Minute); hit {
		t.Error("a token of the previous sign-in was served")
	}
	if _, hit := fx.get(t, fx.key, 14*time.Minute); !hit {
		t.Error("the new sign-in's token was not cached")
	}
	// The file holds no access token, only a hash naming the sign-in.
	b, _ := os.ReadFile(path)
	var e map[string]any
	if json.Unmarshal(b, &e) != nil || strings.Contains(string(b), "access-2") || e["signIn"] == "" {
		t.Errorf("cache file %s", b)
	}
}

func TestEksTokenCacheParallelRunsMakeOneToken(t *testing.T) {
	t.Parallel()
	fx := newEKSCacheFixture(t)
	made := make(chan struct{}, 20)
	errs := make(chan error, 10)
	for range 10 {
		go func() {
			_, _, err := fx.cache.Get(context.Background(), fx.key, time.Now, func() (EKSToken, error) {
				made <- struct{}{}
				time.Sleep(20 * time.Millisecond)
				return EKSToken{Token: EKSTokenPrefix + "x", Expiration: time.Now().Add(14 * time.Minute)}, nil
			}, func(error) {})
			errs <- err
		}()
	}
	for range 10 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if len(made) != 1 {
		t.Errorf("%d tokens made by 10 parallel runs, want 1", len(made))
	}
}

func TestEksTokenCacheWarnsWhenItCannotWrite(t *testing.T) {
	t.Parallel()
	fx := newEKSCacheFixture(t)
	// A file where the folder should be: nothing can be written there.
	if err := os.MkdirAll(filepath.Dir(fx.cache.Dir), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fx.cache.Dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var warned []error
	tok, hit, err := fx.cache.Get(context.Background(), fx.key, time.Now, func() (EKSToken, error) {
		return EKSToken{Token: EKSTokenPrefix + "x", Expiration: time.Now().Add(14 * time.Minute)}, nil
	}, func(err error) { warned = append(warned, err) })
	if err != nil || hit || tok.Token == "" || len(warned) == 0 {
		t.Errorf("unwritable cache: %v %v %v, warnings %v", tok, hit, err, warned)
	}
}

// TestEksTokenAnswersAtTheSandboxAsTheRole signs a token with a role's
// credentials from the sandbox and fetches its URL as the EKS side does.
func TestEksTokenAnswersAtTheSandboxAsTheRole(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{})
	conn := fx.signedIn(t)
	acct := fx.srv.Organisation().Accounts[1]
	creds, err := conn.RoleCredentials(context.Background(), acct.ID, "ViewOnlyAccess")
	if err != nil {
		t.Fatal(err)
	}
	env := fx.env
	env.Getenv = func(k string) string {
		if k == "AWS_ENDPOINT_URL_STS" {
			return fx.srv.URL()
		}
		return fx.env.Getenv(k)
	}
	tok, err := NewEKSToken(context.Background(), env, fx.srv.Region(), "demo", creds)
	if err != nil {
		t.Fatal(err)
	}
	u := decodeEKSToken(t, tok.Token)
	fetch := func(header map[string]string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
		req.Header.Set("Accept", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, body := fetch(map[string]string{EKSClusterHeader: "demo"})
	var out struct {
		GetCallerIdentityResponse struct{ GetCallerIdentityResult struct{ Account, Arn string } }
	}
	if code != 200 || json.Unmarshal([]byte(body), &out) != nil {
		t.Fatalf("with the cluster header: %d %s", code, body)
	}
	id := out.GetCallerIdentityResponse.GetCallerIdentityResult
	if id.Account != acct.ID || !strings.HasPrefix(id.Arn, "arn:aws:sts::"+acct.ID+":assumed-role/AWSReservedSSO_ViewOnlyAccess_") {
		t.Errorf("identity %+v", id)
	}
	for _, header := range []map[string]string{nil, {EKSClusterHeader: "prod"}} {
		if code, body := fetch(header); code != 403 {
			t.Errorf("with %v: %d %s, want 403", header, code, body)
		}
	}
}

func TestEksKeyOfAChainedRoleIsItsOwn(t *testing.T) {
	t.Parallel()
	s := Session{Name: "acme"}
	sso := Choice{Row: Row{AccountID: "111122223333", RoleName: "ViewOnlyAccess", Session: "acme"}, Conn: &Conn{Session: s}}
	chained := func(sessionName, externalID string) Choice {
		c := &Chain{From: sso.Row, Hops: []Hop{{RoleARN: "arn:aws:iam::444455556666:role/EKSAdmin", SessionName: sessionName, ExternalID: externalID}}}
		return Choice{Row: c.Row(), Conn: sso.Conn}
	}
	keys := map[string]Choice{
		"the SSO role":         sso,
		"a chain":              chained("kubectl", ""),
		"another session name": chained("ci", ""),
		"another external id":  chained("kubectl", "x-1"),
	}
	seen := map[string]string{}
	for name, ch := range keys {
		k := EKSKeyFor(ch, "eu-west-1", "demo")
		if k.Session.Name != "acme" || k.AccountID != ch.Row.AccountID || k.Role != ch.Row.RoleName || (k.Via == "") != (ch.Row.Chain == nil) {
			t.Errorf("%s: key %+v", name, k)
		}
		if other, dup := seen[k.String()]; dup {
			t.Errorf("%s and %s share the key %s", name, other, k)
		}
		seen[k.String()] = name
	}
}

// A token signed for one STS endpoint is not served for another.
func TestEKSKeysDifferByEndpointSettings(t *testing.T) {
	t.Parallel()
	env := func(vars map[string]string) Environment {
		return Environment{Getenv: func(k string) string { return vars[k] }}
	}
	settings := map[string]bool{}
	for _, vars := range []map[string]string{
		{},
		{"AWS_USE_FIPS_ENDPOINT": "true"},
		{"AWS_USE_DUALSTACK_ENDPOINT": "true"},
		{"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1"},
		{"AWS_ENDPOINT_URL": "http://127.0.0.1:2"},
	} {
		k := EKSKey{AccountID: "111111111111", Role: "R", Region: "eu-west-1", Cluster: "c", Endpoint: env(vars).STSSettings()}
		if settings[k.String()] {
			t.Errorf("%v shares a key with another setting: %s", vars, k)
		}
		settings[k.String()] = true
	}
}
