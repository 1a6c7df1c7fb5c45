package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/ssopick/ssopick/aws"
)

// botocoreProfiles has botocore (the AWS CLI's parser) read the config at
// path and returns its profile names, or its complaint.
func botocoreProfiles(t *testing.T, path string) ([]string, error) {
	t.Helper()
	cmd := exec.Command("python3", "-c", `
import botocore.session, json, sys
s = botocore.session.Session()
s.set_config_variable("config_file", sys.argv[1])
s.set_config_variable("credentials_file", sys.argv[1] + ".none")
print(json.dumps(sorted(s.full_config["profiles"])))
`, path)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, out)
	}
	var names []string
	return names, json.Unmarshal(out, &names)
}

// goSDKProfile reads one profile as aws-sdk-go-v2 does.
func goSDKProfile(t *testing.T, path, name string) config.SharedConfig {
	t.Helper()
	sc, err := config.LoadSharedConfigProfile(context.Background(), name, func(o *config.LoadSharedConfigOptions) {
		o.ConfigFiles = []string{path}
		o.CredentialsFiles = []string{path + ".none"}
	})
	if err != nil {
		t.Fatalf("the Go SDK cannot read [profile %s]: %v", name, err)
	}
	return sc
}

func TestProfilesWithCollidingNamesParseInBotocoreAndTheGoSDK(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config")
	hand := "[default]\nregion = eu-west-1\n\n[profile solo.Admin]\nregion = eu-west-1\n\n" +
		"[sso-session acme]\nsso_start_url = https://acme.awsapps.com/start\nsso_region = eu-west-1\n\n" +
		"[sso-session globex]\nsso_start_url = https://globex.awsapps.com/start\nsso_region = us-east-1\n"
	if err := os.WriteFile(path, []byte(hand), 0o644); err != nil {
		t.Fatal(err)
	}
	sessions := map[string]aws.Session{
		"acme":   {Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1"},
		"globex": {Name: "globex", StartURL: "https://globex.awsapps.com/start", Region: "us-east-1"},
	}
	rows := []aws.Row{
		{AccountID: "111111111111", AccountName: "Team A/Prod", RoleName: "Admin", Session: "acme"},
		{AccountID: "222222222222", AccountName: "Team A Prod", RoleName: "Admin", Session: "acme"},
		{AccountID: "333333333333", AccountName: "prod", RoleName: "Admin", Session: "acme"},
		{AccountID: "444444444444", AccountName: "prod", RoleName: "Admin", Session: "acme"},
		{AccountID: "444444444444", AccountName: "prod", RoleName: "Admin", Session: "globex"},
		{AccountID: "555555555555", AccountName: "prod", RoleName: "Admin", Session: "globex"},
		{AccountID: "666666666666", AccountName: "solo", RoleName: "Admin", Session: "acme"}, // taken by hand: skipped
	}
	taken, err := aws.ProfilesOutsideBlock(path, []byte(hand))
	if err != nil {
		t.Fatal(err)
	}
	block, skipped, err := aws.ProfilesBlock(rows, sessions, aws.StyleSSO, "", taken, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) != 1 || skipped[0].Name != "solo.Admin" {
		t.Errorf("skipped %+v", skipped)
	}
	if _, err := aws.WriteProfilesBlock(path, block); err != nil {
		t.Fatal(err)
	}
	written, _ := os.ReadFile(path)
	var generated []string
	for _, m := range regexp.MustCompile(`(?m)^\[profile ([^\]]+)\]$`).FindAllStringSubmatch(string(block), -1) {
		generated = append(generated, m[1])
	}

	// The Go SDK reads each generated profile as the row it was made for.
	got := map[string]bool{}
	for _, name := range generated {
		sc := goSDKProfile(t, path, name)
		got[sc.SSOAccountID+"/"+sc.SSORoleName+"/"+sc.SSOSessionName] = true
	}
	for _, r := range rows[:len(rows)-1] {
		if !got[r.AccountID+"/"+r.RoleName+"/"+r.Session] {
			t.Errorf("no profile for %+v in\n%s", r, written)
		}
	}
	if len(generated) != len(rows)-1 {
		t.Errorf("%d profiles for %d rows:\n%s", len(generated), len(rows)-1, written)
	}

	t.Run("botocore", func(t *testing.T) {
		needBotocore(t)
		names, err := botocoreProfiles(t, path)
		if err != nil {
			t.Fatalf("botocore refuses the written config: %v\n%s", err, written)
		}
		want := append([]string{"default", "solo.Admin"}, generated...)
		slices.Sort(want)
		if !slices.Equal(names, want) {
			t.Errorf("botocore reads profiles %v, want %v", names, want)
		}
		// The check has teeth: one section twice, what `profiles --write`
		// wrote before, makes botocore refuse the whole file.
		dup := filepath.Join(t.TempDir(), "config")
		if err := os.WriteFile(dup, []byte("[profile prod.Admin]\nregion = eu-west-1\n\n[profile prod.Admin]\nregion = eu-west-1\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := botocoreProfiles(t, dup); err == nil || !strings.Contains(err.Error(), "Unable to parse config file") {
			t.Errorf("botocore accepted a section twice: %v", err)
		}
	})
}

func TestProfilesWriteRefusesADamagedBlock(t *testing.T) {
	t.Parallel()
	e := newBinEnv(t) // not signed in: the block is checked before any sign-in
	path := filepath.Join(e.home, ".aws", "config")
	before, _ := os.ReadFile(path)
	damaged := string(before) + "\n# BEGIN ssopick profiles: written by `ssopick profiles --write`; changes inside are replaced\n\n" +
		"[profile acme-audit.ViewOnlyAccess]\nsso_session = acme\n\n[profile mine]\nregion = eu-west-1\n"
	if err := os.WriteFile(path, []byte(damaged), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"profiles", "--write"}, {"profiles"}} {
		out, stderr, code := e.try(ssopickBinary, args...)
		if code != 1 || out != "" || !strings.Contains(stderr, path) || !strings.Contains(stderr, `restore the "# END ssopick profiles" line`) ||
			!strings.Contains(stderr, "delete the block") || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
			t.Errorf("%v: exit %d\n%s%s", args, code, out, stderr)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != damaged {
		t.Errorf("the config changed:\n%s", got)
	}
	if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) {
		t.Error("a backup was written")
	}
}

func TestProcessProfilesRunThroughAStablePathWithASpace(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	// A Homebrew-like install: the program in a versioned directory, linked
	// from a bin directory on PATH; both names have a space.
	root := t.TempDir()
	bin := filepath.Join(root, "my bin")
	install := func(version string) {
		t.Helper()
		dir := filepath.Join(root, "Cellar", "ssopick", version)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		exe, err := os.ReadFile(ssopickBinary)
		if err != nil {
			t.Fatal(err)
		}
		writeExecutable(t, filepath.Join(dir, "ssopick"), exe)
		_ = os.Remove(filepath.Join(bin, "ssopick"))
		if err := os.Symlink(filepath.Join(dir, "ssopick"), filepath.Join(bin, "ssopick")); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	install("1.0 beta")
	e.env = append(e.env, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	e.run(t, filepath.Join(bin, "ssopick"), "profiles", "--write", "--style", "process")

	path := filepath.Join(e.home, ".aws", "config")
	written, _ := os.ReadFile(path)
	profile := acct.Name + ".ViewOnlyAccess"
	want := "credential_process = " + strings.ReplaceAll(filepath.Join(bin, "ssopick"), " ", `\ `) +
		" credential-process -a " + acct.ID + " -r ViewOnlyAccess --sso-session acme\n"
	if !strings.Contains(string(written), "[profile "+profile+"]\n"+want) {
		t.Fatalf("want %q in\n%s", want, written)
	}

	// An upgrade moves the program to a new versioned directory; the
	// written path still works.
	install("2.0")
	if err := os.RemoveAll(filepath.Join(root, "Cellar", "ssopick", "1.0 beta")); err != nil {
		t.Fatal(err)
	}

	// The Go SDK reads the value and runs it with sh -c.
	sc := goSDKProfile(t, path, profile)
	cmd := exec.Command("sh", "-c", sc.CredentialProcess)
	cmd.Env = e.env
	out, err := cmd.Output()
	var creds struct {
		Version     int
		AccessKeyID string `json:"AccessKeyId"`
	}
	if err != nil || json.Unmarshal(out, &creds) != nil || creds.Version != 1 || creds.AccessKeyID == "" {
		t.Fatalf("sh -c %q: %v\n%s", sc.CredentialProcess, err, out)
	}

	t.Run("botocore", func(t *testing.T) {
		needBotocore(t)
		out := e.run(t, "python3", "-c", `
import botocore.session, sys
c = botocore.session.Session(profile=sys.argv[1]).get_credentials().get_frozen_credentials()
print(c.access_key)
`, profile)
		if strings.TrimSpace(out) == "" {
			t.Errorf("botocore got no credentials from the credential_process")
		}
	})
}

func TestSameProgramPrefersTheLinkOnPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	real := filepath.Join(dir, "Cellar", "1.0", "ssopick")
	other := filepath.Join(dir, "other", "ssopick")
	link := filepath.Join(dir, "bin", "ssopick")
	for _, p := range []string{real, other} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		writeExecutable(t, p, []byte("#!/bin/sh\n"))
	}
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	for _, tc := range []struct{ self, onPath, want string }{
		{real, link, link},           // the same program: the stable link
		{real, other, real},          // another ssopick on PATH: this one
		{real, "bin/ssopick", real},  // a relative PATH entry: not trusted
		{real, link + ".gone", real}, // nothing there
		{real, real, real},           // found as itself
	} {
		if got := sameProgram(tc.self, tc.onPath); got != tc.want {
			t.Errorf("sameProgram(%s, %s) = %s, want %s", tc.self, tc.onPath, got, tc.want)
		}
	}
}
