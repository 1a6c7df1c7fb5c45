package aws

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
)

// regionPattern matches AWS region names such as eu-west-1 or us-gov-east-1.
var regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// ValidateRegion checks that r looks like an AWS region name.
func ValidateRegion(r string) error {
	if !regionPattern.MatchString(r) {
		return fmt.Errorf("%q is not an AWS region name like eu-west-1", r)
	}
	return nil
}

// SessionNameFor proposes an sso-session name for a start URL: the first
// label of its host (acme for https://acme.awsapps.com/start).
func SessionNameFor(startURL string) string {
	host := startURL
	if _, rest, ok := strings.Cut(host, "://"); ok {
		host = rest
	}
	host, _, _ = strings.Cut(host, "/")
	host, _, _ = strings.Cut(host, ":")
	label, _, _ := strings.Cut(host, ".")
	name := strings.Trim(regexp.MustCompile(`[^a-z0-9-]+`).ReplaceAllString(strings.ToLower(label), "-"), "-")
	if name == "" || name == "127" || name == "localhost" {
		return "default"
	}
	return name
}

// AddSSOSession appends an [sso-session NAME] section to the AWS config at
// path, keeping every existing byte. The old file is kept as path.bak, and
// the new one replaces it atomically with the old file's mode. It refuses
// to overwrite a session that already exists.
func AddSSOSession(path string, s Session) error {
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if len(old) > 0 {
		cf, err := LoadConfig(path)
		if err != nil {
			return err
		}
		if _, exists := cf.Session(s.Name); exists {
			return fmt.Errorf("the SSO session %q is already in %s; choose another name", s.Name, path)
		}
	}
	scopes := s.Scopes
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	section := fmt.Sprintf("[sso-session %s]\nsso_start_url = %s\nsso_region = %s\nsso_registration_scopes = %s\n",
		s.Name, s.StartURL, s.Region, strings.Join(scopes, ","))
	return rewriteConfig(path, old, appendSection(old, []byte(section)))
}

// appendSection adds text at the end of a config, one blank line after
// what is there.
func appendSection(old, text []byte) []byte {
	next := bytes.Clone(old)
	if len(next) > 0 && !bytes.HasSuffix(next, []byte("\n")) {
		next = append(next, '\n')
	}
	if len(next) > 0 {
		next = append(next, '\n')
	}
	return append(next, text...)
}

// rewriteConfig replaces the config at path with next, atomically, keeping
// the old content in path.bak.
func rewriteConfig(path string, old, next []byte) error {
	if len(old) > 0 {
		if err := WritePrivateFile(path+".bak", old); err != nil {
			return err
		}
	}
	return WritePrivateFile(path, next)
}
