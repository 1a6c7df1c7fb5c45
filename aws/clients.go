package aws

import (
	"context"
	"errors"
	"fmt"
	"os"
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
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(region),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(requestTimeout)),
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
