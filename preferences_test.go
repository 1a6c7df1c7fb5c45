package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ssopick/ssopick/aws"
)

func writePrefs(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadPreferences(t *testing.T) {
	t.Parallel()
	path := writePrefs(t, `default_action = "console"
browser = "firefox -P work"
region = "eu-west-1"
catalogue_max_age = "30m"
theme = "dark"
colour = "blue"

[keys]
star = "alt+s"

[[console]]
account = "acme-*-prod"
service = "cloudwatch"

[[console]]
account = "111122223333"
destination = "https://eu-west-1.console.aws.amazon.com/s3/home"
`)
	p, warnings, err := LoadPreferences(path)
	if err != nil {
		t.Fatal(err)
	}
	if p.DefaultAction != "console" || p.Browser != "firefox -P work" || p.Region != "eu-west-1" ||
		time.Duration(p.CatalogueMaxAge) != 30*time.Minute || p.Theme != "dark" || p.Keys.Star != "alt+s" {
		t.Errorf("preferences %+v", p)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `line 6: unknown key "colour"`) {
		t.Errorf("warnings %q", warnings)
	}
	if svc, _ := p.destinationFor(aws.Row{AccountName: "acme-pay-prod"}); svc != "cloudwatch" {
		t.Errorf("pattern rule: %q", svc)
	}
	if _, dest := p.destinationFor(aws.Row{AccountName: "x", AccountID: "111122223333"}); !strings.HasSuffix(dest, "/s3/home") {
		t.Errorf("id rule: %q", dest)
	}
	if svc, dest := p.destinationFor(aws.Row{AccountName: "acme-pay-dev"}); svc != "" || dest != "" {
		t.Errorf("no rule should match: %q %q", svc, dest)
	}
	if p, w, err := LoadPreferences(filepath.Join(t.TempDir(), "missing.toml")); err != nil || len(w) != 0 || p.Browser != "" {
		t.Errorf("missing file: %v %v", w, err)
	}
}

func TestBadPreferencesNameKeyAndLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ content, want string }{
		{"browser = \"x\"\ndefault_action = \"open\"\n", `line 2: default_action: default_action "open" is not choose, console or shell`},
		{"region = \"mars\"\n", `line 1: region: "mars" is not an AWS region name`},
		{"\n\ncatalogue_max_age = \"soon\"\n", `line 3: catalogue_max_age: "soon" is not a duration`},
		{"theme = \"pink\"\n", `line 1: theme: theme "pink" is not auto, dark or light`},
		{"[keys]\nstar = \"hyper+space bar\"\n", `line 2: keys.star: "hyper+space bar" is not a key`},
		{"theme = \n", "line 1"},
		{"[[console]]\naccount = \"acme-*\"\n", "give service or destination"},
	} {
		_, _, err := LoadPreferences(writePrefs(t, tc.content))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.content, err, tc.want)
		}
	}
}

func TestPreferencesApply(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	prefs := filepath.Join(e.home, ".config", "ssopick", "config.toml")
	if err := os.MkdirAll(filepath.Dir(prefs), 0o700); err != nil {
		t.Fatal(err)
	}
	write := func(s string) {
		if err := os.WriteFile(prefs, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("region = \"eu-central-1\"\n[[console]]\naccount = \"acme-au*\"\nservice = \"cloudwatch\"\n")
	// The [[console]] rule names the account: -a by name (by id with no
	// list cached, ssopick would not know the name to match).
	out := e.run(t, ssopickBinary, "console", "-a", acct.Name, "-r", "ViewOnlyAccess", "--print-url")
	if !strings.Contains(out, "cloudwatch%2Fhome%3Fregion%3Deu-central-1") {
		t.Errorf("console URL ignores the preferences: %s", out)
	}
	env := e.run(t, ssopickBinary, "env", "-a", acct.ID, "-r", "ViewOnlyAccess")
	if !strings.Contains(env, "export AWS_REGION='eu-central-1'") {
		t.Errorf("region preference not applied:\n%s", env)
	}
	write("theme = \"pink\"\n")
	_, stderr, code := e.try(ssopickBinary, "list")
	if code == 0 || !strings.Contains(stderr, "config.toml line 1: theme") {
		t.Errorf("bad preference: exit %d %q", code, stderr)
	}
	write("shiny = true\n")
	_, stderr, code = e.try(ssopickBinary, "list")
	if code != 0 || !strings.Contains(stderr, `warning: `) || !strings.Contains(stderr, `unknown key "shiny"`) {
		t.Errorf("unknown key: exit %d %q", code, stderr)
	}
}
