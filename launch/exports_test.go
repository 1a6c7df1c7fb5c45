package launch

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nasty are credentials with every character a quoting bug would trip on.
var nasty = Credentials{
	AccessKeyID:     "ASIA'QUOTE\"DQ",
	SecretAccessKey: `back\slash $HOME $(id) ` + "`id`" + ` !x *`,
	SessionToken:    "new\nline\ttab; rm -rf /tmp/nothing #",
	Expiration:      time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC),
}

var nastyID = Identity{AccountID: "123456789012", AccountName: "acme 'prod'", RoleName: "Admin", Session: "acme", Region: "eu-west-1"}

func TestExportsParseBackInEachShell(t *testing.T) {
	var want map[string]string
	var js bytes.Buffer
	if err := Exports(&js, "json", nasty, nastyID); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js.Bytes(), &want); err != nil {
		t.Fatal(err)
	}
	names := []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_REGION", "SSOPICK_ACCOUNT_NAME"}
	// Each shell prints the variables NUL-separated, then whether
	// AWS_PROFILE survived.
	cases := []struct{ format, shell, script string }{
		{"sh", "bash", `eval "$(cat %[1]s)"; for v in %[2]s; do printf '%%s\0' "$(printenv "$v")"; done; printf '%%s' "${AWS_PROFILE-unset}"`},
		{"sh", "sh", `eval "$(cat %[1]s)"; for v in %[2]s; do printf '%%s\0' "$(printenv "$v")"; done; printf '%%s' "${AWS_PROFILE-unset}"`},
		{"fish", "fish", `source %[1]s; for v in %[2]s; printf '%%s\0' (printenv $v | string collect); end; set -q AWS_PROFILE; and printf '%%s' $AWS_PROFILE; or printf unset`},
	}
	dir := t.TempDir()
	for _, tc := range cases {
		t.Run(tc.format+"/"+tc.shell, func(t *testing.T) {
			if _, err := exec.LookPath(tc.shell); err != nil {
				t.Skipf("%s is not installed (.ci/run installs fish)", tc.shell)
			}
			var out bytes.Buffer
			if err := Exports(&out, tc.format, nasty, nastyID); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, tc.format)
			if err := os.WriteFile(file, out.Bytes(), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(tc.shell, "-c", fmt.Sprintf(tc.script, file, strings.Join(names, " ")))
			cmd.Env = append(os.Environ(), "AWS_PROFILE=stale")
			got, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s: %v\n%s", tc.shell, err, got)
			}
			parts := strings.Split(string(got), "\x00")
			for i, n := range names {
				if parts[i] != want[n] {
					t.Errorf("%s: %s = %q, want %q", tc.shell, n, parts[i], want[n])
				}
			}
			if last := parts[len(parts)-1]; last != "unset" {
				t.Errorf("%s: AWS_PROFILE survived as %q", tc.shell, last)
			}
		})
	}
}

func TestEnvironRemovesConflictsAndSetsTheRole(t *testing.T) {
	base := []string{"PATH=/bin", "AWS_PROFILE=x", "AWS_DEFAULT_PROFILE=y", "AWS_SECURITY_TOKEN=old", "AWS_ACCESS_KEY_ID=old", "AWS_SDK_LOAD_CONFIG=1", "HOME=/h"}
	env := Environ(base, Variables(nasty, nastyID))
	got := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if _, dup := got[k]; dup {
			t.Errorf("%s set twice", k)
		}
		got[k] = v
	}
	for _, gone := range []string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN", "AWS_SDK_LOAD_CONFIG"} {
		if _, ok := got[gone]; ok {
			t.Errorf("%s kept", gone)
		}
	}
	if got["AWS_ACCESS_KEY_ID"] != nasty.AccessKeyID || got["AWS_CREDENTIAL_EXPIRATION"] != "2026-11-25T13:00:00Z" ||
		got["AWS_DEFAULT_REGION"] != "eu-west-1" || got["SSOPICK_SSO_SESSION"] != "acme" || got["PATH"] != "/bin" || got["HOME"] != "/h" {
		t.Errorf("environment %v", got)
	}
}

func TestCredentialProcessJSON(t *testing.T) {
	var b bytes.Buffer
	if err := CredentialProcess(&b, nasty); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["Version"] != float64(1) || got["AccessKeyId"] != nasty.AccessKeyID || got["Expiration"] != "2026-11-25T13:00:00Z" || len(got) != 5 {
		t.Errorf("credential_process output %s", b.String())
	}
}
