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

// The partition's hosts (PartitionOf) are in partition.go.

// FederationEndpoint is the region's partition's federation URL, unless
// override (SSOPICK_FEDERATION_ENDPOINT) names another; "" in a partition
// without console sign-in (see Partition.ConsoleSupported).
func FederationEndpoint(region, override string) string {
	if override != "" {
		return override
	}
	p := PartitionOf(region)
	if p.SigninHost == "" {
		return ""
	}
	return "https://" + p.SigninHost + "/federation"
}

// ConsoleHome is the console's home page in region; "" in a partition
// without a console (see Partition.ConsoleSupported).
func ConsoleHome(region string) string {
	p := PartitionOf(region)
	if p.ConsoleHost == "" {
		return ""
	}
	host := p.ConsoleHost
	if p.RegionalConsole {
		host = region + "." + host
	}
	return "https://" + host + "/console/home?region=" + url.QueryEscape(region)
}

var servicePattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z0-9-]+$`) })

// ConsoleDestination is where the console opens in region: destination, a
// URL that must be on the partition's console; else service's home page
// (s3, ec2, …); else the console home.
func ConsoleDestination(region, service, destination string) (string, error) {
	p := PartitionOf(region)
	if err := p.ConsoleSupported(); err != nil {
		return "", err
	}
	switch {
	case destination != "":
		u, err := url.Parse(destination)
		host := p.ConsoleHost
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

// LogoutURL is the console's sign-out on the sign-in host of
// federationEndpoint (the partition's, or SSOPICK_FEDERATION_ENDPOINT's),
// sending the browser on to redirectURI when it is set. Opened as a
// top-level page (not in a frame), the sign-out is a first-party request
// that carries the console's session cookie; with the federation login
// URL as redirectURI, the browser then signs in afresh as the new role.
// The sign-out sends browsers only to AWS hosts; a login URL from
// LoginURL on the same endpoint is one. The URL holds whatever secret
// redirectURI holds.
func LogoutURL(federationEndpoint, redirectURI string) string {
	u, err := url.Parse(federationEndpoint)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	q := url.Values{"Action": {"logout"}}
	if redirectURI != "" {
		q.Set("redirect_uri", redirectURI)
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = "/oauth", "", q.Encode(), ""
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
	if r.Endpoint == "" || r.Destination == "" {
		if err := PartitionOf(r.Region).ConsoleSupported(); err != nil {
			return "", err
		}
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
