package aws

import (
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// The fuzz targets' seed corpora live in testdata/fuzz and run as plain
// tests; `go test -fuzz FuzzX ./aws` explores further.

func FuzzLoadConfig(f *testing.F) {
	f.Add([]byte("[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start#/\nsso_region = eu-west-1\n"))
	f.Add([]byte("[profile p]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\ns3 =\n  max = 1\n"))
	f.Add([]byte("[sso-session \n= = =\n[[[\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, raw []byte) {
		path := filepath.Join(dir, "config")
		if err := os.WriteFile(path, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		cf, err := LoadConfig(path)
		if err != nil {
			return
		}
		for _, s := range cf.Sessions() {
			if s.StartURL == "" || s.Region == "" {
				t.Fatalf("session without start URL or region: %+v", s)
			}
		}
		_, _ = cf.Select(Selector{})
		_, _ = cf.Select(Selector{SessionName: "acme"})
	})
}

func FuzzParseToken(f *testing.F) {
	f.Add([]byte(`{"startUrl": "https://a.awsapps.com/start", "region": "us-east-1", "accessToken": "aoa", "expiresAt": "2026-11-25T20:00:00Z", "refreshToken": "aor", "x": [1, {"y": null}]}`))
	f.Add([]byte(`{"accessToken": "a", "expiresAt": "2026-11-25T20:00:00.123+02:00"}`))
	f.Add([]byte(`{"accessToken": 1}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		tok, err := parseToken(raw)
		if err != nil {
			return
		}
		// What parses survives a write and a read unchanged.
		again, err := parseToken(tok.marshal())
		if err != nil {
			t.Fatalf("a marshalled token does not parse: %v\n%s", err, tok.marshal())
		}
		if again.AccessToken != tok.AccessToken || !again.ExpiresAt.Equal(tok.ExpiresAt.Truncate(time.Second)) || again.RefreshToken != tok.RefreshToken {
			t.Fatalf("round trip changed the token: %+v → %+v", tok, again)
		}
	})
}

func FuzzDecodeCatalogue(f *testing.F) {
	f.Add(encodeCatalogue(&Catalogue{Session: "acme", StartURL: "https://a/start", FetchedAt: time.Unix(0, 0).UTC(), Rows: []Row{{AccountID: "1", AccountName: "a\tb", Email: "e\\", RoleName: "r\n", Session: "acme"}}}))
	f.Add([]byte("ssopick-catalogue\t1\nacme\thttps://a/start\t2026-11-25T12:00:00Z\n1\t2\t3\n"))
	f.Add([]byte("{}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cat, err := decodeCatalogue(raw)
		if err != nil {
			return
		}
		again, err := decodeCatalogue(encodeCatalogue(cat))
		if err != nil || !reflect.DeepEqual(again.Rows, cat.Rows) && len(cat.Rows) > 0 {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, cat.Rows, again)
		}
	})
}

func FuzzFederationURLs(f *testing.F) {
	f.Add("ASIAKEY", "se/cr+et=", "tok&en", "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1", "ssopick", "SIGNIN")
	f.Add("", "", "", "", "", "")
	f.Add("a\x00", "\"}", "\n", "javascript:alert(1)", "<x>", "%zz")
	f.Fuzz(func(t *testing.T, id, key, token, dest, issuer, signin string) {
		raw, err := SigninTokenURL("https://signin.aws.amazon.com/federation", RoleCredentials{AccessKeyID: id, SecretAccessKey: key, SessionToken: token}, 0)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host != "signin.aws.amazon.com" || u.Query().Get("Action") != "getSigninToken" {
			t.Fatalf("getSigninToken URL %q: %v", raw, err)
		}
		login, err := url.Parse(LoginURL("https://signin.aws.amazon.com/federation", issuer, dest, signin))
		if err != nil {
			t.Fatal(err)
		}
		q := login.Query()
		if login.Host != "signin.aws.amazon.com" || q.Get("Destination") != dest || q.Get("SigninToken") != signin || q.Get("Issuer") != issuer || q.Get("Action") != "login" {
			t.Fatalf("login URL does not carry its parts back: %q", login)
		}
		if strings.Count(login.RawQuery, "Action=") != 1 {
			t.Fatalf("a value injected a parameter: %q", login.RawQuery)
		}
	})
}
