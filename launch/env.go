package launch

import (
	"slices"
	"strings"
	"time"
)

// Identity is the role whose credentials an environment carries.
type Identity struct {
	AccountID   string
	AccountName string
	RoleName    string
	Session     string // the SSO session's label
	Region      string // AWS_REGION / AWS_DEFAULT_REGION; empty leaves them alone
}

// Credentials are temporary role keys.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// ShellMarker is set, to 1, in the shells `ssopick shell` starts and in
// nothing else ssopick gives a role (exec, env): there `exit` leaves the
// role's shell, while in a login shell given a role by
// eval "$(ssopick env …)" it would close the person's terminal.
const ShellMarker = "SSOPICK_SHELL"

// conflicting are removed before the new credentials are set: each could
// make a tool pick other credentials (AWS_PROFILE, and AWS_SECURITY_TOKEN,
// which botocore reads before AWS_SESSION_TOKEN) or stale settings.
var conflicting = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_FILE", "AWS_SDK_LOAD_CONFIG",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"SSOPICK_ACCOUNT_ID", "SSOPICK_ACCOUNT_NAME", "SSOPICK_ROLE_NAME", "SSOPICK_SSO_SESSION",
}

// Variables are the name=value pairs that give a process the role's keys
// themselves, in a stable order.
func Variables(c Credentials, id Identity) [][2]string {
	return append([][2]string{
		{"AWS_ACCESS_KEY_ID", c.AccessKeyID},
		{"AWS_SECRET_ACCESS_KEY", c.SecretAccessKey},
		{"AWS_SESSION_TOKEN", c.SessionToken},
		{"AWS_CREDENTIAL_EXPIRATION", c.Expiration.UTC().Format(time.RFC3339)},
	}, identityVariables(id)...)
}

// ServedVariables give a process the role through s: every AWS SDK and
// the AWS CLI ask it for the current keys, so they never go stale.
func ServedVariables(s *CredentialServer, id Identity) [][2]string {
	return append([][2]string{
		{"AWS_CONTAINER_CREDENTIALS_FULL_URI", s.URL},
		{"AWS_CONTAINER_AUTHORIZATION_TOKEN", s.Token},
	}, identityVariables(id)...)
}

func identityVariables(id Identity) [][2]string {
	var vars [][2]string
	if id.Region != "" {
		vars = append(vars, [2]string{"AWS_REGION", id.Region}, [2]string{"AWS_DEFAULT_REGION", id.Region})
	}
	return append(vars,
		[2]string{"SSOPICK_ACCOUNT_ID", id.AccountID},
		[2]string{"SSOPICK_ACCOUNT_NAME", id.AccountName},
		[2]string{"SSOPICK_ROLE_NAME", id.RoleName},
		[2]string{"SSOPICK_SSO_SESSION", id.Session},
	)
}

// Unset are the variables a credentialed environment removes and does not
// set again.
func Unset(id Identity) []string {
	set := map[string]bool{}
	for _, kv := range Variables(Credentials{}, id) {
		set[kv[0]] = true
	}
	var out []string
	for _, name := range conflicting {
		if !set[name] {
			out = append(out, name)
		}
	}
	return out
}

// Environ is base (as from os.Environ) with every conflicting variable
// removed and vars (from Variables or ServedVariables) set.
func Environ(base []string, vars [][2]string) []string {
	drop := slices.Clone(conflicting)
	for _, kv := range vars {
		drop = append(drop, kv[0])
	}
	out := make([]string, 0, len(base)+len(vars))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, name) {
			out = append(out, kv)
		}
	}
	for _, kv := range vars {
		out = append(out, kv[0]+"="+kv[1])
	}
	return out
}
