package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

const (
	grantDeviceCode   = "urn:ietf:params:oauth:grant-type:device_code"
	grantAuthCode     = "authorization_code"
	grantRefreshToken = "refresh_token"

	// clientLifetime is the default Options.RegistrationLifetime, AWS's.
	clientLifetime   = 90 * 24 * time.Hour
	authCodeLifetime = 5 * time.Minute
	// pollSlack forgives network jitter when judging whether a client
	// polled faster than the interval it was given.
	pollSlack = 250 * time.Millisecond
)

type client struct {
	id, secret   string
	name         string
	scopes       []string
	grantTypes   []string // empty: a legacy device-flow registration
	redirectURIs []string
	expiresAt    time.Time
}

func (c *client) allows(grant string) bool {
	if len(c.grantTypes) == 0 {
		return grant == grantDeviceCode
	}
	return slices.Contains(c.grantTypes, grant)
}

type deviceAuth struct {
	clientID   string
	deviceCode string
	userCode   string
	expiresAt  time.Time
	interval   time.Duration
	lastPoll   time.Time
	approved   bool
	redeemed   bool
}

type authCode struct {
	clientID    string
	redirectURI string
	challenge   string
	scopes      []string
	expiresAt   time.Time
	redeemed    bool
}

// session is one sign-in of the user: the tokens it produced share it, so
// Logout ends all of them.
type session struct{ revoked bool }

type accessToken struct {
	clientID  string
	expiresAt time.Time
	revoked   bool
	session   *session
}

type refreshToken struct {
	clientID string
	scopes   []string
	revoked  bool
	session  *session
}

// readRequest decodes a restJson1 request body into v; complete then says
// whether the required fields (named in required) are set. Otherwise it
// answers InvalidRequestException and reports false.
func readRequest(w http.ResponseWriter, r *http.Request, v any, required string, complete func() bool) bool {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	if err := dec.Decode(v); err != nil {
		invalidRequest(fmt.Sprintf("malformed JSON body: %v", err)).write(w)
		return false
	}
	if !complete() {
		invalidRequest(required + " required").write(w)
		return false
	}
	return true
}

func (s *Sandbox) registerClient(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ClientName   string   `json:"clientName"`
		ClientType   string   `json:"clientType"`
		Scopes       []string `json:"scopes"`
		GrantTypes   []string `json:"grantTypes"`
		RedirectURIs []string `json:"redirectUris"`
		IssuerURL    string   `json:"issuerUrl"`
	}
	if !readRequest(w, r, &req, "clientName is", func() bool { return req.ClientName != "" }) {
		return
	}
	switch {
	case req.ClientType != "public":
		invalidRequest("clientType must be public").write(w)
		return
	}
	for _, g := range req.GrantTypes {
		if g != grantDeviceCode && g != grantAuthCode && g != grantRefreshToken {
			oidcError{http.StatusBadRequest, "UnsupportedGrantTypeException", "unsupported_grant_type", "Unsupported grant type: " + g}.write(w)
			return
		}
	}
	if slices.Contains(req.GrantTypes, grantAuthCode) {
		if len(req.RedirectURIs) == 0 {
			oidcError{http.StatusBadRequest, "InvalidRedirectUriException", "invalid_redirect_uri", "redirectUris are required for the authorization_code grant"}.write(w)
			return
		}
		for _, u := range req.RedirectURIs {
			if !isLoopbackRedirect(u) {
				oidcError{http.StatusBadRequest, "InvalidRedirectUriException", "invalid_redirect_uri", "Invalid redirect URI: " + u}.write(w)
				return
			}
		}
	}
	for _, sc := range req.Scopes {
		if strings.TrimSpace(sc) == "" {
			oidcError{http.StatusBadRequest, "InvalidScopeException", "invalid_scope", "Invalid scope"}.write(w)
			return
		}
	}
	now := s.now()
	c := &client{
		id:           randomToken("", 24),
		secret:       randomToken("eyJraWQiOiJrZXktc2FuZGJveCJ9.", 96),
		name:         req.ClientName,
		scopes:       req.Scopes,
		grantTypes:   req.GrantTypes,
		redirectURIs: req.RedirectURIs,
		expiresAt:    now.Add(s.opts.RegistrationLifetime),
	}
	s.mu.Lock()
	s.clients[c.id] = c
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"clientId":              c.id,
		"clientSecret":          c.secret,
		"clientIdIssuedAt":      now.Unix(),
		"clientSecretExpiresAt": c.expiresAt.Unix(),
		"authorizationEndpoint": s.BaseURL() + "/authorize",
		"tokenEndpoint":         s.BaseURL() + "/token",
	})
}

// authenticate checks a client's id and secret; the caller holds s.mu.
func (s *Sandbox) authenticate(id, secret string) (*client, *oidcError) {
	c := s.clients[id]
	if c == nil || c.secret != secret {
		e := invalidClient("Invalid client credentials")
		return nil, &e
	}
	if !s.now().Before(c.expiresAt) {
		e := invalidClient("Client registration has expired")
		return nil, &e
	}
	return c, nil
}

func (s *Sandbox) startDeviceAuthorization(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ClientID     string `json:"clientId"`
		ClientSecret string `json:"clientSecret"`
		StartURL     string `json:"startUrl"`
	}
	if !readRequest(w, r, &req, "clientId, clientSecret and startUrl are", func() bool {
		return req.ClientID != "" && req.ClientSecret != "" && req.StartURL != ""
	}) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, oerr := s.authenticate(req.ClientID, req.ClientSecret)
	if oerr != nil {
		oerr.write(w)
		return
	}
	if !c.allows(grantDeviceCode) {
		unauthorizedClient("Client is not registered for the device_code grant").write(w)
		return
	}
	if !sameStartURL(req.StartURL, s.baseURL+"/start") {
		invalidRequest("Invalid start URL: " + req.StartURL).write(w)
		return
	}
	d := &deviceAuth{
		clientID:   c.id,
		deviceCode: randomToken("", 48),
		userCode:   newUserCode(),
		expiresAt:  s.now().Add(s.opts.DeviceCodeLifetime),
		interval:   s.opts.DeviceInterval,
		approved:   s.opts.AutoApprove,
	}
	s.devices[d.deviceCode] = d
	s.userCode[d.userCode] = d
	verify := s.baseURL + "/device"
	writeJSON(w, http.StatusOK, map[string]any{
		"deviceCode":              d.deviceCode,
		"userCode":                d.userCode,
		"verificationUri":         verify,
		"verificationUriComplete": verify + "?user_code=" + d.userCode,
		"expiresIn":               int(s.opts.DeviceCodeLifetime.Seconds()),
		"interval":                int(max(1, s.opts.DeviceInterval.Seconds())),
	})
}

type createTokenRequest struct {
	ClientID     string   `json:"clientId"`
	ClientSecret string   `json:"clientSecret"`
	GrantType    string   `json:"grantType"`
	DeviceCode   string   `json:"deviceCode"`
	Code         string   `json:"code"`
	RefreshToken string   `json:"refreshToken"`
	Scope        []string `json:"scope"`
	RedirectURI  string   `json:"redirectUri"`
	CodeVerifier string   `json:"codeVerifier"`
}

func (s *Sandbox) createToken(w http.ResponseWriter, r *http.Request) {
	var req createTokenRequest
	if !readRequest(w, r, &req, "clientId, clientSecret and grantType are", func() bool {
		return req.ClientID != "" && req.ClientSecret != "" && req.GrantType != ""
	}) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, oerr := s.authenticate(req.ClientID, req.ClientSecret)
	if oerr != nil {
		oerr.write(w)
		return
	}
	if req.GrantType != grantDeviceCode && req.GrantType != grantAuthCode && req.GrantType != grantRefreshToken {
		oidcError{http.StatusBadRequest, "UnsupportedGrantTypeException", "unsupported_grant_type", "Unsupported grant type: " + req.GrantType}.write(w)
		return
	}
	if !c.allows(req.GrantType) {
		unauthorizedClient("Client is not registered for the " + req.GrantType + " grant").write(w)
		return
	}
	var (
		sess   *session
		scopes = c.scopes
		err    *oidcError
	)
	switch req.GrantType {
	case grantDeviceCode:
		sess, err = s.redeemDeviceCode(c, req.DeviceCode)
	case grantAuthCode:
		sess, scopes, err = s.redeemAuthCode(c, req)
	case grantRefreshToken:
		sess, scopes, err = s.redeemRefreshToken(c, req.RefreshToken)
	}
	if err != nil {
		err.write(w)
		return
	}
	resp := map[string]any{
		"accessToken": s.issueAccessToken(c, sess),
		"tokenType":   "Bearer",
		"expiresIn":   int(s.opts.TokenLifetime.Seconds()),
	}
	if req.GrantType == grantRefreshToken {
		// The refresh token stays valid and is handed back unchanged.
		resp["refreshToken"] = req.RefreshToken
		s.stats.Refreshes++
	} else {
		s.stats.Logins++
		if c.allows(grantRefreshToken) {
			rt := randomToken("aor", 96)
			s.refresh[rt] = &refreshToken{clientID: c.id, scopes: scopes, session: sess}
			resp["refreshToken"] = rt
		}
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Sandbox) issueAccessToken(c *client, sess *session) string {
	tok := randomToken("aoa", 96)
	s.tokens[tok] = &accessToken{clientID: c.id, expiresAt: s.now().Add(s.opts.TokenLifetime), session: sess}
	return tok
}

func (s *Sandbox) redeemDeviceCode(c *client, code string) (*session, *oidcError) {
	d := s.devices[code]
	if d == nil || d.clientID != c.id || d.redeemed {
		e := invalidGrant("Invalid device code provided")
		return nil, &e
	}
	now := s.now()
	if !now.Before(d.expiresAt) {
		return nil, &errExpiredToken
	}
	tooSoon := !d.lastPoll.IsZero() && now.Sub(d.lastPoll) < d.interval-pollSlack
	d.lastPoll = now
	if tooSoon {
		return nil, &errSlowDown
	}
	if !d.approved {
		return nil, &errAuthorizationPending
	}
	d.redeemed = true
	return &session{}, nil
}

func (s *Sandbox) redeemAuthCode(c *client, req createTokenRequest) (*session, []string, *oidcError) {
	ac := s.codes[req.Code]
	if ac == nil || ac.clientID != c.id || ac.redeemed || !s.now().Before(ac.expiresAt) {
		e := invalidGrant("Invalid authorization code provided")
		return nil, nil, &e
	}
	if req.RedirectURI != ac.redirectURI {
		e := invalidGrant("redirectUri does not match the authorization request")
		return nil, nil, &e
	}
	if req.CodeVerifier == "" || pkceChallenge(req.CodeVerifier) != ac.challenge {
		e := invalidGrant("Code verifier does not match the code challenge")
		return nil, nil, &e
	}
	ac.redeemed = true
	return &session{}, ac.scopes, nil
}

func (s *Sandbox) redeemRefreshToken(c *client, token string) (*session, []string, *oidcError) {
	rt := s.refresh[token]
	if rt == nil || rt.clientID != c.id || rt.revoked || rt.session.revoked {
		e := invalidGrant("Invalid refresh token provided")
		return nil, nil, &e
	}
	return rt.session, rt.scopes, nil
}

// pkceChallenge is the S256 code challenge of a verifier.
func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// isLoopbackRedirect accepts the redirect URIs the service accepts for
// native clients: http on a loopback address.
func isLoopbackRedirect(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == "http" && (u.Hostname() == "127.0.0.1" || u.Hostname() == "localhost" || u.Hostname() == "::1")
}

// redirectMatches applies RFC 8252 §7.3: for loopback redirects the port is
// chosen at run time, so only scheme, host and path must match.
func redirectMatches(registered []string, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || !isLoopbackRedirect(raw) {
		return false
	}
	for _, reg := range registered {
		ru, err := url.Parse(reg)
		if err == nil && ru.Scheme == u.Scheme && ru.Hostname() == u.Hostname() && ru.Path == u.Path {
			return true
		}
	}
	return false
}

func sameStartURL(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimSuffix(s, "#/")
		return strings.TrimSuffix(s, "/")
	}
	return norm(a) == norm(b)
}

// authorize is the browser leg of the authorization code flow. The sandbox
// user is always signed in and consents at once, so a valid request is
// redirected straight back to the client with a code.
func (s *Sandbox) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Calls["Authorize"]++
	c := s.clients[q.Get("client_id")]
	redirect := q.Get("redirect_uri")
	// An unknown client gets a page, never a redirect: the redirect URI
	// cannot be trusted without a registration to check it against.
	if c == nil || !s.now().Before(c.expiresAt) {
		servePage(w, http.StatusBadRequest, "Sign-in failed", "invalid_client: the application's client id is unknown or its registration has expired. Start the sign-in again from the application.", "")
		return
	}
	if !c.allows(grantAuthCode) {
		servePage(w, http.StatusBadRequest, "Sign-in failed", "unauthorized_client: the application is not registered for sign-in in the browser.", "")
		return
	}
	if !redirectMatches(c.redirectURIs, redirect) {
		servePage(w, http.StatusBadRequest, "Sign-in failed", "The redirect URI does not match the client's registration.", "")
		return
	}
	back, _ := url.Parse(redirect)
	reply := url.Values{}
	if state := q.Get("state"); state != "" {
		reply.Set("state", state)
	}
	scopes := q.Get("scopes")
	if scopes == "" {
		scopes = q.Get("scope")
	}
	switch {
	case q.Get("response_type") != "code":
		reply.Set("error", "unsupported_response_type")
	case q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "":
		reply.Set("error", "invalid_request")
		reply.Set("error_description", "PKCE with code_challenge_method S256 is required")
	default:
		code := randomToken("", 32)
		s.codes[code] = &authCode{
			clientID:    c.id,
			redirectURI: redirect,
			challenge:   q.Get("code_challenge"),
			scopes:      strings.Fields(scopes),
			expiresAt:   s.now().Add(authCodeLifetime),
		}
		reply.Set("code", code)
	}
	back.RawQuery = reply.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// verificationPage is the device flow's verification URL: visiting it with
// a user code approves that code, as a signed-in user clicking "Allow" would.
func (s *Sandbox) verificationPage(w http.ResponseWriter, r *http.Request) {
	code := strings.ToUpper(strings.TrimSpace(r.URL.Query().Get("user_code")))
	if code == "" {
		servePage(w, http.StatusOK, "Authorize request", "Enter the code shown by your application.", template.HTML(
			`<form method="get"><input name="user_code" placeholder="XXXX-XXXX" autofocus> <button>Allow</button></form>`))
		return
	}
	if !s.Approve(code) {
		servePage(w, http.StatusBadRequest, "Invalid code", "The code "+code+" is unknown or has expired. Start the sign-in again.", "")
		return
	}
	servePage(w, http.StatusOK, "Request approved", "The code "+code+" is approved. You can close this window and return to your application.", "")
}
