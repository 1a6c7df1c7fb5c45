package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

type harness struct {
	t     *testing.T
	sb    *Sandbox
	url   string
	clock *Clock
}

func newHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	c := NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	if opts.Now == nil {
		opts.Now = c.Now
	}
	sb := New(opts)
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	sb.SetBaseURL(srv.URL)
	return &harness{t: t, sb: sb, url: srv.URL, clock: c}
}

// response is a decoded API answer.
type response struct {
	status  int
	errType string
	body    map[string]any
	raw     string
	header  http.Header
}

func (r response) str(key string) string {
	s, _ := r.body[key].(string)
	return s
}

func (h *harness) do(req *http.Request) response {
	h.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := response{status: resp.StatusCode, errType: resp.Header.Get("X-Amzn-ErrorType"), raw: string(raw), header: resp.Header}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out.body); err != nil {
			h.t.Fatalf("decode %s: %v", raw, err)
		}
	}
	return out
}

func (h *harness) post(path string, body any) response {
	h.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, h.url+path, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	return h.do(req)
}

func (h *harness) get(path string, token string) response {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, h.url+path, nil)
	if token != "" {
		req.Header.Set("x-amz-sso_bearer_token", token)
	}
	return h.do(req)
}

func wantError(t *testing.T, r response, status int, typ string) {
	t.Helper()
	if r.status != status || !strings.HasPrefix(r.errType, typ) {
		t.Fatalf("got %d %q (%s), want %d %s", r.status, r.errType, r.raw, status, typ)
	}
}

type registered struct{ id, secret string }

func (h *harness) register(grants ...string) registered {
	h.t.Helper()
	req := map[string]any{"clientName": "botocore-client-test", "clientType": "public", "scopes": []string{"sso:account:access"}}
	if len(grants) > 0 {
		req["grantTypes"] = grants
		req["redirectUris"] = []string{"http://127.0.0.1/oauth/callback"}
	}
	r := h.post("/client/register", req)
	if r.status != 200 {
		h.t.Fatalf("register: %d %s", r.status, r.raw)
	}
	return registered{r.str("clientId"), r.str("clientSecret")}
}

// signIn runs the device flow to the end and returns the token response.
func (h *harness) signIn() response {
	h.t.Helper()
	c := h.register(grantDeviceCode, grantRefreshToken)
	d := h.post("/device_authorization", map[string]any{"clientId": c.id, "clientSecret": c.secret, "startUrl": h.sb.StartURL()})
	if !h.sb.Approve(d.str("userCode")) {
		h.t.Fatal("approve failed")
	}
	tok := h.post("/token", map[string]any{"clientId": c.id, "clientSecret": c.secret, "grantType": grantDeviceCode, "deviceCode": d.str("deviceCode")})
	if tok.status != 200 {
		h.t.Fatalf("create token: %d %s", tok.status, tok.raw)
	}
	return tok
}

func TestRegisterClient(t *testing.T) {
	h := newHarness(t, Options{})
	r := h.post("/client/register", map[string]any{"clientName": "x", "clientType": "public"})
	if r.status != 200 || r.str("clientId") == "" || r.str("clientSecret") == "" {
		t.Fatalf("register: %d %s", r.status, r.raw)
	}
	issued, expires := r.body["clientIdIssuedAt"].(float64), r.body["clientSecretExpiresAt"].(float64)
	if time.Duration(expires-issued)*time.Second != clientLifetime {
		t.Errorf("registration lifetime %v s, want %v", expires-issued, clientLifetime)
	}

	for name, tc := range map[string]struct {
		body   map[string]any
		status int
		typ    string
	}{
		"no name":         {map[string]any{"clientType": "public"}, 400, "InvalidRequestException"},
		"confidential":    {map[string]any{"clientName": "x", "clientType": "confidential"}, 400, "InvalidRequestException"},
		"unknown grant":   {map[string]any{"clientName": "x", "clientType": "public", "grantTypes": []string{"password"}}, 400, "UnsupportedGrantTypeException"},
		"no redirect":     {map[string]any{"clientName": "x", "clientType": "public", "grantTypes": []string{"authorization_code"}}, 400, "InvalidRedirectUriException"},
		"remote redirect": {map[string]any{"clientName": "x", "clientType": "public", "grantTypes": []string{"authorization_code"}, "redirectUris": []string{"https://evil.example/cb"}}, 400, "InvalidRedirectUriException"},
		"blank scope":     {map[string]any{"clientName": "x", "clientType": "public", "scopes": []string{" "}}, 400, "InvalidScopeException"},
	} {
		t.Run(name, func(t *testing.T) {
			r := h.post("/client/register", tc.body)
			wantError(t, r, tc.status, tc.typ)
			if r.str("error") == "" || r.str("error_description") == "" {
				t.Errorf("error body %s lacks error/error_description", r.raw)
			}
		})
	}
}

func TestDeviceFlow(t *testing.T) {
	h := newHarness(t, Options{DeviceInterval: 5 * time.Second})
	c := h.register()
	d := h.post("/device_authorization", map[string]any{"clientId": c.id, "clientSecret": c.secret, "startUrl": h.sb.StartURL()})
	if d.status != 200 || d.body["interval"].(float64) != 5 || d.body["expiresIn"].(float64) != 600 {
		t.Fatalf("device authorization: %d %s", d.status, d.raw)
	}
	poll := func() response {
		return h.post("/token", map[string]any{"clientId": c.id, "clientSecret": c.secret, "grantType": grantDeviceCode, "deviceCode": d.str("deviceCode")})
	}
	r := poll()
	wantError(t, r, 400, "AuthorizationPendingException")
	if r.str("error") != "authorization_pending" {
		t.Errorf("error = %q", r.str("error"))
	}
	h.clock.Advance(time.Second)
	wantError(t, poll(), 400, "SlowDownException")
	h.clock.Advance(5 * time.Second)
	wantError(t, poll(), 400, "AuthorizationPendingException")

	// Visiting verificationUriComplete approves the code.
	page := h.get(strings.TrimPrefix(d.str("verificationUriComplete"), h.url), "")
	if page.status != 200 || !strings.Contains(page.raw, "approved") {
		t.Fatalf("verification page: %d %s", page.status, page.raw)
	}
	h.clock.Advance(5 * time.Second)
	tok := poll()
	if tok.status != 200 || !strings.HasPrefix(tok.str("accessToken"), "aoa") || tok.str("tokenType") != "Bearer" {
		t.Fatalf("token: %d %s", tok.status, tok.raw)
	}
	if _, ok := tok.body["refreshToken"]; ok {
		t.Error("a legacy registration (no grant types) must not get a refresh token")
	}
	h.clock.Advance(5 * time.Second)
	wantError(t, poll(), 400, "InvalidGrantException") // single use
	if st := h.sb.Stats(); st.Logins != 1 {
		t.Errorf("logins = %d, want 1", st.Logins)
	}
}

func TestDeviceFlowErrors(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.register()
	start := func(body map[string]any) response { return h.post("/device_authorization", body) }

	wantError(t, start(map[string]any{"clientId": c.id, "clientSecret": "wrong", "startUrl": h.sb.StartURL()}), 401, "InvalidClientException")
	wantError(t, start(map[string]any{"clientId": c.id, "clientSecret": c.secret, "startUrl": "https://other.awsapps.com/start"}), 400, "InvalidRequestException")
	wantError(t, start(map[string]any{"clientId": c.id}), 400, "InvalidRequestException")
	pkceOnly := h.register(grantAuthCode, grantRefreshToken)
	wantError(t, start(map[string]any{"clientId": pkceOnly.id, "clientSecret": pkceOnly.secret, "startUrl": h.sb.StartURL()}), 400, "UnauthorizedClientException")

	d := start(map[string]any{"clientId": c.id, "clientSecret": c.secret, "startUrl": h.sb.StartURL() + "#/"})
	if d.status != 200 {
		t.Fatalf("start URL with #/ refused: %s", d.raw)
	}
	h.clock.Advance(11 * time.Minute)
	if h.sb.Approve(d.str("userCode")) {
		t.Error("an expired code was approved")
	}
	wantError(t, h.post("/token", map[string]any{"clientId": c.id, "clientSecret": c.secret, "grantType": grantDeviceCode, "deviceCode": d.str("deviceCode")}), 400, "ExpiredTokenException")
	wantError(t, h.post("/token", map[string]any{"clientId": c.id, "clientSecret": c.secret, "grantType": "password"}), 400, "UnsupportedGrantTypeException")

	h.clock.Advance(clientLifetime)
	wantError(t, start(map[string]any{"clientId": c.id, "clientSecret": c.secret, "startUrl": h.sb.StartURL()}), 401, "InvalidClientException")
}

func TestAutoApprove(t *testing.T) {
	h := newHarness(t, Options{AutoApprove: true})
	c := h.register()
	d := h.post("/device_authorization", map[string]any{"clientId": c.id, "clientSecret": c.secret, "startUrl": h.sb.StartURL()})
	tok := h.post("/token", map[string]any{"clientId": c.id, "clientSecret": c.secret, "grantType": grantDeviceCode, "deviceCode": d.str("deviceCode")})
	if tok.status != 200 {
		t.Fatalf("auto-approved code not redeemable: %s", tok.raw)
	}
}

func TestAuthorizationCodeFlow(t *testing.T) {
	h := newHarness(t, Options{})
	c := h.register(grantAuthCode, grantRefreshToken)
	verifier := strings.Repeat("abcdefgh", 8)
	redirect := "http://127.0.0.1:49152/oauth/callback"
	authorize := func(params url.Values) response {
		return h.get("/authorize?"+params.Encode(), "")
	}
	params := url.Values{
		"response_type":         {"code"},
		"client_id":             {c.id},
		"redirect_uri":          {redirect},
		"state":                 {"state-123"},
		"code_challenge_method": {"S256"},
		"code_challenge":        {pkceChallenge(verifier)},
		"scopes":                {"sso:account:access"},
	}
	r := authorize(params)
	if r.status != http.StatusFound {
		t.Fatalf("authorize: %d %s", r.status, r.raw)
	}
	loc, _ := url.Parse(r.header.Get("Location"))
	if loc.Host != "127.0.0.1:49152" || loc.Path != "/oauth/callback" || loc.Query().Get("state") != "state-123" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect to %s", loc)
	}
	code := loc.Query().Get("code")
	token := func(code, verifier, redirect string) response {
		return h.post("/token", map[string]any{"clientId": c.id, "clientSecret": c.secret, "grantType": grantAuthCode,
			"code": code, "codeVerifier": verifier, "redirectUri": redirect})
	}
	wantError(t, token(code, verifier+"x", redirect), 400, "InvalidGrantException")
	wantError(t, token(code, verifier, "http://127.0.0.1:1/oauth/callback"), 400, "InvalidGrantException")
	tok := token(code, verifier, redirect)
	if tok.status != 200 || tok.str("refreshToken") == "" {
		t.Fatalf("token: %d %s", tok.status, tok.raw)
	}
	wantError(t, token(code, verifier, redirect), 400, "InvalidGrantException") // single use

	// Bad requests: unknown client and foreign redirect get a page; a
	// missing challenge is reported back to the client.
	bad := url.Values{}
	for k, v := range params {
		bad[k] = v
	}
	bad.Set("redirect_uri", "http://evil.example/cb")
	if r := authorize(bad); r.status != 400 {
		t.Errorf("foreign redirect: %d", r.status)
	}
	bad.Set("redirect_uri", redirect)
	bad.Del("code_challenge")
	r = authorize(bad)
	loc, _ = url.Parse(r.header.Get("Location"))
	if loc.Query().Get("error") != "invalid_request" || loc.Query().Get("state") != "state-123" {
		t.Errorf("missing challenge redirected to %s", loc)
	}
	legacy := h.register()
	bad.Set("client_id", legacy.id)
	if r := authorize(bad); r.status != 400 {
		t.Errorf("legacy client at /authorize: %d", r.status)
	}
}

func TestRefreshAndLogout(t *testing.T) {
	h := newHarness(t, Options{TokenLifetime: time.Hour})
	tok := h.signIn()
	access, refresh := tok.str("accessToken"), tok.str("refreshToken")
	if refresh == "" {
		t.Fatal("no refresh token for a client registered with refresh_token")
	}
	if r := h.get("/assignment/accounts", access); r.status != 200 {
		t.Fatalf("list accounts: %s", r.raw)
	}
	h.clock.Advance(time.Hour)
	wantError(t, h.get("/assignment/accounts", access), 401, "UnauthorizedException")

	// The refresh grant needs the client that the token was issued to.
	other := h.register(grantDeviceCode, grantRefreshToken)
	wantError(t, h.post("/token", map[string]any{"clientId": other.id, "clientSecret": other.secret, "grantType": grantRefreshToken, "refreshToken": refresh}), 400, "InvalidGrantException")
	var owner registered
	for id, c := range h.sb.clients {
		if c.id != other.id && c.allows(grantRefreshToken) {
			owner = registered{id, c.secret}
		}
	}
	again := h.post("/token", map[string]any{"clientId": owner.id, "clientSecret": owner.secret, "grantType": grantRefreshToken, "refreshToken": refresh})
	if again.status != 200 || again.str("refreshToken") != refresh {
		t.Fatalf("refresh: %d %s", again.status, again.raw)
	}
	fresh := again.str("accessToken")
	if r := h.get("/assignment/accounts", fresh); r.status != 200 {
		t.Fatalf("refreshed token refused: %s", r.raw)
	}

	req, _ := http.NewRequest(http.MethodPost, h.url+"/logout", nil)
	req.Header.Set("x-amz-sso_bearer_token", fresh)
	if r := h.do(req); r.status != 200 {
		t.Fatalf("logout: %d %s", r.status, r.raw)
	}
	wantError(t, h.get("/assignment/accounts", fresh), 401, "UnauthorizedException")
	wantError(t, h.post("/token", map[string]any{"clientId": owner.id, "clientSecret": owner.secret, "grantType": grantRefreshToken, "refreshToken": refresh}), 400, "InvalidGrantException")
	if st := h.sb.Stats(); st.Refreshes != 1 || st.Logins != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestListAccountsPagination(t *testing.T) {
	h := newHarness(t, Options{Accounts: 53})
	access := h.signIn().str("accessToken")
	var ids []string
	next := ""
	pages := 0
	for {
		path := "/assignment/accounts?max_result=10"
		if next != "" {
			path += "&next_token=" + url.QueryEscape(next)
		}
		r := h.get(path, access)
		if r.status != 200 {
			t.Fatalf("page %d: %s", pages, r.raw)
		}
		pages++
		for _, a := range r.body["accountList"].([]any) {
			acct := a.(map[string]any)
			if len(acct["accountId"].(string)) != 12 || acct["accountName"] == "" || acct["emailAddress"] == "" {
				t.Fatalf("bad account %v", acct)
			}
			ids = append(ids, acct["accountId"].(string))
		}
		next = r.str("nextToken")
		if next == "" {
			break
		}
	}
	if len(ids) != 53 || pages != 6 {
		t.Fatalf("got %d accounts in %d pages, want 53 in 6", len(ids), pages)
	}

	for _, bad := range []string{"0", "101", "x", "-1"} {
		wantError(t, h.get("/assignment/accounts?max_result="+bad, access), 400, "InvalidRequestException")
	}
	wantError(t, h.get("/assignment/accounts?next_token=garbage", access), 400, "InvalidRequestException")
	// A token from one listing is not accepted by another.
	first := h.get("/assignment/accounts?max_result=1", access).str("nextToken")
	wantError(t, h.get("/assignment/roles?account_id="+ids[0]+"&next_token="+url.QueryEscape(first), access), 400, "InvalidRequestException")
	wantError(t, h.get("/assignment/accounts", ""), 401, "UnauthorizedException")
	if r := h.get("/assignment/accounts", "bogus"); !strings.Contains(r.errType, portalErrorNamespace) {
		t.Errorf("error type %q lacks the portal namespace suffix", r.errType)
	}
}

func TestListAccountRolesAndCredentials(t *testing.T) {
	h := newHarness(t, Options{CredentialLifetime: time.Hour})
	access := h.signIn().str("accessToken")
	acct := h.sb.Organisation().Accounts[1]
	r := h.get("/assignment/roles?account_id="+acct.ID+"&max_result=2", access)
	roles := r.body["roleList"].([]any)
	if len(roles) != 2 || roles[0].(map[string]any)["accountId"] != acct.ID || r.str("nextToken") == "" {
		t.Fatalf("roles page: %s", r.raw)
	}
	wantError(t, h.get("/assignment/roles", access), 400, "InvalidRequestException")
	wantError(t, h.get("/assignment/roles?account_id=000000000000", access), 403, "ForbiddenException")

	c := h.get("/federation/credentials?account_id="+acct.ID+"&role_name="+acct.Roles[0], access)
	rc, _ := c.body["roleCredentials"].(map[string]any)
	if c.status != 200 || !strings.HasPrefix(rc["accessKeyId"].(string), "ASIA") || rc["secretAccessKey"] == "" || rc["sessionToken"] == "" {
		t.Fatalf("credentials: %s", c.raw)
	}
	exp := time.UnixMilli(int64(rc["expiration"].(float64)))
	if want := h.clock.Now().Add(time.Hour); !exp.Equal(want) {
		t.Errorf("expiration %v, want %v (epoch milliseconds)", exp, want)
	}
	wantError(t, h.get("/federation/credentials?account_id="+acct.ID+"&role_name=NoSuchRole", access), 403, "ForbiddenException")
	wantError(t, h.get("/federation/credentials?account_id="+acct.ID, access), 400, "InvalidRequestException")
}

func TestThrottleAndFailures(t *testing.T) {
	h := newHarness(t, Options{ThrottleRPS: 0.001, ThrottleBurst: 2})
	access := h.signIn().str("accessToken")
	for range 2 {
		if r := h.get("/assignment/accounts", access); r.status != 200 {
			t.Fatalf("within the burst: %s", r.raw)
		}
	}
	r := h.get("/assignment/accounts", access)
	wantError(t, r, 429, "TooManyRequestsException")
	if st := h.sb.Stats(); st.Throttled != 1 || st.Calls["ListAccounts"] != 3 {
		t.Errorf("stats %+v", st)
	}

	flaky := newHarness(t, Options{FailRate: 0.5, Seed: 7})
	access = flaky.signIn().str("accessToken")
	sequence := func(h *harness, token string) string {
		var sb strings.Builder
		for range 40 {
			if h.get("/assignment/accounts", token).status == 500 {
				sb.WriteByte('x')
			} else {
				sb.WriteByte('.')
			}
		}
		return sb.String()
	}
	first := sequence(flaky, access)
	if !strings.Contains(first, "x") || !strings.Contains(first, ".") {
		t.Fatalf("fail rate 0.5 gave %s", first)
	}
	again := newHarness(t, Options{FailRate: 0.5, Seed: 7})
	if second := sequence(again, again.signIn().str("accessToken")); second != first {
		t.Errorf("failures not deterministic from the seed:\n%s\n%s", first, second)
	}
	r = flaky.get("/assignment/accounts", access)
	for r.status != 500 {
		r = flaky.get("/assignment/accounts", access)
	}
	wantError(t, r, 500, "InternalServerException")
}

func TestLatency(t *testing.T) {
	h := newHarness(t, Options{Latency: 30 * time.Millisecond})
	start := time.Now()
	h.get("/assignment/accounts", "x")
	if time.Since(start) < 30*time.Millisecond {
		t.Error("latency not applied")
	}
}

func TestSTSWithoutValidKeys(t *testing.T) {
	h := newHarness(t, Options{})
	sts := func(auth, body string) response {
		req, _ := http.NewRequest(http.MethodPost, h.url+"/", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		return h.do(req)
	}
	const form = "Action=GetCallerIdentity&Version=2011-06-15"
	cases := []struct {
		auth, body, code string
		status           int
	}{
		{"", form, "MissingAuthenticationToken", 403},
		{"AWS4-HMAC-SHA256 Credential=ASIAUNKNOWN/20261125/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00", form, "InvalidClientTokenId", 403},
		{"AWS4-HMAC-SHA256 Credential=ASIAUNKNOWN/20261125/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=00", "Action=GetSessionToken&Version=2011-06-15", "InvalidAction", 400},
	}
	for _, tc := range cases {
		r := sts(tc.auth, tc.body)
		if r.status != tc.status || !strings.Contains(r.raw, "<Code>"+tc.code+"</Code>") || !strings.Contains(r.raw, "<ErrorResponse") {
			t.Errorf("%s: got %d %s", tc.code, r.status, r.raw)
		}
	}
}

func TestConsoleFederation(t *testing.T) {
	h := newHarness(t, Options{})
	access := h.signIn().str("accessToken")
	acct := h.sb.Organisation().Accounts[1]
	rc := h.get("/federation/credentials?account_id="+acct.ID+"&role_name="+acct.Roles[0], access).body["roleCredentials"].(map[string]any)
	session, _ := json.Marshal(map[string]any{"sessionId": rc["accessKeyId"], "sessionKey": rc["secretAccessKey"], "sessionToken": rc["sessionToken"]})
	signin := func(extra string) response {
		return h.get("/federation?Action=getSigninToken&Session="+url.QueryEscape(string(session))+extra, "")
	}
	for _, d := range []string{"899", "43201", "x"} {
		if r := signin("&SessionDuration=" + d); r.status != 400 {
			t.Errorf("SessionDuration=%s accepted", d)
		}
	}
	forged, _ := json.Marshal(map[string]any{"sessionId": rc["accessKeyId"], "sessionKey": "wrong", "sessionToken": rc["sessionToken"]})
	if r := h.get("/federation?Action=getSigninToken&Session="+url.QueryEscape(string(forged)), ""); r.status != 400 {
		t.Errorf("forged session accepted: %s", r.raw)
	}
	r := signin("&SessionDuration=43200")
	token := r.str("SigninToken")
	if r.status != 200 || token == "" {
		t.Fatalf("getSigninToken: %d %s", r.status, r.raw)
	}
	dest := "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1"
	login := "/federation?Action=login&Issuer=ssopick&Destination=" + url.QueryEscape(dest) + "&SigninToken=" + url.QueryEscape(token)
	page := h.get(login, "")
	if page.status != 200 || !strings.Contains(page.raw, "AWS console") || !strings.Contains(page.raw, acct.Name) || !strings.Contains(page.raw, acct.Roles[0]) {
		t.Fatalf("console page: %d %s", page.status, page.raw)
	}
	if again := h.get(login, ""); again.status != 400 {
		t.Error("sign-in token was accepted twice")
	}
	st := h.sb.Stats()
	if len(st.ConsoleLogins) != 1 || st.ConsoleLogins[0].AccountID != acct.ID || st.ConsoleLogins[0].RoleName != acct.Roles[0] || st.ConsoleLogins[0].Destination != dest {
		t.Errorf("console logins %+v", st.ConsoleLogins)
	}

	late := signin("").str("SigninToken")
	h.clock.Advance(signinTokenLifetime)
	if r := h.get("/federation?Action=login&SigninToken="+url.QueryEscape(late), ""); r.status != 400 {
		t.Error("expired sign-in token accepted")
	}
}

func TestStatsEndpoint(t *testing.T) {
	h := newHarness(t, Options{})
	h.signIn()
	r := h.get("/_sandbox/stats", "")
	calls := r.body["calls"].(map[string]any)
	if r.status != 200 || calls["RegisterClient"].(float64) != 1 || calls["CreateToken"].(float64) != 1 || r.body["logins"].(float64) != 1 {
		t.Fatalf("stats: %s", r.raw)
	}
}
