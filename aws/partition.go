package aws

import (
	"context"
	"fmt"
	"strings"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Partitions and endpoint variants.
//
// The partition of a region and the hosts of the SDK's services in it come
// from the SDK's own endpoint resolution, never from a table of ours: the
// SDK's partition data (aws, aws-cn, aws-us-gov, aws-eusc, aws-iso,
// aws-iso-b, aws-iso-e, aws-iso-f, with their DNS suffixes) is internal to
// it, but the service endpoint resolvers that encode it are public. The
// console and its federation endpoint are not an SDK service, so their
// hosts are the one table here, keyed by the SDK's partition id.

// EndpointVariant picks among a service's endpoints: FIPS, dual-stack
// (IPv4 and IPv6), both or neither. It comes from AWS_USE_FIPS_ENDPOINT
// and AWS_USE_DUALSTACK_ENDPOINT, else the use_fips_endpoint and
// use_dualstack_endpoint keys of the profile the SDK loads.
type EndpointVariant struct {
	FIPS      bool
	DualStack bool
}

// Partition is the AWS partition of one region, as the SDK resolves it,
// with its console sign-in hosts.
type Partition struct {
	ID                 string // the SDK's partition id: aws, aws-cn, aws-eusc, …
	Region             string // the region it was resolved for
	DNSSuffix          string // amazonaws.com, amazonaws.com.cn, amazonaws.eu, …
	DualStackDNSSuffix string // api.aws, api.amazonwebservices.com.cn, …
	// SigninHost is the console federation host for Region (regional in
	// the partitions whose sign-in is), ConsoleHost the console's domain
	// (regional console hosts are subdomains of it). Both are empty where
	// ssopick knows no console federation: see ConsoleSupported.
	SigninHost  string
	ConsoleHost string
	// RegionalConsole is whether the console home is {Region}.ConsoleHost.
	RegionalConsole bool
}

// consoleHosts are the console federation hosts of each partition. The
// SDK has no console service: this is the one table of hosts of our own.
// Neither the console nor its federation endpoint has a documented FIPS or
// dual-stack host (AWS documents dual-stack endpoints for IAM and STS
// only; the SDK's model of the AWS Sign-In API names signin-fips and
// api.aws hosts, but for that OAuth 2.0 API, not for /federation), so the
// standard hosts serve every endpoint variant.
//
//   - aws: signin.aws.amazon.com, {region}.console.aws.amazon.com: long
//     documented (IAM User Guide, "Enable custom identity broker access to
//     the AWS console").
//   - aws-cn, aws-us-gov: signin.amazonaws.cn / console.amazonaws.cn and
//     signin.amazonaws-us-gov.com / console.amazonaws-us-gov.com, as
//     documented for those partitions. Peers (granted, the AWS CLI's
//     `aws console`) open regional console hosts there too
//     ({region}.console.amazonaws-us-gov.com); unverified here, so the
//     console keeps the partition's own host, which serves every region.
//   - aws-eusc (European Sovereign Cloud): sign-in at
//     {region}.signin.amazonaws-eusc.eu and console at
//     {region}.console.amazonaws-eusc.eu, as the AWS CLI's own `aws console`
//     (aws/aws-cli awscli/customizations/console.py) takes them from the
//     European Sovereign Cloud endpoints reference; the SDK's AWS Sign-In
//     model names the same {region}.signin.amazonaws-eusc.eu host. Not
//     tried against the service from here.
//   - aws-iso, aws-iso-b, aws-iso-e, aws-iso-f: air-gapped, no public
//     console federation; sign-in, the portal and STS resolve there, the
//     console does not.
var consoleHosts = map[string]struct {
	signin, console                 string
	regionalSignin, regionalConsole bool
}{
	"aws":        {signin: "signin.aws.amazon.com", console: "console.aws.amazon.com", regionalConsole: true},
	"aws-cn":     {signin: "signin.amazonaws.cn", console: "console.amazonaws.cn"},
	"aws-us-gov": {signin: "signin.amazonaws-us-gov.com", console: "console.amazonaws-us-gov.com"},
	"aws-eusc":   {signin: "signin.amazonaws-eusc.eu", console: "console.amazonaws-eusc.eu", regionalSignin: true, regionalConsole: true},
}

// PartitionOf resolves the partition of region through the SDK: its id
// from the STS endpoint resolver (the SDK's own region-to-partition
// matching; an unknown region falls in aws, as in the SDK), its DNS
// suffixes from the STS endpoints the SDK's rules give for the region.
func PartitionOf(region string) Partition {
	p := Partition{ID: "aws", Region: region}
	// The service's endpoint table reports the partition it matched;
	// the rules-based resolver (V2) only gives hosts. Only the id is
	// taken from it: hosts come from V2, which is what requests use.
	if ep, err := sts.NewDefaultEndpointResolver().ResolveEndpoint(region, sts.EndpointResolverOptions{}); err == nil && ep.PartitionID != "" {
		p.ID = ep.PartitionID
	}
	p.DNSSuffix = dnsSuffix(region, false)
	p.DualStackDNSSuffix = dnsSuffix(region, true)
	if h, ok := consoleHosts[p.ID]; ok {
		p.SigninHost, p.ConsoleHost, p.RegionalConsole = h.signin, h.console, h.regionalConsole
		if h.regionalSignin {
			p.SigninHost = region + "." + h.signin
		}
	}
	return p
}

// dnsSuffix is the partition's (dual-stack) DNS suffix, read off the STS
// host the SDK resolves for region: sts.{region}.{suffix}.
func dnsSuffix(region string, dualStack bool) string {
	ep, err := sts.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), sts.EndpointParameters{
		Region: sdkaws.String(region), UseFIPS: sdkaws.Bool(false), UseDualStack: sdkaws.Bool(dualStack),
	})
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.TrimPrefix(ep.URI.Host, "sts."), region+".")
}

// ConsoleSupported says, in one sentence, why the console cannot be
// opened in p's region, or nil if it can.
func (p Partition) ConsoleSupported() error {
	if p.SigninHost == "" || p.ConsoleHost == "" {
		return fmt.Errorf("the AWS console cannot be opened in region %s: ssopick knows no public console federation endpoint for the %s partition; use ssopick shell or env there instead (sign-in, accounts and credentials work)", p.Region, p.ID)
	}
	return nil
}

// ServiceEndpoints are the endpoints ssopick calls in one region.
type ServiceEndpoints struct {
	OIDC   string // SSO OIDC: registration, /authorize, tokens
	Portal string // the SSO portal: accounts, roles, role credentials
	STS    string // STS: AssumeRole, GetCallerIdentity
}

// ResolveEndpoints resolves the services' endpoints in region for the
// variant with the SDK's rules: what the SDK's clients call when no
// endpoint URL is configured (an explicit one wins, see endpointFor).
func ResolveEndpoints(ctx context.Context, region string, v EndpointVariant) (ServiceEndpoints, error) {
	r, fips, dual := sdkaws.String(region), sdkaws.Bool(v.FIPS), sdkaws.Bool(v.DualStack)
	oidc, err := ssooidc.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, ssooidc.EndpointParameters{Region: r, UseFIPS: fips, UseDualStack: dual})
	if err != nil {
		return ServiceEndpoints{}, fmt.Errorf("resolve the SSO OIDC endpoint for %s: %w", region, err)
	}
	portal, err := sso.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, sso.EndpointParameters{Region: r, UseFIPS: fips, UseDualStack: dual})
	if err != nil {
		return ServiceEndpoints{}, fmt.Errorf("resolve the SSO portal endpoint for %s: %w", region, err)
	}
	stsEP, err := sts.NewDefaultEndpointResolverV2().ResolveEndpoint(ctx, sts.EndpointParameters{Region: r, UseFIPS: fips, UseDualStack: dual})
	if err != nil {
		return ServiceEndpoints{}, fmt.Errorf("resolve the STS endpoint for %s: %w", region, err)
	}
	return ServiceEndpoints{OIDC: oidc.URI.String(), Portal: portal.URI.String(), STS: stsEP.URI.String()}, nil
}

// endpointVariant is the variant the SDK clients are to use: the
// environment's AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT (read
// through env, which may be an overlay of the process's), else the
// use_fips_endpoint and use_dualstack_endpoint of the profile the SDK
// loaded, else neither. The SDK's own reading of the process environment
// (config.EnvConfig) is passed over: env stands for it.
func endpointVariant(ctx context.Context, cfg sdkaws.Config, env Environment) (EndpointVariant, error) {
	fips, fipsSet, err := envBool(env, "AWS_USE_FIPS_ENDPOINT")
	if err != nil {
		return EndpointVariant{}, err
	}
	dual, dualSet, err := envBool(env, "AWS_USE_DUALSTACK_ENDPOINT")
	if err != nil {
		return EndpointVariant{}, err
	}
	type fipsProvider interface {
		GetUseFIPSEndpoint(context.Context) (sdkaws.FIPSEndpointState, bool, error)
	}
	type dualProvider interface {
		GetUseDualStackEndpoint(context.Context) (sdkaws.DualStackEndpointState, bool, error)
	}
	for _, src := range cfg.ConfigSources {
		switch src.(type) {
		case config.EnvConfig, *config.EnvConfig:
			continue
		}
		if p, ok := src.(fipsProvider); ok && !fipsSet {
			if v, found, err := p.GetUseFIPSEndpoint(ctx); err == nil && found {
				fips, fipsSet = v == sdkaws.FIPSEndpointStateEnabled, true
			}
		}
		if p, ok := src.(dualProvider); ok && !dualSet {
			if v, found, err := p.GetUseDualStackEndpoint(ctx); err == nil && found {
				dual, dualSet = v == sdkaws.DualStackEndpointStateEnabled, true
			}
		}
	}
	return EndpointVariant{FIPS: fips, DualStack: dual}, nil
}

// envBool reads a true/false variable as the SDKs do: either word in any
// case; unset or empty is not set.
func envBool(env Environment, name string) (value, set bool, err error) {
	switch v := env.getenv(name); {
	case v == "":
		return false, false, nil
	case strings.EqualFold(v, "true"):
		return true, true, nil
	case strings.EqualFold(v, "false"):
		return false, true, nil
	default:
		return false, false, fmt.Errorf("%s=%s: set it to true or false", name, v)
	}
}

// states are v as the SDK's endpoint options.
func (v EndpointVariant) states() (sdkaws.FIPSEndpointState, sdkaws.DualStackEndpointState) {
	fips, dual := sdkaws.FIPSEndpointStateDisabled, sdkaws.DualStackEndpointStateDisabled
	if v.FIPS {
		fips = sdkaws.FIPSEndpointStateEnabled
	}
	if v.DualStack {
		dual = sdkaws.DualStackEndpointStateEnabled
	}
	return fips, dual
}

// pinVariant makes v what every client built from cfg uses (sso, ssooidc,
// and the STS clients made from it): the SDK's clients read the variant
// from the first of cfg.ConfigSources that sets it.
func pinVariant(cfg *sdkaws.Config, v EndpointVariant) {
	fips, dual := v.states()
	cfg.ConfigSources = append([]any{config.LoadOptions{UseFIPSEndpoint: fips, UseDualStackEndpoint: dual}}, cfg.ConfigSources...)
}

// endpointFor is what one SDK client is to use, given the endpoint URL and
// variant states it was built with from the configuration: the
// environment's endpoint for the service (AWS_ENDPOINT_URL_<serviceEnvID>,
// AWS_ENDPOINT_URL) or else base; and, when an endpoint URL is set, FIPS
// and dual-stack off, because an explicit endpoint wins over both, as in
// botocore and the AWS CLI (the Go SDK's rules would refuse the pair:
// "FIPS and custom endpoint are not supported"). In a client's options:
//
//	o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint =
//		env.endpointFor("STS", o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint)
func (e Environment) endpointFor(serviceEnvID string, base *string, fips sdkaws.FIPSEndpointState, dual sdkaws.DualStackEndpointState) (*string, sdkaws.FIPSEndpointState, sdkaws.DualStackEndpointState) {
	if u := e.endpoint(serviceEnvID); u != "" {
		base = sdkaws.String(u)
	}
	if base != nil && *base == "" {
		base = nil
	}
	if base != nil {
		return base, sdkaws.FIPSEndpointStateDisabled, sdkaws.DualStackEndpointStateDisabled
	}
	return nil, fips, dual
}
