package aws

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
)

// Errors a person meets in the first hour say exactly what is wrong.

func TestConfigErrorsNameWhatIsMissing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, content, want, notWant string }{
		{"session without region", "[sso-session x]\nsso_start_url = https://x.awsapps.com/start\n", `"x"`, "sso_start_url ="},
		{"session without start URL", "[sso-session x]\nsso_region = us-east-1\n", "has no sso_start_url; set `sso_start_url = ", "sso_region ="},
		{"session with neither", "[sso-session x]\nsso_registration_scopes = sso:account:access\n", "has neither sso_start_url nor sso_region", ""},
		{"session with an empty region", "[sso-session x]\nsso_start_url = https://x.awsapps.com/start\nsso_region =\n", "has an empty sso_region", ""},
		{"legacy profile without region", "[profile p]\nsso_start_url = https://x.awsapps.com/start\n", "[profile p]", "sso_start_url ="},
		{"legacy profile with an empty start URL", "[profile p]\nsso_start_url =\nsso_region = us-east-1\n", "has an empty sso_start_url", "sso_region ="},
	} {
		_, err := LoadConfig(writeConfig(t, tc.content))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || tc.notWant != "" && strings.Contains(err.Error(), tc.notWant) {
			t.Errorf("%s: %q, want %q and not %q", tc.name, err, tc.want, tc.notWant)
		}
		if strings.Contains(err.Error(), "sso_start_url or sso_region") {
			t.Errorf("%s: %q does not say which is missing", tc.name, err)
		}
	}
	_, err := LoadConfig(writeConfig(t, "[sso-session x]\nsso_start_url = https://x.awsapps.com/start\n"))
	if err == nil || !strings.Contains(err.Error(), "has no sso_region; set `sso_region = ") {
		t.Errorf("no region: %v", err)
	}
}

func TestBadININamesTheLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, content string
		line          string // "line N" in the message
		want, notWant string
	}{
		{"unclosed section", "[default]\nregion = eu-west-1\n\n[sso-session acme\nsso_region = x\n", "line 4", `"[sso-session acme"`, ""},
		{"unclosed section first", "[sso-session acme\n", "line 1", "no closing ]", ""},
		{"key without =", "# comment\n[default]\nregion = eu-west-1\naws_secret_access_key SECRETVALUE\n", "line 4", "not a [section]", "SECRETVALUE"},
		{"value without key", "[default]\n\n; note\n= v\n", "line 4", "no key", ""},
		{"after a nested value", "[default]\ns3 =\n    max_concurrent_requests = 20\nbroken\n", "line 4", "not a [section]", ""},
		{"CRLF lines", "[default]\r\nregion = eu-west-1\r\n[profile x\r\n", "line 3", "no closing ]", ""},
	} {
		_, err := LoadConfig(writeConfig(t, tc.content))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, " "+tc.line+" ") && !strings.Contains(msg, " "+tc.line+":") || !strings.Contains(msg, tc.want) {
			t.Errorf("%s: %q, want %q and %q", tc.name, msg, tc.line, tc.want)
		}
		if tc.notWant != "" && strings.Contains(msg, tc.notWant) {
			t.Errorf("%s: %q repeats %q", tc.name, msg, tc.notWant)
		}
	}
}

func TestBadINILineScan(t *testing.T) {
	t.Parallel()
	// Where ini.v1's error quotes nothing the scan finds the line.
	for content, want := range map[string]int{
		"\ufeff[default]\nregion = x\nnope\n": 3,
		"[a]\n  indented continuation\n[b\n":  3,
		"[a]\nk: v\n# c\n;c\n\n[b]]\n":        0,
	} {
		if got, _ := badINILine([]byte(content), errString("something went wrong")); got != want {
			t.Errorf("%q: line %d, want %d", content, got, want)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func TestUnknownSessionListsTheSessionsThatExist(t *testing.T) {
	t.Parallel()
	cf, err := LoadConfig(writeConfig(t, sampleConfig+"\n[sso-session other]\nsso_start_url = https://other.awsapps.com/start\nsso_region = us-east-1\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sel := range []Selector{{SessionName: "nope"}, {EnvSession: "nope"}} {
		_, err := cf.Select(sel)
		if err == nil || !strings.Contains(err.Error(), `which has "acme", "other"`) {
			t.Errorf("%+v: %v", sel, err)
		}
	}
	// Only a legacy profile: no session name to offer.
	cf, err = LoadConfig(writeConfig(t, "[profile p]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cf.Select(Selector{SessionName: "nope"}); err == nil || !strings.Contains(err.Error(), "has no [sso-session] section") {
		t.Errorf("legacy only: %v", err)
	}
}

// TestTokenExpiresAtForms: token files of older AWS CLIs (…UTC), of the
// current one (…Z) and of tools writing fractional seconds or offsets are
// read, as botocore (dateutil) reads them.
func TestTokenExpiresAtForms(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 27, 18, 0, 0, 0, time.UTC)
	for form, want := range map[string]time.Time{
		"2026-11-27T18:00:00UTC":         at,
		"2026-11-27T18:00:00Z":           at,
		"2026-11-27T18:00:00.123Z":       at.Add(123 * time.Millisecond),
		"2026-11-27T18:00:00.5UTC":       at.Add(500 * time.Millisecond),
		"2026-11-27T18:00:00.123456789Z": at.Add(123456789),
		"2026-11-27T19:00:00+01:00":      at,
		"2026-11-27T19:00:00+0100":       at,
		"2026-11-27 18:00:00Z":           at,
		"2026-11-27T18:00:00 UTC":        at,
		"2026-11-27T18:00:00z":           at,
	} {
		dir := t.TempDir()
		c := TokenCache{Dir: dir, LockDir: dir}
		s := Session{Name: "acme"}
		raw := `{"startUrl": "https://a.awsapps.com/start", "region": "us-east-1", "accessToken": "aoa", "expiresAt": "` + form +
			`", "clientId": "c", "clientSecret": "s", "registrationExpiresAt": "` + form + `", "refreshToken": "r"}`
		if err := os.WriteFile(c.TokenPath(s), []byte(raw), 0o600); err != nil {
			t.Fatal(err)
		}
		tok, err := c.LoadToken(s)
		if err != nil {
			t.Errorf("%s: %v", form, err)
			continue
		}
		if !tok.ExpiresAt.Equal(want) || !tok.RegistrationExpiresAt.Equal(want) || tok.ExpiresAt.Location() != time.UTC {
			t.Errorf("%s: expires %v, registration %v, want %v", form, tok.ExpiresAt, tok.RegistrationExpiresAt, want)
		}
		// A registration file of that age is read too.
		reg := `{"clientId": "c", "clientSecret": "s", "expiresAt": "` + form + `", "scopes": ["sso:account:access"]}`
		if err := os.WriteFile(c.RegistrationPath(s), []byte(reg), 0o600); err != nil {
			t.Fatal(err)
		}
		if r, err := c.LoadRegistration(s); err != nil || !r.ExpiresAt.Equal(want) {
			t.Errorf("%s: registration %+v %v", form, r, err)
		}
	}
	// botocore fails on a time without a zone; so does ssopick, and the
	// token counts as absent (sign in again) rather than as local time.
	for _, bad := range []string{"2026-11-27T18:00:00", "soon", "2026-11-27T18:00:00utc", ""} {
		if _, err := parseCacheTime(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestAWSProfileWithAMissingSSOSession: AWS_PROFILE naming a profile the
// SDK refuses (its sso_session names no [sso-session]; it does not exist;
// its source_profile does not exist) does not stop ssopick, which needs
// nothing from it.
func TestAWSProfileWithAMissingSSOSession(t *testing.T) {
	t.Parallel()
	content := "[profile broken]\nsso_session = gone\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n\n" +
		"[profile chained]\nrole_arn = arn:aws:iam::111122223333:role/x\nsource_profile = absent\n\n" +
		"[sso-session acme]\nsso_start_url = https://a.awsapps.com/start\nsso_region = us-east-1\n"
	dir := t.TempDir()
	paths := Paths{AWSConfig: filepath.Join(dir, "config"), AWSCredentials: filepath.Join(dir, "credentials")}
	if err := os.WriteFile(paths.AWSConfig, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, profile := range []string{"broken", "missing", "chained"} {
		env := Environment{Paths: paths, Getenv: func(k string) string {
			if k == "AWS_PROFILE" {
				return profile
			}
			return ""
		}}
		cfg, err := loadConfig(context.Background(), "eu-west-1", env)
		if err != nil || cfg.Region != "eu-west-1" {
			t.Errorf("AWS_PROFILE=%s: %v (region %q)", profile, err, cfg.Region)
		}
		if _, err := NewClients(context.Background(), "eu-west-1", env); err != nil {
			t.Errorf("AWS_PROFILE=%s: clients: %v", profile, err)
		}
	}
	// The SDK itself refuses the broken profile with an error of no type
	// of its own, which profileUnusable recognises by its text.
	_, err := config.LoadDefaultConfig(context.Background(), config.WithRegion("eu-west-1"),
		config.WithSharedConfigFiles([]string{paths.AWSConfig}), config.WithSharedCredentialsFiles([]string{paths.AWSCredentials}),
		config.WithSharedConfigProfile("broken"))
	if err != nil && !profileUnusable(err) {
		t.Errorf("the SDK's error for a missing sso-session is not recognised: %v", err)
	}
}
