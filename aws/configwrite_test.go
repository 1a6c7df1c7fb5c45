package aws

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAddSSOSessionKeepsEveryByte(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config")
	original := "# keep me\n[default]\nregion = eu-west-1   # trailing comment\n\n[profile x]\nsso_session = other" // no final newline
	if err := os.WriteFile(path, []byte(original), 0o644); err != nil {
		t.Fatal(err)
	}
	s := Session{Name: "acme", StartURL: "https://acme.awsapps.com/start#/", Region: "us-east-1"}
	if err := AddSSOSession(path, s); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(got), original+"\n") {
		t.Fatalf("existing bytes changed:\n%s", got)
	}
	if backup, _ := os.ReadFile(path + ".bak"); string(backup) != original {
		t.Errorf("backup %q", backup)
	}
	cf, err := LoadConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := cf.Session("acme"); !ok || got.StartURL != s.StartURL || got.Region != "us-east-1" || strings.Join(got.Scopes, ",") != "sso:account:access" {
		t.Errorf("session read back as %+v", got)
	}
	if err := AddSSOSession(path, s); err == nil {
		t.Error("a second session of the same name was added")
	}
}

func TestAddSSOSessionCreatesTheFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "aws", "config")
	if err := AddSSOSession(path, Session{Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) {
		t.Error("a backup of a file that did not exist")
	}
	if cf, err := LoadConfig(path); err != nil || len(cf.Sessions()) != 1 {
		t.Errorf("%v %v", cf, err)
	}
}

func TestValidateRegionAndSessionName(t *testing.T) {
	t.Parallel()
	for _, r := range []string{"us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-5",
		"eusc-de-east-1", "us-iso-east-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1"} {
		if err := ValidateRegion(r); err != nil {
			t.Errorf("%s: %v", r, err)
		}
	}
	for _, r := range []string{"", "us-east", "US-EAST-1", "useast1", "us-east-1 "} {
		if ValidateRegion(r) == nil {
			t.Errorf("%q accepted", r)
		}
	}
	for url, want := range map[string]string{
		"https://acme.awsapps.com/start":                                 "acme",
		"https://d-906700abcd.awsapps.com/start":                         "d-906700abcd",
		"http://127.0.0.1:4000/start":                                    "default",
		"https://My_Org.awsapps.com/start#/":                             "my-org",
		"acme.awsapps.com/start":                                         "acme",
		"https://start.us-gov-home.awsapps.com/directory/d-906700abcd#/": "d-906700abcd",
	} {
		if got := SessionNameFor(url); got != want {
			t.Errorf("%s → %s, want %s", url, got, want)
		}
	}
}
