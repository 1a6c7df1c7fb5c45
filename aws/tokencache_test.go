package aws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestCacheFileNamesMatchTheAWSCLI(t *testing.T) {
	t.Parallel()
	// Vectors from the AWS CLI's own cache (shared/AWS-FACTS.md).
	if got := cacheFileName("my-sso"); got != "0ad374308c5a4e22f723adf10145eafad7c4031c.json" {
		t.Errorf("session key: %s", got)
	}
	if got := cacheFileName("https://my-sso-portal.awsapps.com/start"); got != "c7aaaf71fcc8777ae2475525ed049d39fe16c484.json" {
		t.Errorf("start URL key: %s", got)
	}
	s := Session{Name: "my-sso", StartURL: "https://my-sso-portal.awsapps.com/start", Region: "us-east-1", Scopes: []string{"sso:account:access"}}
	if got := registrationKey(s); got != "c5cfae6e3e4f067423a532368c8b514b6a4b0ace" {
		t.Errorf("registration key: %s", got)
	}
}

func TestTokenRoundTripKeepsUnknownFields(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := TokenCache{Dir: filepath.Join(dir, "cache"), LockDir: filepath.Join(dir, "locks")}
	s := Session{Name: "acme"}
	written := `{"startUrl": "https://acme.awsapps.com/start", "region": "eu-west-1", "accessToken": "aoaTOKEN", "expiresAt": "2026-11-25T20:00:00Z", "clientId": "cid", "clientSecret": "csecret", "registrationExpiresAt": "2027-02-23T12:00:00Z", "refreshToken": "aorREFRESH", "zzFuture": {"b": 1, "a": [1, 2]}}`
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.TokenPath(s), []byte(written), 0o600); err != nil {
		t.Fatal(err)
	}
	tok, err := c.LoadToken(s)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "aoaTOKEN" || !tok.ExpiresAt.Equal(time.Date(2026, 11, 25, 20, 0, 0, 0, time.UTC)) || tok.RefreshToken != "aorREFRESH" {
		t.Fatalf("parsed %+v", tok)
	}
	if err := c.SaveToken(s, tok); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(c.TokenPath(s))
	if string(again) != written {
		t.Errorf("rewrite changed the file:\n got %s\nwant %s", again, written)
	}
	info, _ := os.Stat(c.TokenPath(s))
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", info.Mode().Perm())
	}
}

func TestCorruptTokenIsTreatedAsAbsent(t *testing.T) {
	t.Parallel()
	c := TokenCache{Dir: t.TempDir()}
	s := Session{Name: "acme"}
	for _, content := range []string{"", "{", `{"accessToken": "x"}`, `{"accessToken": "x", "expiresAt": "tomorrow"}`, `[]`} {
		_ = os.WriteFile(c.TokenPath(s), []byte(content), 0o600)
		if _, err := c.LoadToken(s); err == nil || !strings.Contains(err.Error(), ErrNoToken.Error()) {
			t.Errorf("%q: %v, want ErrNoToken", content, err)
		}
	}
}
