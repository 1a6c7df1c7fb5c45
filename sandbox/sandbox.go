// Package sandbox is an in-process emulator of AWS IAM Identity Center as
// ssopick and the AWS tool chain see it: the SSO OIDC service, the SSO
// portal, STS GetCallerIdentity (signed or presigned) and AssumeRole, and
// the console federation endpoint. It answers on the real paths with the
// real headers, JSON shapes, status codes and error types, keeps real state
// (clients, device codes, tokens, credentials) and can be made slow,
// throttled or flaky with Options.
// StartInspectingProxy, StartFlakyProxy and StartCaptivePortal put clients
// behind the networks people really have: a TLS-inspecting proxy, a link
// that resets, a hotel Wi-Fi login page.
//
// One server serves every service; point clients at it with the standard
// AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_STS
// settings, or --endpoint-url for the AWS CLI.
package sandbox

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Options are the sandbox's knobs. The zero value is a usable default
// organisation of 40 accounts with no latency, throttling or failures.
type Options struct {
	// Accounts is the size of the organisation (default 40, at most 20,000).
	Accounts int
	// Seed makes the organisation and the failure sequence reproducible.
	Seed uint64
	// Region is the Identity Center region the sandbox claims (default us-east-1).
	Region string
	// User is the signed-in user's name; it ends role session ARNs.
	User string
	// Latency is added to every API request.
	Latency time.Duration
	// ThrottleRPS limits portal calls with one token bucket; calls past it
	// get 429 TooManyRequestsException. Zero means unlimited.
	ThrottleRPS float64
	// ThrottleBurst is the bucket's size (default: one second's worth).
	ThrottleBurst int
	// FailRate is the fraction of portal calls answered with 500
	// InternalServerException, drawn from Seed.
	FailRate float64
	// TokenLifetime is how long access tokens live (default 8 hours).
	TokenLifetime time.Duration
	// CredentialLifetime is how long role credentials live (default 1 hour).
	CredentialLifetime time.Duration
	// AutoApprove approves device codes as soon as they are issued, as if
	// the user had visited the verification page at once.
	AutoApprove bool
	// DeviceInterval is the polling interval handed out with device codes
	// (default 1 second).
	DeviceInterval time.Duration
	// DeviceCodeLifetime is how long a device code may be approved and
	// redeemed (default 10 minutes).
	DeviceCodeLifetime time.Duration
	// RegistrationLifetime is how long a client registration (its secret)
	// lives, as clientSecretExpiresAt says (default 90 days, as AWS).
	RegistrationLifetime time.Duration
	// Now is the clock (default time.Now); tests move it to expire things.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.Accounts <= 0 {
		o.Accounts = 40
	}
	o.Accounts = min(o.Accounts, MaxAccounts)
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	if o.User == "" {
		o.User = "sandbox.user"
	}
	if o.TokenLifetime <= 0 {
		o.TokenLifetime = 8 * time.Hour
	}
	if o.CredentialLifetime <= 0 {
		o.CredentialLifetime = time.Hour
	}
	if o.DeviceInterval <= 0 {
		o.DeviceInterval = time.Second
	}
	if o.DeviceCodeLifetime <= 0 {
		o.DeviceCodeLifetime = 10 * time.Minute
	}
	if o.RegistrationLifetime <= 0 {
		o.RegistrationLifetime = clientLifetime
	}
	if o.ThrottleBurst <= 0 {
		o.ThrottleBurst = max(1, int(math.Ceil(o.ThrottleRPS)))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Sandbox is the emulator as an http.Handler. Its base URL (where it is
// served) must be set with SetBaseURL before it hands out URLs; Start does it.
type Sandbox struct {
	opts    Options
	org     *Organisation
	mux     *http.ServeMux
	limiter *rate.Limiter // nil when not throttling

	mu       sync.Mutex
	baseURL  string
	failRNG  *mrand.Rand
	pageKey  []byte
	clients  map[string]*client
	devices  map[string]*deviceAuth // by device code
	userCode map[string]*deviceAuth // by user code
	codes    map[string]*authCode
	tokens   map[string]*accessToken
	refresh  map[string]*refreshToken
	creds    map[string]*roleCredentials // by access key id
	signins  map[string]*signinToken
	// assumeRoles records the AssumeRole calls granted; like stats, it
	// outlives a Restart.
	assumeRoles []AssumeRoleCall
	// retired are the secrets handed out before a Restart: the service
	// forgot them, but clients may still hold them, so they must not leak.
	retired []string
	stats   Stats
}

// New builds a sandbox from opts.
func New(opts Options) *Sandbox {
	opts = opts.withDefaults()
	s := &Sandbox{
		opts:    opts,
		org:     NewOrganisation(opts.Accounts, opts.Seed),
		failRNG: mrand.New(mrand.NewPCG(opts.Seed, opts.Seed^0xfa11)),
		pageKey: randomBytes(32),
		stats:   newStats(),
	}
	s.forgetIssued()
	if opts.ThrottleRPS > 0 {
		s.limiter = rate.NewLimiter(rate.Limit(opts.ThrottleRPS), opts.ThrottleBurst)
	}
	s.routes()
	return s
}

// Organisation is the generated organisation the sandbox serves.
func (s *Sandbox) Organisation() *Organisation { return s.org }

// Region is the region the sandbox claims to run in.
func (s *Sandbox) Region() string { return s.opts.Region }

// SetBaseURL tells the sandbox where it is served (e.g. http://127.0.0.1:4321),
// which it needs for the start URL and verification and console pages.
func (s *Sandbox) SetBaseURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.baseURL = u
}

// BaseURL is where the sandbox is served.
func (s *Sandbox) BaseURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.baseURL
}

// StartURL is the access portal URL of the sandbox, the sso_start_url to
// configure.
func (s *Sandbox) StartURL() string { return s.BaseURL() + "/start" }

// Approve approves a pending device authorization by its user code, as a
// visit to the verification page does. It reports whether the code existed.
func (s *Sandbox) Approve(userCode string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.userCode[userCode]
	if d == nil || d.redeemed || !s.now().Before(d.expiresAt) {
		return false
	}
	d.approved = true
	return true
}

// RevokeSessions invalidates every access and refresh token issued so far,
// as an administrator ending all sessions would: portal calls with them get
// 401 UnauthorizedException and refreshing them 400 InvalidGrantException.
// Client registrations stay valid, so a new sign-in works at once.
func (s *Sandbox) RevokeSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.revoked = true
	}
	for _, r := range s.refresh {
		r.revoked = true
	}
}

// RevokeAll is the former name of RevokeSessions, still used by tests
// outside this package.
func (s *Sandbox) RevokeAll() { s.RevokeSessions() }

// Restart makes the service forget everything it issued (client
// registrations, device and authorization codes, tokens, role credentials,
// console sign-in tokens), as a service that lost its state would. The
// organisation, the URL and the stats stay. Afterwards a cached client id
// is unknown (InvalidClientException): only a new RegisterClient helps.
func (s *Sandbox) Restart() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.retired = s.secretsLocked()
	s.forgetIssued()
}

// forgetIssued empties the state of everything handed out; the caller holds
// s.mu or owns s alone.
func (s *Sandbox) forgetIssued() {
	s.clients = map[string]*client{}
	s.devices = map[string]*deviceAuth{}
	s.userCode = map[string]*deviceAuth{}
	s.codes = map[string]*authCode{}
	s.tokens = map[string]*accessToken{}
	s.refresh = map[string]*refreshToken{}
	s.creds = map[string]*roleCredentials{}
	s.signins = map[string]*signinToken{}
}

func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mux.ServeHTTP(w, r)
}

func (s *Sandbox) routes() {
	s.mux = http.NewServeMux()
	api := func(op string, h http.HandlerFunc) http.Handler {
		return s.apiCall(op, h)
	}
	// SSO OIDC (restJson1, unsigned).
	s.mux.Handle("POST /client/register", api("RegisterClient", s.registerClient))
	s.mux.Handle("POST /device_authorization", api("StartDeviceAuthorization", s.startDeviceAuthorization))
	s.mux.Handle("POST /token", api("CreateToken", s.createToken))
	s.mux.HandleFunc("GET /authorize", s.authorize)
	s.mux.HandleFunc("GET /device", s.verificationPage)
	// SSO portal (restJson1, bearer token header).
	s.mux.Handle("GET /assignment/accounts", api("ListAccounts", s.portal(s.listAccounts)))
	s.mux.Handle("GET /assignment/roles", api("ListAccountRoles", s.portal(s.listAccountRoles)))
	s.mux.Handle("GET /federation/credentials", api("GetRoleCredentials", s.portal(s.getRoleCredentials)))
	s.mux.Handle("POST /logout", api("Logout", s.portal(s.logout)))
	// STS (awsQuery, SigV4). GET / with an Action is a presigned request
	// (the EKS token); without one it is the start page.
	s.mux.Handle("POST /{$}", api("STS", http.HandlerFunc(s.sts)))
	s.mux.Handle("GET /{$}", s.stsOrStartPage(api("STS", http.HandlerFunc(s.sts))))
	// Console federation.
	s.mux.Handle("GET /federation", api("Federation", http.HandlerFunc(s.federation)))
	s.mux.HandleFunc("GET /oauth", s.consoleLogout)
	// Pages and the sandbox's own introspection.
	s.mux.HandleFunc("GET /start", s.startPage)
	s.mux.HandleFunc("GET /_sandbox/stats", s.serveStats)
}

// apiCall counts the call and adds the configured latency before handing on.
func (s *Sandbox) apiCall(op string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.stats.Calls[op]++
		s.mu.Unlock()
		if s.opts.Latency > 0 {
			t := time.NewTimer(s.opts.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Sandbox) now() time.Time { return s.opts.Now() }

// Server is a sandbox listening on a loopback address.
type Server struct {
	*Sandbox
	srv *http.Server
	ln  net.Listener
}

// Start serves a new sandbox on addr (default 127.0.0.1:0, a free port).
func Start(opts Options, addr string) (*Server, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	sb := New(opts)
	sb.SetBaseURL("http://" + ln.Addr().String())
	srv := &http.Server{Handler: sb, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			panic(fmt.Sprintf("sandbox server: %v", err))
		}
	}()
	return &Server{Sandbox: sb, srv: srv, ln: ln}, nil
}

// URL is the server's base URL, the endpoint for every service.
func (s *Server) URL() string { return s.BaseURL() }

// Shutdown stops the server gracefully, waiting up to the context's
// deadline for requests in flight, then closes what is left.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.srv.Shutdown(ctx); err != nil {
		return s.srv.Close()
	}
	return nil
}

// Close stops the server at once, dropping open connections.
func (s *Server) Close() error { return s.srv.Close() }

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return b
}

// User is the name of the sandbox's signed-in user.
func (s *Sandbox) User() string { return s.opts.User }

// Secrets lists every secret the sandbox has handed out, before a Restart
// too: client secrets, access and refresh tokens, role keys and console
// sign-in tokens, so tests can prove none of them leaks.
func (s *Sandbox) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.secretsLocked()
}

// secretsLocked is Secrets for a caller holding s.mu.
func (s *Sandbox) secretsLocked() []string {
	out := slices.Clone(s.retired)
	for _, c := range s.clients {
		out = append(out, c.secret)
	}
	for t := range s.tokens {
		out = append(out, t)
	}
	for t := range s.refresh {
		out = append(out, t)
	}
	for _, c := range s.creds {
		out = append(out, c.secretKey, c.sessionToken)
	}
	for t := range s.signins {
		out = append(out, t)
	}
	for code := range s.devices {
		out = append(out, code)
	}
	return out
}
