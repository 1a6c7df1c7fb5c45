package aws

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestPartitionURLs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ region, endpoint, home string }{
		{"eu-west-1", "https://signin.aws.amazon.com/federation", "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"},
		{"us-gov-west-1", "https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1"},
		{"cn-north-1", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/console/home?region=cn-north-1"},
	} {
		if got := FederationEndpoint(tc.region, ""); got != tc.endpoint {
			t.Errorf("%s endpoint %s", tc.region, got)
		}
		if got := ConsoleHome(tc.region); got != tc.home {
			t.Errorf("%s home %s", tc.region, got)
		}
	}
	if got := FederationEndpoint("eu-west-1", "http://127.0.0.1:1/federation"); got != "http://127.0.0.1:1/federation" {
		t.Errorf("override ignored: %s", got)
	}
}

func TestSigninTokenURL(t *testing.T) {
	t.Parallel()
	creds := RoleCredentials{AccessKeyID: "ASIAKEY", SecretAccessKey: "se/cr+et", SessionToken: "tok=en"}
	raw, err := SigninTokenURL("https://signin.aws.amazon.com/federation", creds, 12*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(raw)
	q := u.Query()
	if q.Get("Action") != "getSigninToken" || q.Get("SessionDuration") != "43200" ||
		q.Get("Session") != `{"sessionId":"ASIAKEY","sessionKey":"se/cr+et","sessionToken":"tok=en"}` {
		t.Errorf("query %v", q)
	}
	if raw, _ := SigninTokenURL("https://x/federation", creds, 0); strings.Contains(raw, "SessionDuration") {
		t.Error("duration 0 must leave SessionDuration out")
	}
	for _, d := range []time.Duration{time.Minute, 899 * time.Second, 12*time.Hour + time.Second} {
		if _, err := SigninTokenURL("https://x/federation", creds, d); err == nil {
			t.Errorf("duration %v accepted", d)
		}
	}
}

func TestLoginURL(t *testing.T) {
	t.Parallel()
	raw := LoginURL("https://signin.aws.amazon.com/federation", "ssopick", "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1", "TOKEN&x")
	u, _ := url.Parse(raw)
	q := u.Query()
	if u.Host != "signin.aws.amazon.com" || q.Get("Action") != "login" || q.Get("Issuer") != "ssopick" ||
		q.Get("Destination") != "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1" || q.Get("SigninToken") != "TOKEN&x" {
		t.Errorf("login URL %s", raw)
	}
}

func TestConsoleDestinationAndLogoutURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		region, service, destination, want, err string
	}{
		{"eu-west-1", "", "", "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1", ""},
		{"eu-west-1", "s3", "", "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1", ""},
		{"us-gov-west-1", "ec2", "", "https://console.amazonaws-us-gov.com/ec2/home?region=us-gov-west-1", ""},
		{"eu-west-1", "", "https://eu-west-1.console.aws.amazon.com/lambda/home", "https://eu-west-1.console.aws.amazon.com/lambda/home", ""},
		{"eu-west-1", "", "https://evil.example/", "", "--destination must be an https URL on console.aws.amazon.com"},
		{"eu-west-1", "", "http://console.aws.amazon.com/", "", "--destination must be"},
		{"eu-west-1", "s3/../x", "", "", "is not a console service name"},
	} {
		got, err := ConsoleDestination(tc.region, tc.service, tc.destination)
		if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
			t.Errorf("ConsoleDestination(%q, %q, %q) = %q, %v", tc.region, tc.service, tc.destination, got, err)
		}
	}
	if got := LogoutURL("https://signin.aws.amazon.com/federation", ""); got != "https://signin.aws.amazon.com/oauth?Action=logout" {
		t.Errorf("LogoutURL = %q", got)
	}
}

func TestLogoutURLGoesOnToTheSignIn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ region, override, host string }{
		{"eu-west-1", "", "signin.aws.amazon.com"},
		{"cn-north-1", "", "signin.amazonaws.cn"},
		{"us-gov-west-1", "", "signin.amazonaws-us-gov.com"},
		// SSOPICK_FEDERATION_ENDPOINT moves the sign-out with the sign-in.
		{"eu-west-1", "http://localhost:8123/federation", "localhost:8123"},
	} {
		endpoint := FederationEndpoint(tc.region, tc.override)
		login := LoginURL(endpoint, "ssopick", ConsoleHome(tc.region), "TOKEN&x=1")
		raw := LogoutURL(endpoint, login)
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatalf("LogoutURL(%q) = %q: %v", endpoint, raw, err)
		}
		q := u.Query()
		if u.Host != tc.host || u.Path != "/oauth" || q.Get("Action") != "logout" || q.Get("redirect_uri") != login || len(q) != 2 {
			t.Errorf("LogoutURL(%q, login) = %q", endpoint, raw)
		}
		// The login URL's own parameters stay inside redirect_uri.
		if q.Get("SigninToken") != "" || strings.Count(raw, "?") != 1 {
			t.Errorf("the login URL leaks out of redirect_uri: %q", raw)
		}
	}
	if got := LogoutURL("not a url", "x"); got != "" {
		t.Errorf("LogoutURL of a bad endpoint = %q", got)
	}
}
