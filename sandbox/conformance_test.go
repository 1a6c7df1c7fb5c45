package sandbox

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	ssotypes "github.com/aws/aws-sdk-go-v2/service/sso/types"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The conformance tests drive the sandbox with aws-sdk-go-v2's own clients,
// built by config.LoadDefaultConfig and pointed at it only through the
// standard AWS_ENDPOINT_URL_* variables: if the SDK's deserializers accept
// our answers and errors, real tools will too.

func startForSDK(t *testing.T, opts Options) (*Server, aws.Config) {
	t.Helper()
	srv, err := Start(opts, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_REGION", srv.Region())
	t.Setenv("AWS_ENDPOINT_URL_SSO_OIDC", srv.URL())
	t.Setenv("AWS_ENDPOINT_URL_SSO", srv.URL())
	t.Setenv("AWS_ENDPOINT_URL_STS", srv.URL())
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return srv, cfg
}

func sdkDeviceSignIn(t *testing.T, srv *Server, oidc *ssooidc.Client) *ssooidc.CreateTokenOutput {
	t.Helper()
	ctx := context.Background()
	reg, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{
		ClientName: aws.String("conformance"), ClientType: aws.String("public"),
		GrantTypes: []string{grantDeviceCode, grantRefreshToken},
		Scopes:     []string{"sso:account:access"},
	})
	if err != nil {
		t.Fatalf("RegisterClient: %v", err)
	}
	dev, err := oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(srv.StartURL()),
	})
	if err != nil {
		t.Fatalf("StartDeviceAuthorization: %v", err)
	}
	in := &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
		GrantType: aws.String(grantDeviceCode), DeviceCode: dev.DeviceCode,
	}
	_, err = oidc.CreateToken(ctx, in)
	var pending *oidctypes.AuthorizationPendingException
	if !errors.As(err, &pending) || aws.ToString(pending.Error_) != "authorization_pending" {
		t.Fatalf("CreateToken before approval: %v, want AuthorizationPendingException", err)
	}
	_, err = oidc.CreateToken(ctx, in)
	var slow *oidctypes.SlowDownException
	if !errors.As(err, &slow) {
		t.Fatalf("CreateToken polled at once: %v, want SlowDownException", err)
	}
	resp, err := http.Get(aws.ToString(dev.VerificationUriComplete))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("verification page: %v %v", resp, err)
	}
	resp.Body.Close()
	time.Sleep(time.Duration(dev.Interval) * time.Second)
	tok, err := oidc.CreateToken(ctx, in)
	if err != nil {
		t.Fatalf("CreateToken after approval: %v", err)
	}
	return tok
}

func TestSDKDeviceFlowRefreshAndCallerIdentity(t *testing.T) {
	srv, cfg := startForSDK(t, Options{})
	ctx := context.Background()
	oidc := ssooidc.NewFromConfig(cfg)
	tok := sdkDeviceSignIn(t, srv, oidc)
	if tok.RefreshToken == nil || tok.ExpiresIn <= 0 {
		t.Fatalf("token output %+v", tok)
	}

	portal := sso.NewFromConfig(cfg)
	acct := srv.Organisation().Accounts[1]
	creds, err := portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: tok.AccessToken, AccountId: aws.String(acct.ID), RoleName: aws.String("ViewOnlyAccess"),
	})
	if err != nil {
		t.Fatalf("GetRoleCredentials: %v", err)
	}
	rc := creds.RoleCredentials
	if until := time.Until(time.UnixMilli(rc.Expiration)); until < 50*time.Minute || until > time.Hour {
		t.Errorf("expiration %d is not an hour ahead in epoch milliseconds", rc.Expiration)
	}

	// STS with the issued keys, signed by the SDK's SigV4 signer.
	stsClient := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Credentials = aws.NewCredentialsCache(staticCreds{aws.Credentials{
			AccessKeyID: *rc.AccessKeyId, SecretAccessKey: *rc.SecretAccessKey, SessionToken: *rc.SessionToken,
		}})
	})
	id, err := stsClient.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity: %v", err)
	}
	want := "arn:aws:sts::" + acct.ID + ":assumed-role/AWSReservedSSO_ViewOnlyAccess_" + roleIDSuffix(srv.opts.Seed, acct.ID, "ViewOnlyAccess") + "/sandbox.user"
	if aws.ToString(id.Arn) != want || aws.ToString(id.Account) != acct.ID {
		t.Errorf("caller identity %s, want %s", aws.ToString(id.Arn), want)
	}
	bogus := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Credentials = staticCreds{aws.Credentials{AccessKeyID: "ASIAFORGED", SecretAccessKey: "x", SessionToken: "y"}}
	})
	if _, err := bogus.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "InvalidClientTokenId" {
		t.Errorf("forged keys: %v, want InvalidClientTokenId", err)
	}
	wrongSecret := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Credentials = staticCreds{aws.Credentials{AccessKeyID: *rc.AccessKeyId, SecretAccessKey: "wrong", SessionToken: *rc.SessionToken}}
	})
	if _, err := wrongSecret.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "SignatureDoesNotMatch" {
		t.Errorf("wrong secret: %v, want SignatureDoesNotMatch", err)
	}

	// Refresh, then logout ends the session.
	var clientID, clientSecret string
	for _, c := range srv.clients {
		clientID, clientSecret = c.id, c.secret
	}
	refreshed, err := oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: &clientID, ClientSecret: &clientSecret, GrantType: aws.String(grantRefreshToken), RefreshToken: tok.RefreshToken,
	})
	if err != nil {
		t.Fatalf("refresh: %v", err)
	}
	if _, err := portal.Logout(ctx, &sso.LogoutInput{AccessToken: refreshed.AccessToken}); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	_, err = portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: refreshed.AccessToken})
	var unauthorized *ssotypes.UnauthorizedException
	if !errors.As(err, &unauthorized) {
		t.Errorf("ListAccounts after logout: %v, want UnauthorizedException", err)
	}
	_, err = oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: &clientID, ClientSecret: &clientSecret, GrantType: aws.String(grantRefreshToken), RefreshToken: tok.RefreshToken,
	})
	var invalidGrant *oidctypes.InvalidGrantException
	if !errors.As(err, &invalidGrant) {
		t.Errorf("refresh after logout: %v, want InvalidGrantException", err)
	}
	_, err = oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: &clientID, ClientSecret: aws.String("wrong"), GrantType: aws.String(grantRefreshToken), RefreshToken: tok.RefreshToken,
	})
	var invalidClient *oidctypes.InvalidClientException
	if !errors.As(err, &invalidClient) {
		t.Errorf("wrong client secret: %v, want InvalidClientException", err)
	}
}

func TestSDKAuthorizationCodeFlow(t *testing.T) {
	srv, cfg := startForSDK(t, Options{})
	ctx := context.Background()
	oidc := ssooidc.NewFromConfig(cfg)
	reg, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{
		ClientName: aws.String("conformance-pkce"), ClientType: aws.String("public"),
		GrantTypes:   []string{grantAuthCode, grantRefreshToken},
		RedirectUris: []string{"http://127.0.0.1/oauth/callback"},
		IssuerUrl:    aws.String(srv.StartURL()),
		Scopes:       []string{"sso:account:access"},
	})
	if err != nil {
		t.Fatalf("RegisterClient: %v", err)
	}
	verifier := "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-."
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://127.0.0.1:51234/oauth/callback"
	q := url.Values{
		"response_type": {"code"}, "client_id": {*reg.ClientId}, "redirect_uri": {redirect},
		"state": {"s1"}, "code_challenge_method": {"S256"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "scopes": {"sso:account:access"},
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(srv.URL() + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	tok, err := oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String(grantAuthCode),
		Code: aws.String(loc.Query().Get("code")), CodeVerifier: aws.String(verifier), RedirectUri: aws.String(redirect),
	})
	if err != nil {
		t.Fatalf("CreateToken with code: %v", err)
	}
	if tok.AccessToken == nil || tok.RefreshToken == nil {
		t.Fatalf("token output %+v", tok)
	}
	_, err = oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(srv.StartURL()),
	})
	var unauthorizedClient *oidctypes.UnauthorizedClientException
	if !errors.As(err, &unauthorizedClient) {
		t.Errorf("device flow with a PKCE-only client: %v, want UnauthorizedClientException", err)
	}
}

func TestSDKPaginatorsAndThrottling(t *testing.T) {
	srv, cfg := startForSDK(t, Options{Accounts: 500})
	ctx := context.Background()
	tok := sdkDeviceSignIn(t, srv, ssooidc.NewFromConfig(cfg))
	portal := sso.NewFromConfig(cfg)
	pages := sso.NewListAccountsPaginator(portal, &sso.ListAccountsInput{AccessToken: tok.AccessToken, MaxResults: aws.Int32(100)})
	seen := map[string]bool{}
	roles := 0
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatalf("ListAccounts page: %v", err)
		}
		for _, a := range page.AccountList {
			seen[*a.AccountId] = true
			rp := sso.NewListAccountRolesPaginator(portal, &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: a.AccountId, MaxResults: aws.Int32(2)})
			for rp.HasMorePages() {
				rpage, err := rp.NextPage(ctx)
				if err != nil {
					t.Fatalf("ListAccountRoles: %v", err)
				}
				roles += len(rpage.RoleList)
			}
		}
	}
	if len(seen) != 500 || roles != srv.Organisation().RoleCount() {
		t.Fatalf("paginators saw %d accounts and %d roles, want 500 and %d", len(seen), roles, srv.Organisation().RoleCount())
	}

	throttled, cfg2 := startForSDK(t, Options{ThrottleRPS: 0.001, ThrottleBurst: 1})
	tok = sdkDeviceSignIn(t, throttled, ssooidc.NewFromConfig(cfg2))
	noRetry := sso.NewFromConfig(cfg2, func(o *sso.Options) { o.RetryMaxAttempts = 1 })
	in := &sso.ListAccountsInput{AccessToken: tok.AccessToken}
	if _, err := noRetry.ListAccounts(ctx, in); err != nil {
		t.Fatalf("first call within the burst: %v", err)
	}
	_, err := noRetry.ListAccounts(ctx, in)
	var tooMany *ssotypes.TooManyRequestsException
	if !errors.As(err, &tooMany) {
		t.Fatalf("throttled call: %v, want TooManyRequestsException", err)
	}
}

type staticCreds struct{ c aws.Credentials }

func (s staticCreds) Retrieve(context.Context) (aws.Credentials, error) { return s.c, nil }

func apiCode(err error) string {
	var api interface{ ErrorCode() string }
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
