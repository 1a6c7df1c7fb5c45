package aws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
)

// requestTimeout bounds every single HTTP request to AWS.
const requestTimeout = 30 * time.Second

// Clients are the SDK clients for one Identity Center region.
type Clients struct {
	OIDC   *ssooidc.Client
	Portal *sso.Client
	// OIDCEndpoint is the resolved SSO OIDC endpoint (after
	// AWS_ENDPOINT_URL_SSO_OIDC and friends), where /authorize lives.
	OIDCEndpoint string
}

// NewClients builds clients through config.LoadDefaultConfig so that the
// standard endpoint, proxy and CA settings apply. Portal calls are not
// retried by the SDK: the catalogue paces and retries them itself, with one
// limiter shared by all workers (see aws-sdk-go-v2 issue #1665).
func NewClients(ctx context.Context, region string) (*Clients, error) {
	httpClient := awshttp.NewBuildableClient().WithTimeout(requestTimeout)
	var client sdkaws.HTTPClient = httpClient
	if os.Getenv("SSOPICK_DEBUG") != "" {
		client = debugClient{next: httpClient, w: os.Stderr}
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(region),
		config.WithHTTPClient(client),
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	var missing config.SharedConfigProfileNotExistError
	if errors.As(err, &missing) && os.Getenv("AWS_PROFILE") != "" {
		// $AWS_PROFILE names a profile this config lacks, and the SDK
		// refuses to load with it. ssopick picks its sessions itself and
		// strips AWS_PROFILE from the environments it creates, so it
		// drops the variable rather than fail.
		if uerr := os.Unsetenv("AWS_PROFILE"); uerr == nil {
			cfg, err = config.LoadDefaultConfig(ctx, opts...)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	oidc := ssooidc.NewFromConfig(cfg)
	endpoint, err := ssooidc.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, ssooidc.EndpointParameters{
		Region:   sdkaws.String(region),
		Endpoint: oidc.Options().BaseEndpoint,
	})
	if err != nil {
		return nil, fmt.Errorf("resolve the SSO OIDC endpoint for %s: %w", region, err)
	}
	portal := sso.NewFromConfig(cfg, func(o *sso.Options) { o.Retryer = sdkaws.NopRetryer{} })
	return &Clients{OIDC: oidc, Portal: portal, OIDCEndpoint: endpoint.URI.String()}, nil
}

// debugClient logs each request to AWS for SSOPICK_DEBUG=1: method, host,
// path, status and time. Never headers, query or bodies: they carry the
// access token, client secret and role keys.
type debugClient struct {
	next sdkaws.HTTPClient
	w    io.Writer
}

func (d debugClient) Do(req *http.Request) (*http.Response, error) {
	start := time.Now()
	resp, err := d.next.Do(req)
	status := "error"
	if resp != nil {
		status = strconv.Itoa(resp.StatusCode)
	}
	fmt.Fprintf(d.w, "debug: %s %s%s -> %s in %v\n", req.Method, req.URL.Host, req.URL.Path, status, time.Since(start).Round(time.Millisecond))
	return resp, err
}
