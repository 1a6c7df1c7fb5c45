package main

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// snapshot hashes every file under dir, to prove a failing command changed
// nothing on disk.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files[path] = fmt.Sprintf("%x", sha256.Sum256(raw))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestBadInput: each case exits non-zero with one line on stderr that says
// what to do, and leaves every file as it was. The README's "Errors"
// section lists them.
func TestBadInput(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	e.run(t, ssopickBinary, "list") // a cached catalogue exists for the -a/-r cases
	home := e.home
	writeConfig := func(name, content string) string {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tokenFile := ""
	entries, _ := os.ReadDir(filepath.Join(home, ".aws", "sso", "cache"))
	for _, en := range entries {
		raw, _ := os.ReadFile(filepath.Join(home, ".aws", "sso", "cache", en.Name()))
		if strings.Contains(string(raw), "accessToken") {
			tokenFile = filepath.Join(home, ".aws", "sso", "cache", en.Name())
		}
	}

	cases := []struct {
		name  string
		env   []string // added to the signed-in environment
		setup func()   // changes made before the snapshot
		args  []string
		code  int
		want  string
	}{
		{"broken INI", []string{"AWS_CONFIG_FILE=" + writeConfig("broken", "[default]\nregion = eu-west-1\n[sso-session acme\nsso_region = x\n")}, nil, []string{"list"}, 1, `broken line 3: the section header "[sso-session acme" has no closing ]`},
		{"INI line without =", []string{"AWS_CONFIG_FILE=" + writeConfig("noequals", "[default]\nregion\n")}, nil, []string{"list"}, 1, "noequals line 2 is not a [section], a key = value line"},
		{"session without region", []string{"AWS_CONFIG_FILE=" + writeConfig("noregion", "[sso-session acme]\nsso_start_url = https://a.awsapps.com/start\n")}, nil, []string{"list"}, 1, "has no sso_region; set `sso_region = "},
		{"session with a bad start URL", []string{"AWS_CONFIG_FILE=" + writeConfig("badurl", "[sso-session acme]\nsso_start_url = acme\nsso_region = us-east-1\n")}, nil, []string{"list"}, 1, "is not a URL"},
		{"session with an unknown region", []string{"AWS_CONFIG_FILE=" + writeConfig("badregion", "[sso-session acme]\nsso_start_url = https://a.awsapps.com/start\nsso_region = mars\n")}, nil, []string{"list"}, 1, "is not an AWS region name"},
		{"session without start URL", []string{"AWS_CONFIG_FILE=" + writeConfig("nourl", "[sso-session acme]\nsso_region = us-east-1\n")}, nil, []string{"list"}, 1, "has no sso_start_url; set `sso_start_url = "},
		{"legacy profile without region", []string{"AWS_CONFIG_FILE=" + writeConfig("legacy", "[profile p]\nsso_start_url = https://a.awsapps.com/start\n")}, nil, []string{"list"}, 1, "[profile p] in"},
		{"no SSO session anywhere", []string{"AWS_CONFIG_FILE=" + writeConfig("empty", "[default]\nregion = eu-west-1\n")}, nil, []string{"list"}, 1, "aws configure sso-session"},
		{"no config file at all", []string{"AWS_CONFIG_FILE=" + filepath.Join(t.TempDir(), "missing")}, nil, []string{"list"}, 1, "--start-url and --sso-region"},
		{"unknown --sso-session", nil, nil, []string{"list", "--sso-session", "nope"}, 1, `the SSO session "nope" (from --sso-session) is not in`},
		{"unknown --sso-session lists the sessions", nil, nil, []string{"list", "--sso-session", "nope"}, 1, `which has "acme"; use one of those`},
		{"unknown SSOPICK_SSO_SESSION", []string{"SSOPICK_SSO_SESSION=nope"}, nil, []string{"list"}, 1, `"nope" (from SSOPICK_SSO_SESSION) is not in`},
		{"--start-url without --sso-region", nil, nil, []string{"list", "--start-url", "https://a.awsapps.com/start"}, 1, "go together"},
		{"bad --start-url", nil, nil, []string{"list", "--start-url", "a.awsapps.com", "--sso-region", "us-east-1"}, 1, "is not a URL"},
		{"unknown --sso-region", nil, nil, []string{"list", "--start-url", "https://a.awsapps.com/start", "--sso-region", "moon-1"}, 1, "is not an AWS region name"},
		{"unknown account", nil, nil, []string{"exec", "-a", "acme-nope", "-r", "ViewOnlyAccess", "--", "true"}, 1, "closest:"},
		{"unknown role", nil, nil, []string{"exec", "-a", acct.Name, "-r", "NoSuchRole", "--", "true"}, 1, "closest:"},
		// An id is asked for directly, with no list: the portal refuses.
		{"unknown role of an account id", nil, nil, []string{"exec", "-a", acct.ID, "-r", "NoSuchRole", "--", "true"}, 1, "you have no access to the role NoSuchRole"},
		{"-a without -r", nil, nil, []string{"env", "-a", acct.ID}, 1, "ssopick env needs -r ROLE as well as -a; `ssopick list " + acct.ID + "` shows"},
		{"-r without -a", nil, nil, []string{"exec", "-r", "ViewOnlyAccess", "--", "true"}, 1, "ssopick exec needs -a ACCOUNT as well as -r"},
		{"credential-process with neither", nil, nil, []string{"credential-process"}, 1, "ssopick credential-process needs -a ACCOUNT and -r ROLE"},
		{"console -a without -r", nil, nil, []string{"console", "-a", acct.ID}, 1, "-a ACCOUNT and -r ROLE go together; give both, or neither to pick from the list"},
		{"query matching nothing", nil, nil, []string{"list", "zzqqxx"}, 1, "use fewer letters"},
		{"picker without a terminal", nil, nil, []string{"audit"}, 2, "needs a terminal"},
		{"shell without a terminal or role", nil, nil, []string{"shell"}, 2, "needs a terminal"},
		{"console duration too short", nil, nil, []string{"console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--duration", "5m", "--print-url"}, 1, "outside 15m–12h"},
		{"invalid --duration", nil, nil, []string{"console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--duration", "soon"}, 2, "invalid argument"},
		{"foreign --destination", nil, nil, []string{"console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--destination", "https://evil.example/", "--print-url"}, 1, "--destination must be an https URL on"},
		{"bad --service", nil, nil, []string{"console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--service", "s3/../x", "--print-url"}, 1, "is not a console service name"},
		{"unknown --format", nil, nil, []string{"env", "-a", acct.ID, "-r", "ViewOnlyAccess", "--format", "csh"}, 1, "unknown --format"},
		{"exec without --", nil, nil, []string{"exec", "-a", acct.ID, "-r", "ViewOnlyAccess", "true"}, 1, "put the command after --"},
		{"exec of a missing command", nil, nil, []string{"exec", "-a", acct.ID, "-r", "ViewOnlyAccess", "--", "no-such-command-xyz"}, 127, "command not found"},
		{"unknown --style", nil, nil, []string{"profiles", "--style", "magic"}, 1, "unknown --style"},
		{"nested shell", []string{"SSOPICK_ACCOUNT_ID=111122223333", "SSOPICK_ROLE_NAME=Admin", "SSOPICK_ACCOUNT_NAME=x", "SSOPICK_SHELL=1"}, nil, []string{"shell", "-a", acct.ID, "-r", "ViewOnlyAccess"}, 1, "from `ssopick shell`; `exit` it first"},
		{"shell after eval env", []string{"SSOPICK_ACCOUNT_ID=111122223333", "SSOPICK_ROLE_NAME=Admin", "SSOPICK_ACCOUNT_NAME=x"}, nil, []string{"shell", "-a", acct.ID, "-r", "ViewOnlyAccess"}, 1, "open a new terminal for another role's shell, or pass --force"},
		{"-a/-r with no action", nil, nil, []string{"-a", acct.ID, "-r", "ViewOnlyAccess"}, 1, "say what to do with the role"},
		{"unknown flag", nil, nil, []string{"list", "--frobnicate"}, 2, "unknown flag"},
		{"invalid --max-age", nil, nil, []string{"list", "--max-age", "forever"}, 2, "invalid argument"},
		{"corrupt token file", nil, func() { _ = os.WriteFile(tokenFile, []byte(`{"accessToken": "x", "expiresAt": "soon"`), 0o600) }, []string{"list", "--refresh"}, 1, "run `ssopick login` first"},
		{"truncated catalogue, no sign-in", nil, func() {
			matches, _ := filepath.Glob(filepath.Join(home, ".cache", "ssopick", "catalogue-*"))
			for _, m := range matches {
				_ = os.WriteFile(m, []byte("ssopick-catalogue\t1\nacme\t"), 0o600)
			}
		}, []string{"list"}, 1, "run `ssopick login` first"},
	}
	if len(cases) < 25 {
		t.Fatalf("only %d bad-input cases", len(cases))
	}
	base := e.env
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			e.env = append(append([]string(nil), base...), tc.env...)
			before := snapshot(t, home)
			out, stderr, code := e.try(ssopickBinary, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout %q\nstderr %q", code, tc.code, out, stderr)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			if !strings.Contains(stderr, tc.want) || len(lines) != 1 || !strings.HasPrefix(lines[0], "ssopick: ") && !strings.HasPrefix(lines[0], "Error: ") {
				t.Errorf("stderr %q, want one line containing %q", stderr, tc.want)
			}
			after := snapshot(t, home)
			for path, sum := range before {
				if after[path] != sum {
					t.Errorf("%s changed", path)
				}
			}
			for path := range after {
				if _, ok := before[path]; !ok {
					t.Errorf("%s was created", path)
				}
			}
		})
	}
}
