package aws

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/signin"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// partitionCases has a region of every partition the SDK knows
// (TestEveryPartitionOfTheSDKIsCovered checks that none is missing) and
// what ssopick makes of it. home is "" where the console cannot be opened.
var partitionCases = []struct {
	region, id, dns, dualStackDNS string
	federation, home              string
}{
	{"us-east-1", "aws", "amazonaws.com", "api.aws",
		"https://signin.aws.amazon.com/federation", "https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1"},
	{"eu-west-1", "aws", "amazonaws.com", "api.aws",
		"https://signin.aws.amazon.com/federation", "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"},
	{"cn-north-1", "aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn",
		"https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/console/home?region=cn-north-1"},
	{"cn-northwest-1", "aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn",
		"https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/console/home?region=cn-northwest-1"},
	{"us-gov-west-1", "aws-us-gov", "amazonaws.com", "api.aws",
		"https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
	{"us-gov-east-1", "aws-us-gov", "amazonaws.com", "api.aws",
		"https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-east-1"},
	{"eusc-de-east-1", "aws-eusc", "amazonaws.eu", "api.amazonwebservices.eu",
		"https://eusc-de-east-1.signin.amazonaws-eusc.eu/federation", "https://eusc-de-east-1.console.amazonaws-eusc.eu/console/home?region=eusc-de-east-1"},
	{"us-iso-east-1", "aws-iso", "c2s.ic.gov", "api.aws.ic.gov", "", ""},
	{"us-isob-east-1", "aws-iso-b", "sc2s.sgov.gov", "api.aws.scloud", "", ""},
	{"eu-isoe-west-1", "aws-iso-e", "cloud.adc-e.uk", "api.cloud-aws.adc-e.uk", "", ""},
	{"us-isof-south-1", "aws-iso-f", "csp.hci.ic.gov", "api.aws.hci.ic.gov", "", ""},
	// A region the SDK does not know yet falls in aws, as in the SDK.
	{"xx-newplace-1", "aws", "amazonaws.com", "api.aws",
		"https://signin.aws.amazon.com/federation", "https://xx-newplace-1.console.aws.amazon.com/console/home?region=xx-newplace-1"},
}

func TestPartitionsSignInAndConsoleHosts(t *testing.T) {
	t.Parallel()
	for _, tc := range partitionCases {
		p := PartitionOf(tc.region)
		if p.ID != tc.id || p.Region != tc.region || p.DNSSuffix != tc.dns || p.DualStackDNSSuffix != tc.dualStackDNS {
			t.Errorf("PartitionOf(%s) = %+v, want %s %s %s", tc.region, p, tc.id, tc.dns, tc.dualStackDNS)
		}
		if got := FederationEndpoint(tc.region, ""); got != tc.federation {
			t.Errorf("FederationEndpoint(%s) = %q, want %q", tc.region, got, tc.federation)
		}
		if got := ConsoleHome(tc.region); got != tc.home {
			t.Errorf("ConsoleHome(%s) = %q, want %q", tc.region, got, tc.home)
		}
		service, serr := ConsoleDestination(tc.region, "ec2", "")
		home, herr := ConsoleDestination(tc.region, "", "")
		if tc.home == "" {
			// No console: every console action stops at one sentence
			// before any credentials are fetched.
			err := p.ConsoleSupported()
			want := "the AWS console cannot be opened in region " + tc.region + ": ssopick knows no public console federation endpoint for the " + tc.id + " partition"
			if err == nil || !strings.HasPrefix(err.Error(), want) || strings.Count(err.Error(), ". ") != 0 {
				t.Errorf("%s: ConsoleSupported = %v", tc.region, err)
			}
			if serr == nil || herr == nil || serr.Error() != err.Error() {
				t.Errorf("%s: ConsoleDestination = %q, %v / %q, %v", tc.region, service, serr, home, herr)
			}
			_, cerr := ConsoleURL(context.Background(), &http.Client{Transport: failTransport{t}}, ConsoleRequest{Region: tc.region})
			if cerr == nil || cerr.Error() != err.Error() {
				t.Errorf("%s: ConsoleURL = %v", tc.region, cerr)
			}
			continue
		}
		if err := p.ConsoleSupported(); err != nil {
			t.Errorf("%s: %v", tc.region, err)
		}
		if serr != nil || service != strings.Replace(tc.home, "/console/home", "/ec2/home", 1) || herr != nil || home != tc.home {
			t.Errorf("%s: ConsoleDestination = %q, %v / %q, %v", tc.region, service, serr, home, herr)
		}
		// A pasted link on the partition's console is taken, on another
		// partition's refused.
		if _, err := ConsoleDestination(tc.region, "", tc.home+"#x"); err != nil {
			t.Errorf("%s: own console link refused: %v", tc.region, err)
		}
		for _, other := range partitionCases {
			if other.id != tc.id && other.home != "" {
				if _, err := ConsoleDestination(tc.region, "", other.home); err == nil {
					t.Errorf("%s: the %s console link %s accepted", tc.region, other.id, other.home)
				}
			}
		}
	}
}

type failTransport struct{ t *testing.T }

func (f failTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.t.Errorf("unexpected request to %s", r.URL.Host)
	return nil, errors.New("no requests here")
}

// The hosts are what the SDK's endpoint rules answer (aws-sdk-go-v2
// v1.48, sso v1.39.5, ssooidc v1.44.5, sts v1.52.0): read from it, not
// guessed. GovCloud's standard hosts are its FIPS ones.
var endpointCases = []struct {
	region          string
	v               EndpointVariant
	oidc, portal, s string
}{
	{"us-east-1", EndpointVariant{}, "oidc.us-east-1.amazonaws.com", "portal.sso.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com"},
	{"us-east-1", EndpointVariant{FIPS: true}, "oidc-fips.us-east-1.amazonaws.com", "portal.sso-fips.us-east-1.amazonaws.com", "sts-fips.us-east-1.amazonaws.com"},
	{"us-east-1", EndpointVariant{DualStack: true}, "oidc.us-east-1.api.aws", "portal.sso.us-east-1.api.aws", "sts.us-east-1.api.aws"},
	{"us-east-1", EndpointVariant{true, true}, "oidc-fips.us-east-1.api.aws", "portal.sso-fips.us-east-1.api.aws", "sts-fips.us-east-1.api.aws"},
	{"eu-west-1", EndpointVariant{}, "oidc.eu-west-1.amazonaws.com", "portal.sso.eu-west-1.amazonaws.com", "sts.eu-west-1.amazonaws.com"},
	{"eu-west-1", EndpointVariant{true, true}, "oidc-fips.eu-west-1.api.aws", "portal.sso-fips.eu-west-1.api.aws", "sts-fips.eu-west-1.api.aws"},

	{"cn-north-1", EndpointVariant{}, "oidc.cn-north-1.amazonaws.com.cn", "portal.sso.cn-north-1.amazonaws.com.cn", "sts.cn-north-1.amazonaws.com.cn"},
	{"cn-north-1", EndpointVariant{FIPS: true}, "oidc-fips.cn-north-1.amazonaws.com.cn", "portal.sso-fips.cn-north-1.amazonaws.com.cn", "sts-fips.cn-north-1.amazonaws.com.cn"},
	{"cn-north-1", EndpointVariant{DualStack: true}, "oidc.cn-north-1.api.amazonwebservices.com.cn", "portal.sso.cn-north-1.api.amazonwebservices.com.cn", "sts.cn-north-1.api.amazonwebservices.com.cn"},
	{"cn-north-1", EndpointVariant{true, true}, "oidc-fips.cn-north-1.api.amazonwebservices.com.cn", "portal.sso-fips.cn-north-1.api.amazonwebservices.com.cn", "sts-fips.cn-north-1.api.amazonwebservices.com.cn"},

	{"us-gov-west-1", EndpointVariant{}, "oidc.us-gov-west-1.amazonaws.com", "portal.sso.us-gov-west-1.amazonaws.com", "sts.us-gov-west-1.amazonaws.com"},
	{"us-gov-west-1", EndpointVariant{FIPS: true}, "oidc.us-gov-west-1.amazonaws.com", "portal.sso.us-gov-west-1.amazonaws.com", "sts.us-gov-west-1.amazonaws.com"},
	{"us-gov-west-1", EndpointVariant{DualStack: true}, "oidc.us-gov-west-1.api.aws", "portal.sso.us-gov-west-1.api.aws", "sts.us-gov-west-1.api.aws"},
	{"us-gov-west-1", EndpointVariant{true, true}, "oidc-fips.us-gov-west-1.api.aws", "portal.sso-fips.us-gov-west-1.api.aws", "sts-fips.us-gov-west-1.api.aws"},
	{"us-gov-east-1", EndpointVariant{FIPS: true}, "oidc.us-gov-east-1.amazonaws.com", "portal.sso.us-gov-east-1.amazonaws.com", "sts.us-gov-east-1.amazonaws.com"},

	{"eusc-de-east-1", EndpointVariant{}, "oidc.eusc-de-east-1.amazonaws.eu", "portal.sso.eusc-de-east-1.amazonaws.eu", "sts.eusc-de-east-1.amazonaws.eu"},
	{"eusc-de-east-1", EndpointVariant{FIPS: true}, "oidc-fips.eusc-de-east-1.amazonaws.eu", "portal.sso-fips.eusc-de-east-1.amazonaws.eu", "sts-fips.eusc-de-east-1.amazonaws.eu"},
	{"eusc-de-east-1", EndpointVariant{DualStack: true}, "oidc.eusc-de-east-1.api.amazonwebservices.eu", "portal.sso.eusc-de-east-1.api.amazonwebservices.eu", "sts.eusc-de-east-1.api.amazonwebservices.eu"},
	{"eusc-de-east-1", EndpointVariant{true, true}, "oidc-fips.eusc-de-east-1.api.amazonwebservices.eu", "portal.sso-fips.eusc-de-east-1.api.amazonwebservices.eu", "sts-fips.eusc-de-east-1.api.amazonwebservices.eu"},

	{"us-iso-east-1", EndpointVariant{}, "oidc.us-iso-east-1.c2s.ic.gov", "portal.sso.us-iso-east-1.c2s.ic.gov", "sts.us-iso-east-1.c2s.ic.gov"},
	{"us-iso-east-1", EndpointVariant{FIPS: true}, "oidc-fips.us-iso-east-1.c2s.ic.gov", "portal.sso-fips.us-iso-east-1.c2s.ic.gov", "sts-fips.us-iso-east-1.c2s.ic.gov"},
	{"us-iso-east-1", EndpointVariant{DualStack: true}, "oidc.us-iso-east-1.api.aws.ic.gov", "portal.sso.us-iso-east-1.api.aws.ic.gov", "sts.us-iso-east-1.api.aws.ic.gov"},
	{"us-iso-east-1", EndpointVariant{true, true}, "oidc-fips.us-iso-east-1.api.aws.ic.gov", "portal.sso-fips.us-iso-east-1.api.aws.ic.gov", "sts-fips.us-iso-east-1.api.aws.ic.gov"},

	{"us-isob-east-1", EndpointVariant{}, "oidc.us-isob-east-1.sc2s.sgov.gov", "portal.sso.us-isob-east-1.sc2s.sgov.gov", "sts.us-isob-east-1.sc2s.sgov.gov"},
	{"us-isob-east-1", EndpointVariant{FIPS: true}, "oidc-fips.us-isob-east-1.sc2s.sgov.gov", "portal.sso-fips.us-isob-east-1.sc2s.sgov.gov", "sts-fips.us-isob-east-1.sc2s.sgov.gov"},
	{"us-isob-east-1", EndpointVariant{DualStack: true}, "oidc.us-isob-east-1.api.aws.scloud", "portal.sso.us-isob-east-1.api.aws.scloud", "sts.us-isob-east-1.api.aws.scloud"},
	{"us-isob-east-1", EndpointVariant{true, true}, "oidc-fips.us-isob-east-1.api.aws.scloud", "portal.sso-fips.us-isob-east-1.api.aws.scloud", "sts-fips.us-isob-east-1.api.aws.scloud"},

	{"eu-isoe-west-1", EndpointVariant{}, "oidc.eu-isoe-west-1.cloud.adc-e.uk", "portal.sso.eu-isoe-west-1.cloud.adc-e.uk", "sts.eu-isoe-west-1.cloud.adc-e.uk"},
	{"eu-isoe-west-1", EndpointVariant{FIPS: true}, "oidc-fips.eu-isoe-west-1.cloud.adc-e.uk", "portal.sso-fips.eu-isoe-west-1.cloud.adc-e.uk", "sts-fips.eu-isoe-west-1.cloud.adc-e.uk"},
	{"eu-isoe-west-1", EndpointVariant{DualStack: true}, "oidc.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "portal.sso.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "sts.eu-isoe-west-1.api.cloud-aws.adc-e.uk"},
	{"eu-isoe-west-1", EndpointVariant{true, true}, "oidc-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "portal.sso-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk", "sts-fips.eu-isoe-west-1.api.cloud-aws.adc-e.uk"},

	{"us-isof-south-1", EndpointVariant{}, "oidc.us-isof-south-1.csp.hci.ic.gov", "portal.sso.us-isof-south-1.csp.hci.ic.gov", "sts.us-isof-south-1.csp.hci.ic.gov"},
	{"us-isof-south-1", EndpointVariant{FIPS: true}, "oidc-fips.us-isof-south-1.csp.hci.ic.gov", "portal.sso-fips.us-isof-south-1.csp.hci.ic.gov", "sts-fips.us-isof-south-1.csp.hci.ic.gov"},
	{"us-isof-south-1", EndpointVariant{DualStack: true}, "oidc.us-isof-south-1.api.aws.hci.ic.gov", "portal.sso.us-isof-south-1.api.aws.hci.ic.gov", "sts.us-isof-south-1.api.aws.hci.ic.gov"},
	{"us-isof-south-1", EndpointVariant{true, true}, "oidc-fips.us-isof-south-1.api.aws.hci.ic.gov", "portal.sso-fips.us-isof-south-1.api.aws.hci.ic.gov", "sts-fips.us-isof-south-1.api.aws.hci.ic.gov"},
}

func TestServiceEndpointsOfEveryPartitionAndVariant(t *testing.T) {
	t.Parallel()
	for _, tc := range endpointCases {
		got, err := ResolveEndpoints(context.Background(), tc.region, tc.v)
		want := ServiceEndpoints{OIDC: "https://" + tc.oidc, Portal: "https://" + tc.portal, STS: "https://" + tc.s}
		if err != nil || got != want {
			t.Errorf("ResolveEndpoints(%s, %+v) = %+v, %v\nwant %+v", tc.region, tc.v, got, err, want)
		}
	}
}

// TestEveryPartitionOfTheSDKIsCovered reads the SDK's own partition data
// (internal to it, so read as a file) and checks that partitionCases has a
// region of each partition, and that PartitionOf derives each partition's
// id and DNS suffixes from the SDK's resolvers. A partition added by an SDK
// update fails here until its console hosts are considered.
func TestEveryPartitionOfTheSDKIsCovered(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2").Output()
	if err != nil {
		t.Skipf("cannot locate the SDK's module: %v", err)
	}
	raw, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "endpoints", "awsrulesfn", "partitions.json"))
	if err != nil {
		t.Skipf("the SDK's partitions.json: %v", err)
	}
	var data struct {
		Partitions []struct {
			ID      string
			Regions map[string]json.RawMessage
			Outputs struct{ DNSSuffix, DualStackDNSSuffix string }
		}
	}
	if err := json.Unmarshal(raw, &data); err != nil || len(data.Partitions) < 8 {
		t.Fatalf("partitions.json: %v (%d partitions)", err, len(data.Partitions))
	}
	covered := map[string]bool{}
	for _, tc := range partitionCases {
		covered[tc.id] = true
	}
	for _, sp := range data.Partitions {
		if !covered[sp.ID] {
			t.Errorf("the SDK's partition %s has no case in partitionCases (and no console hosts considered)", sp.ID)
		}
		for region := range sp.Regions {
			if strings.HasSuffix(region, "-global") {
				continue
			}
			p := PartitionOf(region)
			if p.ID != sp.ID || p.DNSSuffix != sp.Outputs.DNSSuffix || p.DualStackDNSSuffix != sp.Outputs.DualStackDNSSuffix {
				t.Errorf("PartitionOf(%s) = %s %s %s, the SDK says %s %s %s", region, p.ID, p.DNSSuffix, p.DualStackDNSSuffix,
					sp.ID, sp.Outputs.DNSSuffix, sp.Outputs.DualStackDNSSuffix)
			}
		}
	}
}

// TestSigninHostsAgreeWithTheSDK checks the one table of our own against
// the SDK's model of the AWS Sign-In service, whose regional hosts are
// {region}.signin.<the partition's sign-in domain>.
func TestSigninHostsAgreeWithTheSDK(t *testing.T) {
	t.Parallel()
	for _, tc := range partitionCases {
		p := PartitionOf(tc.region)
		if p.SigninHost == "" {
			continue
		}
		ep, err := signin.NewDefaultEndpointResolverV2().ResolveEndpoint(context.Background(), signin.EndpointParameters{
			Region: sdkaws.String(tc.region), UseFIPS: sdkaws.Bool(false), UseDualStack: sdkaws.Bool(false),
		})
		domain := strings.TrimPrefix(p.SigninHost, tc.region+".")
		if err != nil || ep.URI.Host != tc.region+"."+domain {
			t.Errorf("%s: the SDK's sign-in host %s, %v; ours %s", tc.region, ep.URI.Host, err, p.SigninHost)
		}
	}
}

// hostRecorder is an SDK HTTP client that notes the host of each request
// and sends none.
type hostRecorder struct {
	mu    sync.Mutex
	hosts []string
}

func (h *hostRecorder) Do(r *http.Request) (*http.Response, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.hosts = append(h.hosts, r.URL.Host)
	return nil, errors.New("recorded")
}

func (h *hostRecorder) last() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.hosts) == 0 {
		return ""
	}
	return h.hosts[len(h.hosts)-1]
}

// TestEndpointVariantReachesEveryClient: the variant from the
// environment (an overlay, not the process's) or the config file reaches
// the /authorize link, the portal's requests and STS clients built from
// the loaded configuration; an explicit endpoint URL wins over it.
func TestEndpointVariantReachesEveryClient(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	paths := Paths{AWSConfig: filepath.Join(dir, "config"), AWSCredentials: filepath.Join(dir, "credentials")}
	config := "[default]\nuse_dualstack_endpoint = true\n\n[profile fips]\nuse_fips_endpoint = true\n\n[profile plain]\nregion = eu-west-1\n"
	if err := os.WriteFile(paths.AWSConfig, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name                string
		region              string
		vars                map[string]string
		authorize, portal   string
		stsHost             string // through endpointFor, as chained roles build theirs
		stsFromConfigOnlyTo string // built from the configuration alone
	}{
		{"the profile's dual-stack", "us-east-1", nil,
			"https://oidc.us-east-1.api.aws", "portal.sso.us-east-1.api.aws", "sts.us-east-1.api.aws", "sts.us-east-1.api.aws"},
		{"plain profile", "us-east-1", map[string]string{"AWS_PROFILE": "plain"},
			"https://oidc.us-east-1.amazonaws.com", "portal.sso.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com"},
		{"AWS_USE_FIPS_ENDPOINT", "us-east-1", map[string]string{"AWS_PROFILE": "plain", "AWS_USE_FIPS_ENDPOINT": "true"},
			"https://oidc-fips.us-east-1.amazonaws.com", "portal.sso-fips.us-east-1.amazonaws.com", "sts-fips.us-east-1.amazonaws.com", "sts-fips.us-east-1.amazonaws.com"},
		{"FIPS and the profile's dual-stack", "us-east-1", map[string]string{"AWS_USE_FIPS_ENDPOINT": "TRUE"},
			"https://oidc-fips.us-east-1.api.aws", "portal.sso-fips.us-east-1.api.aws", "sts-fips.us-east-1.api.aws", "sts-fips.us-east-1.api.aws"},
		{"the environment turns the profile's off", "us-east-1", map[string]string{"AWS_USE_DUALSTACK_ENDPOINT": "false"},
			"https://oidc.us-east-1.amazonaws.com", "portal.sso.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com"},
		{"the profile's FIPS", "us-gov-west-1", map[string]string{"AWS_PROFILE": "fips"},
			"https://oidc.us-gov-west-1.amazonaws.com", "portal.sso.us-gov-west-1.amazonaws.com", "sts.us-gov-west-1.amazonaws.com", "sts.us-gov-west-1.amazonaws.com"},
		{"European Sovereign Cloud, both", "eusc-de-east-1", map[string]string{"AWS_USE_FIPS_ENDPOINT": "true"},
			"https://oidc-fips.eusc-de-east-1.api.amazonwebservices.eu", "portal.sso-fips.eusc-de-east-1.api.amazonwebservices.eu",
			"sts-fips.eusc-de-east-1.api.amazonwebservices.eu", "sts-fips.eusc-de-east-1.api.amazonwebservices.eu"},
		{"explicit SSO OIDC endpoint wins", "us-east-1", map[string]string{"AWS_USE_FIPS_ENDPOINT": "true", "AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:4001"},
			"http://127.0.0.1:4001", "portal.sso-fips.us-east-1.api.aws", "sts-fips.us-east-1.api.aws", "sts-fips.us-east-1.api.aws"},
		{"explicit endpoints win", "us-east-1", map[string]string{"AWS_USE_FIPS_ENDPOINT": "true", "AWS_ENDPOINT_URL": "http://127.0.0.1:4002"},
			"http://127.0.0.1:4002", "127.0.0.1:4002", "127.0.0.1:4002", "sts-fips.us-east-1.api.aws"},
		{"explicit STS endpoint wins", "us-east-1", map[string]string{"AWS_PROFILE": "fips", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:4003"},
			"https://oidc-fips.us-east-1.amazonaws.com", "portal.sso-fips.us-east-1.amazonaws.com", "127.0.0.1:4003", "sts-fips.us-east-1.amazonaws.com"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := Environment{Paths: paths, Getenv: func(k string) string { return tc.vars[k] }}
			c, err := NewClients(context.Background(), tc.region, env)
			if err != nil {
				t.Fatal(err)
			}
			if c.OIDCEndpoint != tc.authorize {
				t.Errorf("/authorize endpoint %s, want %s", c.OIDCEndpoint, tc.authorize)
			}
			rec := &hostRecorder{}
			_, _ = c.Portal.ListAccounts(context.Background(), &sso.ListAccountsInput{AccessToken: sdkaws.String("t")},
				func(o *sso.Options) { o.HTTPClient = rec })
			if got := rec.last(); got != tc.portal {
				t.Errorf("portal request to %s, want %s", got, tc.portal)
			}
			cfg, err := loadConfig(context.Background(), tc.region, env)
			if err != nil {
				t.Fatal(err)
			}
			creds := credentials.NewStaticCredentialsProvider("AKID", "SECRET", "TOKEN")
			for _, s := range []struct {
				want     string
				explicit bool
			}{{tc.stsHost, true}, {tc.stsFromConfigOnlyTo, false}} {
				rec := &hostRecorder{}
				client := sts.NewFromConfig(cfg, func(o *sts.Options) {
					o.HTTPClient, o.Credentials, o.Retryer = rec, creds, sdkaws.NopRetryer{}
					if s.explicit {
						o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint =
							env.endpointFor("STS", o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint)
					}
				})
				_, _ = client.GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
				if got := rec.last(); got != s.want {
					t.Errorf("STS request (endpointFor %v) to %s, want %s", s.explicit, got, s.want)
				}
			}
		})
	}
}

// TestNewClientsFIPSAuthorize: AWS_USE_FIPS_ENDPOINT=true, handed in
// through the environment and not the process's, makes the PKCE
// /authorize link a FIPS one; a value other than true or false is refused.
func TestNewClientsFIPSAuthorize(t *testing.T) {
	t.Parallel()
	paths := Paths{AWSConfig: filepath.Join(t.TempDir(), "none")}
	fips := Environment{Paths: paths, Getenv: func(k string) string {
		return map[string]string{"AWS_USE_FIPS_ENDPOINT": "true"}[k]
	}}
	c, err := NewClients(context.Background(), "us-east-1", fips)
	if err != nil || c.OIDCEndpoint != "https://oidc-fips.us-east-1.amazonaws.com" {
		t.Fatalf("NewClients with AWS_USE_FIPS_ENDPOINT=true: %v, /authorize at %v", err, c)
	}
	bad := Environment{Paths: paths, Getenv: func(k string) string {
		return map[string]string{"AWS_USE_DUALSTACK_ENDPOINT": "yes"}[k]
	}}
	if _, err := NewClients(context.Background(), "us-east-1", bad); err == nil || !strings.Contains(err.Error(), "AWS_USE_DUALSTACK_ENDPOINT=yes: set it to true or false") {
		t.Errorf("AWS_USE_DUALSTACK_ENDPOINT=yes: %v", err)
	}
}
