package aws

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"golang.org/x/net/http/httpproxy"
)

// requestTimeout bounds every single HTTP request to AWS.
const requestTimeout = 30 * time.Second

// Environment is what talking to AWS takes from the person's environment.
// It is handed in rather than read from the process in the middle of a
// command, so that nothing depends on (or changes) process-wide state and
// tests can run side by side.
type Environment struct {
	// Getenv reads the person's variables: AWS_ENDPOINT_URL_*,
	// AWS_PROFILE, AWS_CA_BUNDLE.
	Getenv func(string) string
	// Paths name the config and credentials files the SDK reads.
	Paths Paths
	// Debug, when set, receives one line per request (SSOPICK_DEBUG).
	Debug io.Writer
}

func (e Environment) getenv(name string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(name)
}

// firstenv is the first of names that is set.
func (e Environment) firstenv(names ...string) string {
	for _, n := range names {
		if v := e.getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// endpoint is the endpoint the person configured for a service through the
// environment, as the SDKs resolve it: AWS_ENDPOINT_URL_<SERVICE>, then
// AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true.
// Empty means the service's own (or one the config file names).
func (e Environment) endpoint(serviceEnvID string) string {
	if strings.EqualFold(e.getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return ""
	}
	if u := e.getenv("AWS_ENDPOINT_URL_" + serviceEnvID); u != "" {
		return u
	}
	return e.getenv("AWS_ENDPOINT_URL")
}

// HTTPClient is the one HTTP client for every request ssopick makes
// (sign-in, portal, STS, federation): a timeout per request, the CA bundle
// of AWS_CA_BUNDLE, HTTPS_PROXY/HTTP_PROXY/NO_PROXY, failures said as
// NetworkErrors and, with Debug, a log line per request.
func (e Environment) HTTPClient() (*http.Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	// The catalogue runs 16 workers against one host.
	tr.MaxIdleConnsPerHost = 32
	proxy := (&httpproxy.Config{
		HTTPProxy:  e.firstenv("HTTP_PROXY", "http_proxy"),
		HTTPSProxy: e.firstenv("HTTPS_PROXY", "https_proxy"),
		NoProxy:    e.firstenv("NO_PROXY", "no_proxy"),
	}).ProxyFunc()
	tr.Proxy = func(r *http.Request) (*url.URL, error) { return proxy(r.URL) }
	if bundle := e.getenv("AWS_CA_BUNDLE"); bundle != "" {
		pem, err := os.ReadFile(bundle)
		if err != nil {
			return nil, fmt.Errorf("read the CA bundle named by AWS_CA_BUNDLE: %w", err)
		}
		// As the AWS SDKs and CLI do, the bundle replaces the system's
		// roots rather than adding to them.
		roots := x509.NewCertPool()
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("AWS_CA_BUNDLE %s holds no PEM certificate; point it at a PEM file", bundle)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	var rt http.RoundTripper = explainTransport{next: tr}
	if e.Debug != nil {
		rt = debugTransport{next: rt, w: e.Debug}
	}
	return &http.Client{Transport: rt, Timeout: requestTimeout}, nil
}

// Clients are the SDK clients for one Identity Center region.
type Clients struct {
	OIDC   *ssooidc.Client
	Portal *sso.Client
	// HTTP is the client all of them use, for requests outside the SDK
	// (console federation).
	HTTP *http.Client
	// OIDCEndpoint is the resolved SSO OIDC endpoint (after
	// AWS_ENDPOINT_URL_SSO_OIDC and friends), where /authorize lives.
	OIDCEndpoint string
	// Config is the loaded configuration, for the STS clients that
	// chained roles make with their own keys.
	Config sdkaws.Config
}

// NewClients builds clients through config.LoadDefaultConfig, so that the
// config file's settings apply, with the environment's endpoints and one
// HTTP client handed in. Portal calls are not retried by the SDK: the
// catalogue paces and retries them itself, with one limiter shared by all
// workers (see aws-sdk-go-v2 issue #1665).
func NewClients(ctx context.Context, region string, env Environment) (*Clients, error) {
	httpClient, err := env.HTTPClient()
	if err != nil {
		return nil, err
	}
	cfg, err := loadConfig(ctx, region, env)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	// cfg carries the endpoint variant (FIPS, dual-stack); endpointFor
	// adds the environment's endpoint URL, which wins over it.
	oidc := ssooidc.NewFromConfig(cfg, func(o *ssooidc.Options) {
		o.HTTPClient = httpClient
		o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint =
			env.endpointFor("SSO_OIDC", o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint)
	})
	// /authorize is no SDK operation: resolve its endpoint as the
	// client's own requests resolve theirs.
	oo := oidc.Options()
	endpoint, err := ssooidc.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, ssooidc.EndpointParameters{
		Region:       sdkaws.String(region),
		Endpoint:     oo.BaseEndpoint,
		UseFIPS:      sdkaws.Bool(oo.EndpointOptions.UseFIPSEndpoint == sdkaws.FIPSEndpointStateEnabled),
		UseDualStack: sdkaws.Bool(oo.EndpointOptions.UseDualStackEndpoint == sdkaws.DualStackEndpointStateEnabled),
	})
	if err != nil {
		return nil, fmt.Errorf("resolve the SSO OIDC endpoint for %s: %w", region, err)
	}
	portal := sso.NewFromConfig(cfg, func(o *sso.Options) {
		o.HTTPClient = httpClient
		o.Retryer = sdkaws.NopRetryer{}
		o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint =
			env.endpointFor("SSO", o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint)
	})
	return &Clients{OIDC: oidc, Portal: portal, HTTP: httpClient, OIDCEndpoint: endpoint.URI.String(), Config: cfg}, nil
}

// lazyClients builds a session's SDK clients at its first request
// rather than when the session is opened: loading the AWS configuration,
// the CA bundle and the SDK's endpoint rules is wasted on the runs the
// cache answers (list, the picker's first frame, credential-process from
// its cache). It serves OIDCAPI and PortalAPI; a failure to build the
// clients is every call's error, a ClientSetupError.
type lazyClients struct {
	once   sync.Once
	region string
	env    Environment
	c      *Clients
	err    error
}

// ClientSetupError is the SDK clients failing to be built: a broken AWS
// configuration or CA bundle. Retrying cannot help.
type ClientSetupError struct{ Err error }

func (e *ClientSetupError) Error() string { return e.Err.Error() }
func (e *ClientSetupError) Unwrap() error { return e.Err }

func (l *lazyClients) get(ctx context.Context) (*Clients, error) {
	l.once.Do(func() {
		// The first caller's cancellation must not stick to every later
		// call.
		if l.c, l.err = NewClients(context.WithoutCancel(ctx), l.region, l.env); l.err != nil {
			l.err = &ClientSetupError{l.err}
		}
	})
	return l.c, l.err
}

func (l *lazyClients) RegisterClient(ctx context.Context, in *ssooidc.RegisterClientInput, opts ...func(*ssooidc.Options)) (*ssooidc.RegisterClientOutput, error) {
	c, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.OIDC.RegisterClient(ctx, in, opts...)
}

func (l *lazyClients) StartDeviceAuthorization(ctx context.Context, in *ssooidc.StartDeviceAuthorizationInput, opts ...func(*ssooidc.Options)) (*ssooidc.StartDeviceAuthorizationOutput, error) {
	c, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.OIDC.StartDeviceAuthorization(ctx, in, opts...)
}

func (l *lazyClients) CreateToken(ctx context.Context, in *ssooidc.CreateTokenInput, opts ...func(*ssooidc.Options)) (*ssooidc.CreateTokenOutput, error) {
	c, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.OIDC.CreateToken(ctx, in, opts...)
}

func (l *lazyClients) ListAccounts(ctx context.Context, in *sso.ListAccountsInput, opts ...func(*sso.Options)) (*sso.ListAccountsOutput, error) {
	c, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.Portal.ListAccounts(ctx, in, opts...)
}

func (l *lazyClients) ListAccountRoles(ctx context.Context, in *sso.ListAccountRolesInput, opts ...func(*sso.Options)) (*sso.ListAccountRolesOutput, error) {
	c, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.Portal.ListAccountRoles(ctx, in, opts...)
}

func (l *lazyClients) GetRoleCredentials(ctx context.Context, in *sso.GetRoleCredentialsInput, opts ...func(*sso.Options)) (*sso.GetRoleCredentialsOutput, error) {
	c, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.Portal.GetRoleCredentials(ctx, in, opts...)
}

func (l *lazyClients) Logout(ctx context.Context, in *sso.LogoutInput, opts ...func(*sso.Options)) (*sso.LogoutOutput, error) {
	c, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.Portal.Logout(ctx, in, opts...)
}

// oidcEndpoint is the resolved SSO OIDC endpoint, for /authorize.
func (l *lazyClients) oidcEndpoint(ctx context.Context) (string, error) {
	c, err := l.get(ctx)
	if err != nil {
		return "", err
	}
	return c.OIDCEndpoint, nil
}

// httpClient is the HTTP client the SDK clients use.
func (l *lazyClients) httpClient(ctx context.Context) (*http.Client, error) {
	c, err := l.get(ctx)
	if err != nil {
		return nil, err
	}
	return c.HTTP, nil
}

// loadConfig loads the shared configuration of the files in env.Paths and
// the profile $AWS_PROFILE names. A profile the SDK cannot load is not an
// error here: ssopick picks its SSO sessions itself (and strips
// AWS_PROFILE from the environments it creates), so it needs nothing from
// that profile and goes on with the region alone. See profileUnusable for
// what counts.
func loadConfig(ctx context.Context, region string, env Environment) (sdkaws.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithRegion(region)}
	if profile := env.getenv("AWS_PROFILE"); profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if env.Paths.AWSConfig != "" {
		opts = append(opts, config.WithSharedConfigFiles([]string{env.Paths.AWSConfig}))
	}
	if env.Paths.AWSCredentials != "" {
		opts = append(opts, config.WithSharedCredentialsFiles([]string{env.Paths.AWSCredentials}))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if profileUnusable(err) {
		cfg, err = *sdkaws.NewConfig(), nil
		cfg.Region = region
	}
	if err != nil {
		return cfg, err
	}
	// The SDK reads AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT
	// from the process, and env may be an overlay of it: the variant is
	// resolved here and pinned for every client built from cfg.
	v, err := endpointVariant(ctx, cfg, env)
	if err != nil {
		return cfg, err
	}
	pinVariant(&cfg, v)
	return cfg, nil
}

// profileUnusable reports whether err is the SDK refusing the profile
// $AWS_PROFILE names rather than the files themselves: the profile is
// missing, its source_profile is missing or gives no credentials, or its
// sso_session names an [sso-session] the config lacks. The last is a
// plain error in aws-sdk-go-v2 ("failed to find SSO session section,
// NAME"), recognised by its text; TestAWSProfileWithAMissingSSOSession
// notices if that text changes.
func profileUnusable(err error) bool {
	if err == nil {
		return false
	}
	var missing config.SharedConfigProfileNotExistError
	var assume config.SharedConfigAssumeRoleError
	return errors.As(err, &missing) || errors.As(err, &assume) ||
		strings.Contains(err.Error(), "failed to find SSO session section")
}

// debugTransport logs each request for SSOPICK_DEBUG=1: method, host, path,
// status and time. Never headers, query or bodies: they carry the access
// token, client secret, role keys and sign-in tokens.
type debugTransport struct {
	next http.RoundTripper
	w    io.Writer
}

func (d debugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := d.next.RoundTrip(req)
	status := "error"
	if resp != nil {
		status = strconv.Itoa(resp.StatusCode)
	}
	fmt.Fprintf(d.w, "debug: %s %s%s -> %s in %v\n", req.Method, req.URL.Host, req.URL.Path, status, time.Since(start).Round(time.Millisecond))
	return resp, err
}
