package aws

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Console sign-in through the federation endpoint: trade role credentials
// for a sign-in token (getSigninToken), then open a login URL carrying it.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html

// Partition is the part of a console sign-in that differs between AWS
// partitions.
type Partition struct {
	SigninHost  string // signin.aws.amazon.com
	ConsoleHost string // console.aws.amazon.com (regional hosts prefix it)
}

// PartitionOf picks the partition from a region name.
func PartitionOf(region string) Partition {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return Partition{SigninHost: "signin.amazonaws.cn", ConsoleHost: "console.amazonaws.cn"}
	case strings.HasPrefix(region, "us-gov-"):
		return Partition{SigninHost: "signin.amazonaws-us-gov.com", ConsoleHost: "console.amazonaws-us-gov.com"}
	default:
		return Partition{SigninHost: "signin.aws.amazon.com", ConsoleHost: "console.aws.amazon.com"}
	}
}

// FederationEndpoint is the region's partition's federation URL, unless
// override (SSOPICK_FEDERATION_ENDPOINT) names another.
func FederationEndpoint(region, override string) string {
	if override != "" {
		return override
	}
	return "https://" + PartitionOf(region).SigninHost + "/federation"
}

// ConsoleHome is the console's home page in region.
func ConsoleHome(region string) string {
	p := PartitionOf(region)
	host := p.ConsoleHost
	if p.ConsoleHost == "console.aws.amazon.com" {
		host = region + "." + host // the aws partition has regional console hosts
	}
	return "https://" + host + "/console/home?region=" + url.QueryEscape(region)
}

var servicePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9-]+$`) })

// ConsoleDestination is where the console opens in region: destination, a
// URL that must be on the partition's console; else service's home page
// (s3, ec2, …); else the console home.
func ConsoleDestination(region, service, destination string) (string, error) {
	switch {
	case destination != "":
		u, err := url.Parse(destination)
		host := PartitionOf(region).ConsoleHost
		if err != nil || u.Scheme != "https" || (u.Host != host && !strings.HasSuffix(u.Host, "."+host)) {
			return "", fmt.Errorf("--destination must be an https URL on %s", host)
		}
		return destination, nil
	case service != "":
		if !servicePattern().MatchString(service) {
			return "", fmt.Errorf("--service %q is not a console service name like s3 or ec2", service)
		}
		return strings.Replace(ConsoleHome(region), "/console/home", "/"+service+"/home", 1), nil
	}
	return ConsoleHome(region), nil
}

// LogoutURL is the console's sign-out, beside the federation endpoint.
func LogoutURL(federationEndpoint string) string {
	u, err := url.Parse(federationEndpoint)
	if err != nil {
		return ""
	}
	u.Path, u.RawQuery = "/oauth", "Action=logout"
	return u.String()
}

// Session durations getSigninToken accepts.
const (
	MinConsoleSession = 15 * time.Minute
	MaxConsoleSession = 12 * time.Hour
)

// SigninTokenURL is the getSigninToken request for creds. duration 0 leaves
// the session length to the service. The URL holds secrets: never log it.
func SigninTokenURL(endpoint string, creds RoleCredentials, duration time.Duration) (string, error) {
	if duration != 0 && (duration < MinConsoleSession || duration > MaxConsoleSession) {
		return "", fmt.Errorf("the console session duration %v is outside 15m–12h", duration)
	}
	session, err := json.Marshal(map[string]string{
		"sessionId":    creds.AccessKeyID,
		"sessionKey":   creds.SecretAccessKey,
		"sessionToken": creds.SessionToken,
	})
	if err != nil {
		return "", err
	}
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if duration != 0 {
		q.Set("SessionDuration", strconv.Itoa(int(duration.Seconds())))
	}
	return endpoint + "?" + q.Encode(), nil
}

// LoginURL is the console login URL for a sign-in token.
func LoginURL(endpoint, issuer, destination, signinToken string) string {
	q := url.Values{
		"Action":      {"login"},
		"Issuer":      {issuer},
		"Destination": {destination},
		"SigninToken": {signinToken},
	}
	return endpoint + "?" + q.Encode()
}

// ConsoleRequest describes a console sign-in.
type ConsoleRequest struct {
	Credentials     RoleCredentials
	Region          string        // picks the partition and default destination
	Endpoint        string        // default: FederationEndpoint(Region, "")
	Destination     string        // default: ConsoleHome(Region)
	Issuer          string        // shown by the console on session expiry
	SessionDuration time.Duration // 0: the service's default
}

// ConsoleURL trades credentials for a sign-in token and returns the login
// URL. client may be nil for a default one with a timeout.
func ConsoleURL(ctx context.Context, client *http.Client, r ConsoleRequest) (string, error) {
	if client == nil {
		client = &http.Client{Timeout: requestTimeout}
	}
	if r.Endpoint == "" {
		r.Endpoint = FederationEndpoint(r.Region, "")
	}
	if r.Destination == "" {
		r.Destination = ConsoleHome(r.Region)
	}
	tokenURL, err := SigninTokenURL(r.Endpoint, r.Credentials, r.SessionDuration)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, tokenURL, nil)
	if err != nil {
		return "", errors.New("the federation endpoint is not a valid URL")
	}
	resp, err := client.Do(req)
	if err != nil {
		// url.Error repeats the URL, which holds the credentials.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return "", plainError("request a console sign-in token from "+hostOf(r.Endpoint), err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the federation endpoint %s refused the credentials (HTTP %d)", hostOf(r.Endpoint), resp.StatusCode)
	}
	var out struct{ SigninToken string }
	if err := json.Unmarshal(body, &out); err != nil || out.SigninToken == "" {
		return "", fmt.Errorf("the federation endpoint %s sent no sign-in token", hostOf(r.Endpoint))
	}
	return LoginURL(r.Endpoint, r.Issuer, r.Destination, out.SigninToken), nil
}

func hostOf(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		return u.Host
	}
	return "the federation endpoint"
}
