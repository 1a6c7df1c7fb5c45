package sandbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The fault tests put clients into hostile environments. Clients are built
// with explicit options rather than environment variables, so the tests
// can run in parallel.

func startSandbox(t *testing.T, opts Options) *Server {
	t.Helper()
	srv, err := Start(opts, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// sdkClients are the SDK's OIDC and portal clients for endpoint, sending
// through hc (nil: the SDK's default HTTP client).
func sdkClients(srv *Server, endpoint string, hc *http.Client) (*ssooidc.Client, *sso.Client) {
	oidcOpts := ssooidc.Options{Region: srv.Region(), BaseEndpoint: aws.String(endpoint)}
	portalOpts := sso.Options{Region: srv.Region(), BaseEndpoint: aws.String(endpoint)}
	if hc != nil {
		oidcOpts.HTTPClient, portalOpts.HTTPClient = hc, hc
	}
	return ssooidc.New(oidcOpts), sso.New(portalOpts)
}

// registerSDKClient registers a client for the device, authorization code
// and refresh grants.
func registerSDKClient(t *testing.T, oidc *ssooidc.Client) *ssooidc.RegisterClientOutput {
	t.Helper()
	reg, err := oidc.RegisterClient(context.Background(), &ssooidc.RegisterClientInput{
		ClientName: aws.String("faults"), ClientType: aws.String("public"),
		GrantTypes:   []string{grantDeviceCode, grantAuthCode, grantRefreshToken},
		RedirectUris: []string{"http://127.0.0.1/oauth/callback"},
		Scopes:       []string{"sso:account:access"},
	})
	if err != nil {
		t.Fatalf("RegisterClient: %v", err)
	}
	return reg
}

// autoSignIn runs the device flow with reg on a sandbox with AutoApprove.
func autoSignIn(t *testing.T, srv *Server, oidc *ssooidc.Client, reg *ssooidc.RegisterClientOutput) *ssooidc.CreateTokenOutput {
	t.Helper()
	ctx := context.Background()
	dev, err := oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(srv.StartURL()),
	})
	if err != nil {
		t.Fatalf("StartDeviceAuthorization: %v", err)
	}
	tok, err := oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String(grantDeviceCode), DeviceCode: dev.DeviceCode,
	})
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	return tok
}

func refreshWith(oidc *ssooidc.Client, reg *ssooidc.RegisterClientOutput, tok *ssooidc.CreateTokenOutput) error {
	_, err := oidc.CreateToken(context.Background(), &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String(grantRefreshToken), RefreshToken: tok.RefreshToken,
	})
	return err
}

func listAccounts(portal *sso.Client, tok *ssooidc.CreateTokenOutput) error {
	_, err := portal.ListAccounts(context.Background(), &sso.ListAccountsInput{AccessToken: tok.AccessToken})
	return err
}

// browserAuthorize visits /authorize for clientID as a browser would,
// without following the redirect.
func browserAuthorize(t *testing.T, srv *Server, clientID string) (status int, location, body string) {
	t.Helper()
	q := url.Values{
		"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {"http://127.0.0.1:49152/oauth/callback"},
		"code_challenge_method": {"S256"}, "code_challenge": {pkceChallenge(strings.Repeat("v", 43))}, "state": {"s"},
	}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(srv.URL() + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(raw)
}

func TestInspectingProxy(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, Options{})
	p, err := StartInspectingProxy(strings.TrimPrefix(srv.URL(), "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	proxyURL, _ := url.Parse(p.URL())
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(p.CAPEM()) {
		t.Fatal("CAPEM holds no certificate")
	}
	trusting := &http.Client{Transport: &http.Transport{
		Proxy:           http.ProxyURL(proxyURL),
		TLSClientConfig: &tls.Config{RootCAs: pool},
	}}
	t.Cleanup(trusting.CloseIdleConnections)

	// Two requests: the second must reuse the intercepted connection, as
	// SDKs do.
	for i := range 2 {
		var reused bool
		ctx := httptrace.WithClientTrace(context.Background(), &httptrace.ClientTrace{
			GotConn: func(info httptrace.GotConnInfo) { reused = info.Reused },
		})
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://sandbox.test/_sandbox/stats", nil)
		resp, err := trusting.Do(req)
		if err != nil {
			t.Fatalf("request %d through the proxy: %v", i, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"calls"`)) {
			t.Fatalf("request %d: %d %s", i, resp.StatusCode, body)
		}
		if leaf := resp.TLS.PeerCertificates[0]; !slices.Equal(leaf.DNSNames, []string{"sandbox.test"}) {
			t.Errorf("leaf certificate for %v, want sandbox.test", leaf.DNSNames)
		}
		if i == 1 && !reused {
			t.Error("the second request did not reuse the connection")
		}
	}

	// The SDK gets through too, to any host name, with the CA trusted.
	oidc, _ := sdkClients(srv, "https://oidc.us-east-1.amazonaws.com", trusting)
	registerSDKClient(t, oidc)

	// Plain http:// proxy requests are forwarded as well.
	resp, err := trusting.Get("http://sandbox.test/start")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("plain http through the proxy: %v %v", resp, err)
	}
	resp.Body.Close()
	if got := p.Requests(); got != 4 {
		t.Errorf("Requests() = %d, want 4", got)
	}

	// A client that does not trust the proxy's CA is stopped.
	untrusting := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL)}}
	t.Cleanup(untrusting.CloseIdleConnections)
	_, err = untrusting.Get("https://sandbox.test/_sandbox/stats")
	var unknownCA x509.UnknownAuthorityError
	if !errors.As(err, &unknownCA) {
		t.Errorf("client without the CA: %v, want x509.UnknownAuthorityError", err)
	}
	if got := p.Requests(); got != 4 {
		t.Errorf("Requests() = %d after a refused handshake, want 4", got)
	}

	// A request that is not for a proxy is refused.
	resp, err = http.Get(p.URL() + "/start")
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("origin-form request to the proxy: %v %v, want 400", resp, err)
	}
	resp.Body.Close()

	bundle := filepath.Join(t.TempDir(), "ca.pem")
	if err := p.WriteCA(bundle); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(bundle); !bytes.Equal(got, p.CAPEM()) {
		t.Error("WriteCA wrote something other than CAPEM")
	}
}

func TestInspectingProxyClose(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, Options{})
	p, err := StartInspectingProxy(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxyURL, _ := url.Parse(p.URL())
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(p.CAPEM())
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxyURL), TLSClientConfig: &tls.Config{RootCAs: pool}}}
	t.Cleanup(client.CloseIdleConnections)
	resp, err := client.Get("https://sandbox.test/start")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := p.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// The idle tunnel was dropped and no new one is accepted.
	if _, err := client.Get("https://sandbox.test/start"); err == nil {
		t.Error("request through a closed proxy succeeded")
	}
}

// flakyRun sends n POSTs through a flaky proxy on one keep-alive client and
// reports which failed and whether any failure was a connection reset.
func flakyRun(t *testing.T, p *FlakyProxy, n int) (failed []bool, sawReset bool) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	for range n {
		// POST: Go retries idempotent requests on reused connections,
		// which would hide resets from the count.
		resp, err := client.Post(p.URL()+"/client/register", "application/json",
			strings.NewReader(`{"clientName":"flaky","clientType":"public"}`))
		if err != nil {
			failed = append(failed, true)
			sawReset = sawReset || errors.Is(err, syscall.ECONNRESET)
			continue
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !bytes.Contains(body, []byte("clientSecret")) {
			t.Fatalf("forwarded request: %d %s", resp.StatusCode, body)
		}
		failed = append(failed, false)
	}
	return failed, sawReset
}

func startFlaky(t *testing.T, srv *Server, rate float64, seed uint64) *FlakyProxy {
	t.Helper()
	p, err := StartFlakyProxy(srv.URL(), rate, seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = p.Close() })
	return p
}

func TestFlakyProxyResets(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, Options{})
	const n = 40
	p := startFlaky(t, srv, 0.5, 7)
	failed, sawReset := flakyRun(t, p, n)
	resets := 0
	for _, f := range failed {
		if f {
			resets++
		}
	}
	if resets == 0 || resets == n {
		t.Fatalf("%d of %d requests failed at reset rate 0.5", resets, n)
	}
	if !sawReset {
		t.Error("no failure was a connection reset")
	}
	if p.Resets() != resets {
		t.Errorf("Resets() = %d, client saw %d failures", p.Resets(), resets)
	}
	// Forwarded requests share keep-alive connections: only a reset makes
	// the client dial again.
	if c := p.Connections(); c < resets || c > resets+1 {
		t.Errorf("Connections() = %d with %d resets", c, resets)
	}

	// The same seed fails the same requests.
	again, _ := flakyRun(t, startFlaky(t, srv, 0.5, 7), n)
	if !slices.Equal(failed, again) {
		t.Errorf("seed 7 failed %v, then %v", failed, again)
	}
}

func TestFlakyProxyRateZeroForwardsAll(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, Options{})
	p := startFlaky(t, srv, 0, 1)
	failed, _ := flakyRun(t, p, 20)
	if slices.Contains(failed, true) || p.Resets() != 0 {
		t.Errorf("rate 0: failures %v, Resets() = %d", failed, p.Resets())
	}
	if p.Connections() != 1 {
		t.Errorf("Connections() = %d, want 1 (keep-alive)", p.Connections())
	}
}

func TestRevokeSessions(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, Options{AutoApprove: true})
	oidc, portal := sdkClients(srv, srv.URL(), nil)
	reg := registerSDKClient(t, oidc)
	tok := autoSignIn(t, srv, oidc, reg)
	if err := listAccounts(portal, tok); err != nil {
		t.Fatalf("ListAccounts: %v", err)
	}

	srv.RevokeSessions()
	var unauthorized *ssotypes.UnauthorizedException
	if err := listAccounts(portal, tok); !errors.As(err, &unauthorized) {
		t.Errorf("ListAccounts after RevokeSessions: %v, want UnauthorizedException", err)
	}
	var invalidGrant *oidctypes.InvalidGrantException
	if err := refreshWith(oidc, reg, tok); !errors.As(err, &invalidGrant) {
		t.Errorf("refresh after RevokeSessions: %v, want InvalidGrantException", err)
	}

	// The registration survives: signing in again with it works.
	fresh := autoSignIn(t, srv, oidc, reg)
	if err := listAccounts(portal, fresh); err != nil {
		t.Errorf("ListAccounts after a new sign-in: %v", err)
	}
}

func TestRestart(t *testing.T) {
	t.Parallel()
	srv := startSandbox(t, Options{AutoApprove: true})
	ctx := context.Background()
	oidc, portal := sdkClients(srv, srv.URL(), nil)
	reg := registerSDKClient(t, oidc)
	tok := autoSignIn(t, srv, oidc, reg)
	acct := srv.Organisation().Accounts[0]
	creds, err := portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: tok.AccessToken, AccountId: aws.String(acct.ID), RoleName: aws.String(acct.Roles[0]),
	})
	if err != nil {
		t.Fatalf("GetRoleCredentials: %v", err)
	}
	startURL, logins := srv.StartURL(), srv.Stats().Logins

	srv.Restart()

	var unauthorized *ssotypes.UnauthorizedException
	if err := listAccounts(portal, tok); !errors.As(err, &unauthorized) {
		t.Errorf("ListAccounts after Restart: %v, want UnauthorizedException", err)
	}
	var invalidClient *oidctypes.InvalidClientException
	if err := refreshWith(oidc, reg, tok); !errors.As(err, &invalidClient) {
		t.Errorf("refresh after Restart: %v, want InvalidClientException", err)
	}
	_, err = oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(startURL),
	})
	if !errors.As(err, &invalidClient) {
		t.Errorf("StartDeviceAuthorization after Restart: %v, want InvalidClientException", err)
	}
	status, location, body := browserAuthorize(t, srv, aws.ToString(reg.ClientId))
	if status != http.StatusBadRequest || location != "" || !strings.Contains(body, "invalid_client") {
		t.Errorf("/authorize after Restart: %d, Location %q, page %s", status, location, body)
	}
	rc := creds.RoleCredentials
	stsClient := sts.New(sts.Options{Region: srv.Region(), BaseEndpoint: aws.String(srv.URL()), Credentials: staticCreds{aws.Credentials{
		AccessKeyID: aws.ToString(rc.AccessKeyId), SecretAccessKey: aws.ToString(rc.SecretAccessKey), SessionToken: aws.ToString(rc.SessionToken),
	}}})
	if _, err := stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "InvalidClientTokenId" {
		t.Errorf("GetCallerIdentity with forgotten keys: %v, want InvalidClientTokenId", err)
	}

	// What stays: the URL, the organisation, the stats, and the record of
	// secrets handed out.
	if srv.StartURL() != startURL || srv.Organisation().Account(acct.ID) == nil || srv.Stats().Logins != logins {
		t.Error("Restart lost the URL, the organisation or the stats")
	}
	if !slices.Contains(srv.Secrets(), aws.ToString(tok.AccessToken)) {
		t.Error("Secrets() forgot the access token issued before Restart")
	}

	// A new registration signs in again.
	fresh := autoSignIn(t, srv, oidc, registerSDKClient(t, oidc))
	if err := listAccounts(portal, fresh); err != nil {
		t.Errorf("ListAccounts after a new registration: %v", err)
	}
}

func TestExpiredRegistration(t *testing.T) {
	t.Parallel()
	clock := NewClock(time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC))
	srv := startSandbox(t, Options{AutoApprove: true, RegistrationLifetime: time.Hour, Now: clock.Now})
	oidc, _ := sdkClients(srv, srv.URL(), nil)
	reg := registerSDKClient(t, oidc)
	if life := reg.ClientSecretExpiresAt - reg.ClientIdIssuedAt; life != 3600 {
		t.Errorf("clientSecretExpiresAt - clientIdIssuedAt = %d s, want 3600", life)
	}
	tok := autoSignIn(t, srv, oidc, reg)
	if status, location, _ := browserAuthorize(t, srv, aws.ToString(reg.ClientId)); status != http.StatusFound || location == "" {
		t.Fatalf("/authorize with a live registration: %d %q", status, location)
	}

	clock.Advance(time.Hour)
	var invalidClient *oidctypes.InvalidClientException
	if err := refreshWith(oidc, reg, tok); !errors.As(err, &invalidClient) {
		t.Errorf("refresh with an expired registration: %v, want InvalidClientException", err)
	}
	_, err := oidc.StartDeviceAuthorization(context.Background(), &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(srv.StartURL()),
	})
	if !errors.As(err, &invalidClient) {
		t.Errorf("StartDeviceAuthorization with an expired registration: %v, want InvalidClientException", err)
	}
	status, location, body := browserAuthorize(t, srv, aws.ToString(reg.ClientId))
	if status != http.StatusBadRequest || location != "" || !strings.Contains(body, "invalid_client") {
		t.Errorf("/authorize with an expired registration: %d, Location %q, page %s", status, location, body)
	}
}

func TestCaptivePortal(t *testing.T) {
	t.Parallel()
	c, err := StartCaptivePortal()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, "/", ""},
		{http.MethodGet, "/assignment/accounts?max_result=100", ""},
		{http.MethodPost, "/token", `{"grantType":"refresh_token"}`},
		{http.MethodDelete, "/anything/at/all", ""},
	} {
		req, _ := http.NewRequest(tc.method, c.URL()+tc.path, strings.NewReader(tc.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", tc.method, tc.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(body, []byte("<form")) {
			t.Errorf("%s %s: %d %s %s", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}

	// The SDK must not take the login page for an answer.
	srv := startSandbox(t, Options{})
	oidc, _ := sdkClients(srv, c.URL(), nil)
	if _, err := oidc.RegisterClient(context.Background(), &ssooidc.RegisterClientInput{
		ClientName: aws.String("captive"), ClientType: aws.String("public"),
	}); err == nil {
		t.Error("RegisterClient against a captive portal succeeded")
	}
	if err := c.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := http.Get(c.URL()); err == nil {
		t.Error("the portal still answers after Close")
	}
}
