package aws

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleConfig = `# my AWS config
[default]
region = eu-west-1
s3 =
    max_concurrent_requests = 20

[profile dev]
sso_session = acme
sso_account_id = 111122223333
sso_role_name = ReadOnly

[sso-session acme]
sso_start_url = https://acme.awsapps.com/start#/
sso_region = eu-west-1
sso_registration_scopes = sso:account:access, sso-oauth:foo  # two scopes

[profile legacy.one]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 444455556666
sso_role_name = Admin

[profile legacy.two]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
`

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	cf, err := LoadConfig(writeConfig(t, sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	got := cf.Sessions()
	if len(got) != 2 {
		t.Fatalf("sessions %+v, want acme and one legacy start URL", got)
	}
	acme := got[0]
	if acme.Name != "acme" || acme.StartURL != "https://acme.awsapps.com/start#/" || acme.Region != "eu-west-1" ||
		strings.Join(acme.Scopes, "|") != "sso:account:access|sso-oauth:foo" {
		t.Errorf("acme %+v", acme)
	}
	legacy := got[1]
	if legacy.Name != "" || legacy.StartURL != "https://old.awsapps.com/start" || legacy.CacheKey() != legacy.StartURL {
		t.Errorf("legacy %+v", legacy)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	t.Parallel()
	if cf, err := LoadConfig(filepath.Join(t.TempDir(), "missing")); err != nil || len(cf.Sessions()) != 0 {
		t.Errorf("missing file: %v", err)
	}
	for name, content := range map[string]string{
		"no region":        "[sso-session x]\nsso_start_url = https://x.awsapps.com/start\n",
		"no start url":     "[sso-session x]\nsso_region = us-east-1\n",
		"legacy no region": "[profile p]\nsso_start_url = https://x.awsapps.com/start\n",
		"broken ini":       "[sso-session x\nsso_region = us-east-1\n",
	} {
		if _, err := LoadConfig(writeConfig(t, content)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestSelect(t *testing.T) {
	t.Parallel()
	cf, err := LoadConfig(writeConfig(t, sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	one := func(sel Selector) Session {
		t.Helper()
		got, err := cf.Select(sel)
		if err != nil || len(got) != 1 {
			t.Fatalf("%+v: %v %v", sel, got, err)
		}
		return got[0]
	}
	if s := one(Selector{SessionName: "acme", EnvSession: "other"}); s.Name != "acme" {
		t.Errorf("flag: %+v", s)
	}
	if s := one(Selector{StartURL: "https://adhoc.awsapps.com/start", Region: "ap-south-1", EnvSession: "acme"}); s.StartURL != "https://adhoc.awsapps.com/start" || s.Region != "ap-south-1" {
		t.Errorf("ad hoc: %+v", s)
	}
	if s := one(Selector{EnvSession: "acme"}); s.Name != "acme" {
		t.Errorf("env: %+v", s)
	}
	if all, err := cf.Select(Selector{}); err != nil || len(all) != 2 {
		t.Errorf("default: %v %v", all, err)
	}
	if _, err := cf.Select(Selector{SessionName: "nope"}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown session: %v", err)
	}
	empty, _ := LoadConfig(writeConfig(t, "[default]\nregion = us-east-1\n"))
	if _, err := empty.Select(Selector{}); !errors.Is(err, ErrNoSession) {
		t.Errorf("no session: %v", err)
	}
}
