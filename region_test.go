package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssopick/ssopick/aws"
)

func TestAccountRegionPreference(t *testing.T) {
	t.Parallel()
	p, warnings, err := LoadPreferences(writePrefs(t, `region = "us-west-2"

[[account_region]]
account = "acme-*-eu"
region = "eu-central-1"

[[account_region]]
account = "111122223333"
region = "ap-south-1"
zone = "a"

[[account_region]]
account = "acme-*"
region = "eu-west-1"
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `line 10: unknown key "account_region.zone"`) {
		t.Errorf("warnings %q", warnings)
	}
	for _, tc := range []struct {
		row           aws.Row
		account, file string
	}{
		{aws.Row{AccountName: "acme-pay-eu", AccountID: "999999999999"}, "eu-central-1", "eu-central-1"},
		{aws.Row{AccountName: "x", AccountID: "111122223333"}, "ap-south-1", "ap-south-1"},
		{aws.Row{AccountID: "111122223333"}, "ap-south-1", "ap-south-1"}, // named by id, no list
		{aws.Row{AccountName: "acme-pay-us"}, "eu-west-1", "eu-west-1"},  // first match wins
		{aws.Row{AccountName: "other", AccountID: "444455556666"}, "", "us-west-2"},
	} {
		if got := p.accountRegion(tc.row); got != tc.account {
			t.Errorf("accountRegion(%+v) = %q, want %q", tc.row, got, tc.account)
		}
		if got := p.profileRegion(tc.row); got != tc.file {
			t.Errorf("profileRegion(%+v) = %q, want %q", tc.row, got, tc.file)
		}
	}
}

func TestBadAccountRegionPreferences(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ content, want string }{
		{"[[account_region]]\naccount = \"acme-[\"\nregion = \"eu-west-1\"\n", `[[account_region]] entry 1: account "acme-[" is not a pattern`},
		{"[[account_region]]\nregion = \"eu-west-1\"\n", `[[account_region]] entry 1: account "" is not a pattern`},
		{"[[account_region]]\naccount = \"a*\"\nregion = \"eu-west-1\"\n[[account_region]]\naccount = \"b*\"\nregion = \"mars\"\n",
			`line 6: account_region.region: "mars" is not an AWS region name`},
		{"[[account_region]]\naccount = \"a*\"\n", `[[account_region]] entry 1 (a*): give the region`},
		{"[[account_region]]\naccount = \"a*\"\nregion = 1\n", "line 3"},
	} {
		_, _, err := LoadPreferences(writePrefs(t, tc.content))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.content, err, tc.want)
		}
	}
}

func TestRegionForOrder(t *testing.T) {
	t.Parallel()
	row := aws.Row{AccountName: "acme-pay-eu", AccountID: "111122223333"}
	conn := &aws.Conn{Session: aws.Session{Name: "acme", Region: "us-east-1"}}
	for _, tc := range []struct {
		name, flag       string
		env              map[string]string
		rule, preference bool
		want             string
	}{
		{"the flag first", "ca-central-1", map[string]string{"AWS_REGION": "eu-north-1", "AWS_DEFAULT_REGION": "eu-south-1"}, true, true, "ca-central-1"},
		{"then AWS_REGION", "", map[string]string{"AWS_REGION": "eu-north-1", "AWS_DEFAULT_REGION": "eu-south-1"}, true, true, "eu-north-1"},
		{"then AWS_DEFAULT_REGION", "", map[string]string{"AWS_DEFAULT_REGION": "eu-south-1"}, true, true, "eu-south-1"},
		{"then the account's region", "", nil, true, true, "eu-central-1"},
		{"then the region preference", "", nil, false, true, "us-west-2"},
		{"then the SSO region", "", nil, false, false, "us-east-1"},
	} {
		f := &factory{Getenv: func(k string) string { return tc.env[k] }}
		if tc.rule {
			f.Prefs.AccountRegion = []regionRule{{Account: "acme-*-eu", Region: "eu-central-1"}, {Account: "*", Region: "sa-east-1"}}
		}
		if tc.preference {
			f.Prefs.Region = "us-west-2"
		}
		if got := regionFor(f, aws.Choice{Row: row, Conn: conn}, tc.flag); got != tc.want {
			t.Errorf("%s: regionFor = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// profiles --write gives each profile its account's region: two accounts
// in two regions, and the rest in the SSO region.
func TestProfilesWriteTheAccountsRegion(t *testing.T) {
	t.Parallel()
	e, audit := signedInEnv(t)
	other := e.srv.Organisation().Accounts[2]
	prefs := filepath.Join(e.home, ".config", "ssopick", "config.toml")
	if err := os.MkdirAll(filepath.Dir(prefs), 0o700); err != nil {
		t.Fatal(err)
	}
	content := "[[account_region]]\naccount = \"" + audit.Name + "\"\nregion = \"eu-central-1\"\n\n" +
		"[[account_region]]\naccount = \"" + other.ID + "\"\nregion = \"ap-southeast-2\"\n"
	if err := os.WriteFile(prefs, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	e.run(t, ssopickBinary, "profiles", "--write")
	config := filepath.Join(e.home, ".aws", "config")
	if _, err := aws.LoadConfig(config); err != nil {
		t.Fatalf("the written config does not parse: %v", err)
	}
	text, _ := os.ReadFile(config)
	regions := profileRegions(string(text))
	seen := map[string]int{}
	for name, region := range regions {
		want := e.srv.Region()
		switch {
		case strings.HasPrefix(name, audit.Name+"."):
			want = "eu-central-1"
		case strings.HasPrefix(name, other.Name+"."):
			want = "ap-southeast-2"
		case name == "audit": // the hand-written profile outside the block
			want = "eu-west-1"
		}
		if region != want {
			t.Errorf("[profile %s] region = %s, want %s", name, region, want)
		}
		seen[want]++
	}
	if seen["eu-central-1"] == 0 || seen["ap-southeast-2"] == 0 || seen[e.srv.Region()] == 0 {
		t.Errorf("profiles by region %v:\n%s", seen, text)
	}
	// The sso-session keeps the SSO region.
	if !strings.Contains(string(text), "sso_region = "+e.srv.Region()) {
		t.Errorf("the sso-session lost its region:\n%s", text)
	}
}

// profileRegions maps each [profile NAME] of an AWS config to its region.
func profileRegions(config string) map[string]string {
	out := map[string]string{}
	name := ""
	for _, line := range strings.Split(config, "\n") {
		line = strings.TrimSpace(line)
		if n, ok := strings.CutPrefix(line, "[profile "); ok {
			name = strings.TrimSuffix(n, "]")
			continue
		}
		if strings.HasPrefix(line, "[") {
			name = ""
		}
		if k, v, ok := strings.Cut(line, "="); ok && name != "" && strings.TrimSpace(k) == "region" {
			out[name] = strings.TrimSpace(v)
		}
	}
	return out
}
