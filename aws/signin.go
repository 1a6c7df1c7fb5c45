package aws

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
)

const (
	grantDeviceCode   = "urn:ietf:params:oauth:grant-type:device_code"
	grantAuthCode     = "authorization_code"
	grantRefreshToken = "refresh_token"

	// RefreshWindow: a token with less than this left is refreshed, as
	// botocore does (the Go SDK waits for expiry).
	RefreshWindow = 15 * time.Minute
	// registrationMargin: a registration this close to expiry is replaced.
	registrationMargin = 15 * time.Minute
	// slowDownStep is added to the polling interval on SlowDownException.
	slowDownStep = 5 * time.Second
)

// Flow is a way of signing in.
type Flow int

const (
	// FlowBrowser is the authorization code flow with PKCE: the browser
	// comes back to a listener on 127.0.0.1, so it must run on this
	// machine.
	FlowBrowser Flow = iota
	// FlowDeviceCode is the device code flow: a code confirmed in any
	// browser, on any device.
	FlowDeviceCode
)

// ChooseFlow is the one rule for how a person signs in, on the command
// line and in the picker: the device code when they ask for it, or when no
// browser can be opened here (over SSH, say) and they did not ask to open
// the URL themselves; else the browser flow, whose URL is shown instead of
// opened with noBrowser.
func ChooseFlow(useDeviceCode, noBrowser, canOpenBrowser bool) Flow {
	if useDeviceCode || !canOpenBrowser && !noBrowser {
		return FlowDeviceCode
	}
	return FlowBrowser
}

// ErrSignInRequired means no token can be had without the person signing in.
var ErrSignInRequired = errors.New("sign-in required")

// OIDCAPI is the part of the SSO OIDC client that sign-in uses.
type OIDCAPI interface {
	RegisterClient(context.Context, *ssooidc.RegisterClientInput, ...func(*ssooidc.Options)) (*ssooidc.RegisterClientOutput, error)
	StartDeviceAuthorization(context.Context, *ssooidc.StartDeviceAuthorizationInput, ...func(*ssooidc.Options)) (*ssooidc.StartDeviceAuthorizationOutput, error)
	CreateToken(context.Context, *ssooidc.CreateTokenInput, ...func(*ssooidc.Options)) (*ssooidc.CreateTokenOutput, error)
}

// Auth signs in to one session and keeps its token in the shared cache.
type Auth struct {
	Session Session
	OIDC    OIDCAPI
	// OIDCEndpoint gives the resolved OIDC endpoint; the browser flow's
	// authorize URL is built on it.
	OIDCEndpoint func(context.Context) (string, error)
	Cache        TokenCache
	Now          func() time.Time
	// wait pauses between device-code polls (default: sleep); tests
	// record the intervals instead of waiting them out.
	wait func(context.Context, time.Duration) error
}

func (a *Auth) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// Token returns a usable token without asking the person anything: the
// cached one while it has more than RefreshWindow left, else a refreshed
// one. If refreshing fails but the cached token has not expired yet, that
// token is returned. Otherwise the error wraps ErrSignInRequired.
func (a *Auth) Token(ctx context.Context) (*Token, error) {
	tok, err := a.Cache.LoadToken(a.Session)
	if err == nil && tok.ExpiresAt.Sub(a.now()) > RefreshWindow {
		return tok, nil
	}
	unlock, lerr := a.Cache.Lock(ctx, a.Session)
	if lerr != nil {
		return nil, lerr
	}
	defer unlock()
	// Another process may have refreshed while we waited for the lock.
	tok, err = a.Cache.LoadToken(a.Session)
	if err != nil {
		return nil, fmt.Errorf("%w for %s: %w", ErrSignInRequired, a.Session.Label(), err)
	}
	if tok.ExpiresAt.Sub(a.now()) > RefreshWindow {
		return tok, nil
	}
	if !a.canRefresh(tok) {
		// Legacy and ad-hoc sign-ins have no refresh token: use the
		// token to its end.
		if a.now().Before(tok.ExpiresAt) {
			return tok, nil
		}
		return nil, fmt.Errorf("%w: the sign-in to %s has expired and cannot be refreshed", ErrSignInRequired, a.Session.Label())
	}
	refreshed, rerr := a.refresh(ctx, tok)
	if rerr == nil {
		return refreshed, nil
	}
	if a.now().Before(tok.ExpiresAt) && !errors.Is(rerr, ErrSignInRequired) {
		return tok, nil // still valid; refresh again next time
	}
	return nil, rerr
}

// refresh redeems tok's refresh token and saves the result; the caller
// holds the session's lock.
func (a *Auth) refresh(ctx context.Context, tok *Token) (*Token, error) {
	if !a.canRefresh(tok) {
		return nil, fmt.Errorf("%w: the sign-in to %s has expired and cannot be refreshed", ErrSignInRequired, a.Session.Label())
	}
	out, err := a.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId:     &tok.ClientID,
		ClientSecret: &tok.ClientSecret,
		GrantType:    sdkaws.String(grantRefreshToken),
		RefreshToken: &tok.RefreshToken,
	})
	if err != nil {
		var grant *oidctypes.InvalidGrantException
		var client *oidctypes.InvalidClientException
		var expired *oidctypes.ExpiredTokenException
		if errors.As(err, &client) {
			// The service no longer knows the client: the next sign-in
			// registers a new one.
			_ = a.Cache.DeleteRegistration(a.Session)
		}
		if errors.As(err, &grant) || errors.As(err, &client) || errors.As(err, &expired) {
			return nil, fmt.Errorf("%w: the sign-in to %s was revoked or has expired", ErrSignInRequired, a.Session.Label())
		}
		return nil, plainError("refresh the sign-in to "+a.Session.Label(), err)
	}
	next := *tok
	next.AccessToken = sdkaws.ToString(out.AccessToken)
	next.ExpiresAt = a.now().Add(time.Duration(out.ExpiresIn) * time.Second)
	if out.RefreshToken != nil {
		next.RefreshToken = *out.RefreshToken
	}
	if err := a.Cache.SaveToken(a.Session, &next); err != nil {
		return nil, err
	}
	return &next, nil
}

// canRefresh: the token has a refresh token and a live registration.
func (a *Auth) canRefresh(tok *Token) bool {
	return tok.RefreshToken != "" && tok.ClientID != "" && a.now().Before(tok.RegistrationExpiresAt)
}

// withRegistration runs use with a client registration for the given
// grant types: the cached one (shared with the AWS CLI) where it fits, else
// a new one. A cached registration the service no longer knows (it was
// revoked, the service forgot it, its secret expired early) is discarded
// and replaced once, without the person doing anything.
func (a *Auth) withRegistration(ctx context.Context, grants []string, redirectURI string, use func(*Registration) error) (*Registration, error) {
	if r, err := a.Cache.LoadRegistration(a.Session); err == nil && r.ExpiresAt.Sub(a.now()) > registrationMargin && fitsGrants(r, grants) {
		err := use(r)
		var client *oidctypes.InvalidClientException
		if !errors.As(err, &client) {
			return r, err
		}
		if err := a.Cache.DeleteRegistration(a.Session); err != nil {
			return nil, err
		}
	}
	r, err := a.register(ctx, grants, redirectURI)
	if err != nil {
		return nil, err
	}
	return r, use(r)
}

// register registers ssopick as a client of the session's Identity Center
// and caches the registration.
func (a *Auth) register(ctx context.Context, grants []string, redirectURI string) (*Registration, error) {
	r, err := a.newRegistration(ctx, grants, redirectURI)
	if err != nil {
		return nil, err
	}
	if err := a.Cache.SaveRegistration(a.Session, r); err != nil {
		return nil, err
	}
	return r, nil
}

// newRegistration registers ssopick as a client of the session's Identity
// Center, caching nothing.
func (a *Auth) newRegistration(ctx context.Context, grants []string, redirectURI string) (*Registration, error) {
	scopes := a.Session.Scopes
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	in := &ssooidc.RegisterClientInput{
		ClientName: sdkaws.String(clientName(a.Session, a.now())),
		ClientType: sdkaws.String("public"),
		Scopes:     scopes,
		GrantTypes: grants,
	}
	if redirectURI != "" {
		in.RedirectUris = []string{redirectURI}
		in.IssuerUrl = sdkaws.String(a.Session.StartURL)
	}
	out, err := a.OIDC.RegisterClient(ctx, in)
	if err != nil {
		return nil, plainError("register ssopick with IAM Identity Center in "+a.Session.Region, err)
	}
	return &Registration{
		ClientID:     sdkaws.ToString(out.ClientId),
		ClientSecret: sdkaws.ToString(out.ClientSecret),
		ExpiresAt:    time.Unix(out.ClientSecretExpiresAt, 0).UTC(),
		Scopes:       scopes,
		GrantTypes:   grants,
	}, nil
}

// ErrUnknownStartURL means IAM Identity Center in the session's region
// refused the session's start URL: the region, or the URL, is wrong.
var ErrUnknownStartURL = errors.New("IAM Identity Center does not know the start URL")

// unknownStartURLError is ErrUnknownStartURL said in full.
type unknownStartURLError string

func (e unknownStartURLError) Error() string        { return string(e) }
func (e unknownStartURLError) Is(target error) bool { return target == ErrUnknownStartURL }

// CheckStartURL asks IAM Identity Center in the session's region whether
// it knows the session's start URL, before the session is written
// anywhere: a wrong region would otherwise fail only at the end of the
// sign-in, as invalid_grant. It costs two calls and no browser: it
// registers a public client (for the device flow) and starts a device
// authorization for the start URL, which a region without that access
// portal refuses (InvalidRequestException). The authorization is left to
// expire. The registration is cached nowhere: the caller may keep it for
// the session with Cache.SaveRegistration once the session is written,
// where a device-code sign-in reuses it.
func (a *Auth) CheckStartURL(ctx context.Context) (*Registration, error) {
	var grants []string
	if a.Session.Name != "" {
		grants = []string{grantDeviceCode, grantRefreshToken} // as SignInWithDeviceCode registers
	}
	reg, err := a.newRegistration(ctx, grants, "")
	if err != nil {
		return nil, err
	}
	_, err = a.OIDC.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: &reg.ClientID, ClientSecret: &reg.ClientSecret, StartUrl: &a.Session.StartURL,
	})
	var invalid *oidctypes.InvalidRequestException
	switch {
	case errors.As(err, &invalid):
		return nil, unknownStartURLError(fmt.Sprintf(`IAM Identity Center in %s does not know %s; enter the SSO region that the access portal shows under "Access keys" (or ask your administrator), or correct the start URL`,
			a.Session.Region, a.Session.StartURL))
	case err != nil:
		return nil, plainError("check the start URL with IAM Identity Center in "+a.Session.Region, err)
	}
	return reg, nil
}

// fitsGrants: a registration made for the browser flow cannot run the
// device flow and the other way round; legacy registrations (no grant
// types) serve the device flow only.
func fitsGrants(r *Registration, grants []string) bool {
	if len(r.GrantTypes) == 0 {
		return grants == nil || slices.Equal(grants, []string{grantDeviceCode})
	}
	for _, g := range grants {
		if !slices.Contains(r.GrantTypes, g) {
			return false
		}
	}
	return grants != nil
}

func clientName(s Session, now time.Time) string {
	if s.Name != "" {
		return "ssopick-" + s.Name
	}
	return fmt.Sprintf("ssopick-%d", now.Unix())
}

// DeviceCode is what the person needs to approve a device sign-in.
type DeviceCode struct {
	UserCode                string
	VerificationURI         string
	VerificationURIComplete string
	ExpiresAt               time.Time
}

// SignInWithDeviceCode runs the device authorization flow: show is called
// once with the code to approve, then the token endpoint is polled at the
// interval the service asks for until the person approves, the code
// expires or ctx ends.
func (a *Auth) SignInWithDeviceCode(ctx context.Context, show func(DeviceCode)) (*Token, error) {
	var grants []string
	if a.Session.Name != "" {
		grants = []string{grantDeviceCode, grantRefreshToken}
	}
	var dev *ssooidc.StartDeviceAuthorizationOutput
	reg, err := a.withRegistration(ctx, grants, "", func(reg *Registration) (err error) {
		dev, err = a.OIDC.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
			ClientId: &reg.ClientID, ClientSecret: &reg.ClientSecret, StartUrl: &a.Session.StartURL,
		})
		return err
	})
	if err != nil {
		return nil, plainError("start the device sign-in for "+a.Session.Label(), err)
	}
	show(DeviceCode{
		UserCode:                sdkaws.ToString(dev.UserCode),
		VerificationURI:         sdkaws.ToString(dev.VerificationUri),
		VerificationURIComplete: sdkaws.ToString(dev.VerificationUriComplete),
		ExpiresAt:               a.now().Add(time.Duration(dev.ExpiresIn) * time.Second),
	})
	interval := time.Duration(max(dev.Interval, 1)) * time.Second
	in := &ssooidc.CreateTokenInput{
		ClientId: &reg.ClientID, ClientSecret: &reg.ClientSecret,
		GrantType: sdkaws.String(grantDeviceCode), DeviceCode: dev.DeviceCode,
	}
	// The first poll goes out at once: an approval may already be there.
	for first := true; ; first = false {
		if !first {
			wait := a.wait
			if wait == nil {
				wait = sleep
			}
			if err := wait(ctx, interval); err != nil {
				return nil, err
			}
		}
		out, err := a.OIDC.CreateToken(ctx, in)
		var pending *oidctypes.AuthorizationPendingException
		var slow *oidctypes.SlowDownException
		var expired *oidctypes.ExpiredTokenException
		switch {
		case err == nil:
			return a.store(ctx, reg, out)
		case errors.As(err, &pending):
		case errors.As(err, &slow):
			interval += slowDownStep
		case errors.As(err, &expired):
			return nil, errors.New("the sign-in code expired before it was approved; run the sign-in again")
		default:
			return nil, plainError("wait for the sign-in to "+a.Session.Label(), err)
		}
	}
}

// SignInWithBrowser runs the authorization code flow with PKCE: it listens
// on a loopback port first, then has open show the authorize URL in a
// browser, and redeems the code the browser brings back.
func (a *Auth) SignInWithBrowser(ctx context.Context, open func(url string) error) (*Token, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the browser's redirect: %w", err)
	}
	defer ln.Close()
	redirect := fmt.Sprintf("http://%s/oauth/callback", ln.Addr())
	reg, err := a.withRegistration(ctx, []string{grantAuthCode, grantRefreshToken}, "http://127.0.0.1/oauth/callback",
		func(reg *Registration) error { return a.checkClient(ctx, reg, redirect) })
	if err != nil {
		return nil, err
	}
	endpoint, err := a.OIDCEndpoint(ctx)
	if err != nil {
		return nil, err
	}
	verifier, state := randomString(64), randomString(32)
	sum := sha256.Sum256([]byte(verifier))
	authorize := strings.TrimSuffix(endpoint, "/") + "/authorize?" + url.Values{
		"response_type":         {"code"},
		"client_id":             {reg.ClientID},
		"redirect_uri":          {redirect},
		"state":                 {state},
		"code_challenge_method": {"S256"},
		"scopes":                {strings.Join(reg.Scopes, " ")},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
	}.Encode()

	codes := make(chan callbackResult, 1)
	srv := &http.Server{Handler: callbackHandler(state, codes), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	if err := open(authorize); err != nil {
		return nil, err
	}
	var res callbackResult
	select {
	case res = <-codes:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if res.err != nil {
		return nil, res.err
	}
	out, err := a.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: &reg.ClientID, ClientSecret: &reg.ClientSecret, GrantType: sdkaws.String(grantAuthCode),
		Code: &res.code, CodeVerifier: &verifier, RedirectUri: &redirect,
	})
	if err != nil {
		return nil, plainError("finish the sign-in to "+a.Session.Label(), err)
	}
	return a.store(ctx, reg, out)
}

// checkClient asks the service whether it still knows reg's client before
// a browser is sent to /authorize with it: a browser shown invalid_client
// would leave the person stuck. Redeeming a made-up code costs one request
// and answers InvalidGrantException for a known client,
// InvalidClientException for an unknown one.
func (a *Auth) checkClient(ctx context.Context, reg *Registration, redirect string) error {
	_, err := a.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId: &reg.ClientID, ClientSecret: &reg.ClientSecret, GrantType: sdkaws.String(grantAuthCode),
		Code: sdkaws.String("ssopick-client-check"), CodeVerifier: sdkaws.String(randomString(64)), RedirectUri: &redirect,
	})
	var client *oidctypes.InvalidClientException
	if errors.As(err, &client) {
		return err
	}
	return nil // anything else says nothing about the client: go on
}

type callbackResult struct {
	code string
	err  error
}

// callbackHandler receives the browser's redirect once, checks state, and
// tells the person they can close the tab.
func callbackHandler(state string, results chan<- callbackResult) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /oauth/callback", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var res callbackResult
		switch {
		case q.Get("state") != state:
			res.err = errors.New("the browser returned a sign-in for another request (state mismatch); run the sign-in again")
		case q.Get("error") != "":
			res.err = fmt.Errorf("IAM Identity Center refused the sign-in: %s %s", q.Get("error"), q.Get("error_description"))
		case q.Get("code") == "":
			res.err = errors.New("the browser returned no authorization code; run the sign-in again")
		default:
			res.code = q.Get("code")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if res.err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, callbackPage("Sign-in failed",
				"ssopick could not take this sign-in; your terminal says why. You can close this tab.",
				"To try again, run <code>ssopick login</code> in your terminal."))
		} else {
			fmt.Fprint(w, callbackPage("Signed in",
				"ssopick has your sign-in and is finishing it in your terminal. You can close this tab.",
				"If your terminal does not say you are signed in (ssopick was stopped, or is no longer waiting), run <code>ssopick login</code> there again."))
		}
		select {
		case results <- res:
		default: // a second redirect; the first one counts
		}
	})
	return mux
}

// callbackPage is the page the browser shows at the end of the sign-in;
// its texts are ssopick's own (HTML), never the service's.
func callbackPage(title, text, next string) string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ssopick: ` + title + `</title>
<style>body{font-family:system-ui,sans-serif;max-width:40em;margin:4em auto}</style></head>
<body><h1>` + title + `</h1><p>` + text + `</p><p>` + next + `</p></body></html>
`
}

// store saves a fresh token with its registration and returns it.
func (a *Auth) store(ctx context.Context, reg *Registration, out *ssooidc.CreateTokenOutput) (*Token, error) {
	tok := &Token{
		StartURL:              a.Session.StartURL,
		Region:                a.Session.Region,
		AccessToken:           sdkaws.ToString(out.AccessToken),
		ExpiresAt:             a.now().Add(time.Duration(out.ExpiresIn) * time.Second),
		ClientID:              reg.ClientID,
		ClientSecret:          reg.ClientSecret,
		RegistrationExpiresAt: reg.ExpiresAt,
		RefreshToken:          sdkaws.ToString(out.RefreshToken),
	}
	unlock, err := a.Cache.Lock(ctx, a.Session)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if old, err := a.Cache.LoadToken(a.Session); err == nil {
		tok.extra = old.extra
	}
	if err := a.Cache.SaveToken(a.Session, tok); err != nil {
		return nil, err
	}
	return tok, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// randomString is n characters of [0-9a-f], valid in PKCE verifiers and
// OAuth state alike.
func randomString(n int) string {
	b := make([]byte, (n+1)/2)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)[:n]
}
