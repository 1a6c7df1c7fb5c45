package aws

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// regionPattern matches AWS region names such as eu-west-1 or us-gov-east-1.
var regionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z]+(-[a-z]+)+-[0-9]+$`) })

// ValidateRegion checks that r looks like an AWS region name.
func ValidateRegion(r string) error {
	if !regionPattern().MatchString(r) {
		return fmt.Errorf("%q is not an AWS region name like eu-west-1", r)
	}
	return nil
}

// SessionNameFor proposes an sso-session name for a start URL: the first
// label of its host (acme for https://acme.awsapps.com/start), or the
// directory of a GovCloud portal (d-906700abcd for
// https://start.us-gov-home.awsapps.com/directory/d-906700abcd).
func SessionNameFor(startURL string) string {
	host := startURL
	if _, rest, ok := strings.Cut(host, "://"); ok {
		host = rest
	}
	host, path, _ := strings.Cut(host, "/")
	host, _, _ = strings.Cut(host, ":")
	label, _, _ := strings.Cut(host, ".")
	if dir, ok := strings.CutPrefix(path, "directory/"); ok && label == "start" {
		label, _, _ = strings.Cut(dir, "/")
		label, _, _ = strings.Cut(label, "#")
	}
	name := strings.Trim(regexp.MustCompile(`[^a-z0-9-]+`).ReplaceAllString(strings.ToLower(label), "-"), "-")
	if name == "" || name == "127" || name == "localhost" {
		return "default"
	}
	return name
}

// ValidateSessionName checks that name can be an [sso-session NAME] that
// every AWS tool reads back the same.
func ValidateSessionName(name string) error {
	if sectionNameProblem(name) != "" {
		return fmt.Errorf("the AWS config cannot hold %q as a session name: use letters, digits and dashes", name)
	}
	return nil
}

// AddSSOSession appends an [sso-session NAME] section to the AWS config at
// path, keeping every existing byte. The old file is kept as path.bak, and
// the new one replaces it atomically (see rewriteConfig for links and
// modes). It refuses to overwrite a session that already exists, and
// values that would not read back the same in every AWS tool.
func AddSSOSession(path string, s Session) error {
	scopes := s.Scopes
	if len(scopes) == 0 {
		scopes = DefaultScopes
	}
	if p := sectionNameProblem(s.Name); p != "" {
		return fmt.Errorf("the SSO session name %q %s, so it cannot be written to %s; choose a name of letters, digits and dashes", s.Name, p, path)
	}
	for _, v := range append([]string{s.StartURL, s.Region}, scopes...) {
		if p := iniValueProblem(v); p != "" {
			return fmt.Errorf("%q %s, so it cannot be written to %s; correct it and run again", v, p, path)
		}
	}
	for _, sc := range scopes {
		if strings.Contains(sc, ",") {
			return fmt.Errorf("the scope %q contains a comma, which separates scopes in %s; give each scope separately", sc, path)
		}
	}
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
	section := fmt.Sprintf("[sso-session %s]\nsso_start_url = %s\nsso_region = %s\nsso_registration_scopes = %s\n",
		s.Name, s.StartURL, s.Region, strings.Join(scopes, ","))
	return rewriteConfig(path, old, appendSection(old, []byte(section)))
}

// iniValueProblem says why v cannot be written as a value in ~/.aws/config
// that botocore (Python's configparser), the AWS CLI and the AWS SDKs all
// read back unchanged, or "" when it can. A line break would end the value
// and could start a section of its own ("\n[profile x]"); the Go and Java
// SDKs cut a value at " #" or " ;" (an inline comment) and strip quotes
// around the whole value; configparser strips surrounding spaces; and
// bytes that are not UTF-8 make botocore refuse the whole file.
func iniValueProblem(v string) string {
	switch {
	case v == "":
		return "is empty"
	case !utf8.ValidString(v):
		return "is not valid UTF-8"
	case strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' }):
		return "contains a line break or another control character"
	case strings.TrimSpace(v) != v:
		return "starts or ends with a space"
	case strings.Contains(v, " #") || strings.Contains(v, " ;") || strings.Contains(v, "\t#") || strings.Contains(v, "\t;"):
		return `contains " #" or " ;", which the AWS SDKs read as the start of a comment`
	case len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0]:
		return "is wrapped in quotes, which the AWS SDKs remove"
	}
	return ""
}

// sectionNameProblem is iniValueProblem for a name in a section header
// ([sso-session NAME]), where a bracket ends the header, the Go SDK cuts at
// any # or ;, and botocore splits the header with shlex (white space,
// quotes and backslashes change or drop the section).
func sectionNameProblem(name string) string {
	if p := iniValueProblem(name); p != "" {
		return p
	}
	if strings.ContainsAny(name, "[]#;'\"\\ \t") {
		return "contains a space, a quote, a backslash or one of [ ] # ;"
	}
	return ""
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
//
// A symlinked config (dotfiles managers such as GNU Stow, yadm or chezmoi
// in symlink mode) is written through: the file the link resolves to is
// replaced atomically, and the link stays a link to it. The backup goes
// beside the link, at path.bak, the name ssopick reports, so a dotfiles
// repository never collects a stray backup file.
//
// Mode: ~/.aws/config holds no secret by design (tokens live in the cache),
// but people do put keys in it, so ssopick never loosens it. An existing
// file keeps its mode with any bit outside 0644 dropped (a 0644 config stays
// 0644, a 0600 one stays 0600, a group- or world-writable 0666 becomes
// 0644). A new file is 0600, as the AWS CLI creates it. A file without the
// owner's write bit (made read-only on purpose, or a link into a read-only
// store such as Nix's) is refused rather than replaced behind the person's
// back. The backup, holding the same text as the old file, is 0600.
func rewriteConfig(path string, old, next []byte) error {
	target, err := linkTarget(path)
	if err != nil {
		return err
	}
	perm := os.FileMode(0o600)
	if fi, err := os.Stat(target); err == nil {
		if fi.Mode().Perm()&0o200 == 0 {
			if target != path {
				return fmt.Errorf("%s links to %s, which is read-only; change the file the link points to by hand, or make it writable, and run again", path, target)
			}
			return fmt.Errorf("%s is read-only; make it writable (chmod u+w %s) and run again", path, path)
		}
		perm = fi.Mode().Perm() & 0o644
	}
	if len(old) > 0 {
		if err := WritePrivateFile(path+".bak", old); err != nil {
			return err
		}
	}
	if err := writeFileMode(target, next, perm); err != nil {
		if target != path {
			return fmt.Errorf("%s links to %s, which cannot be written: %w", path, target, err)
		}
		return err
	}
	return nil
}

// linkTarget is the file to replace when writing path: path itself, or,
// when path is a symbolic link, the file at the end of its chain of links
// (which need not exist yet: a dangling link's target is created).
func linkTarget(path string) (string, error) {
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return path, nil // a regular file, or none yet: replaced in place
	}
	if target, err := filepath.EvalSymlinks(path); err == nil {
		return target, nil
	}
	// A dangling link (the dotfiles repository's file is not there yet):
	// follow it by hand to the name it points at.
	p := path
	for range 40 {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) || err == nil && fi.Mode()&fs.ModeSymlink == 0 {
			return p, nil
		}
		if err != nil {
			return "", fmt.Errorf("follow the link %s: %w", path, err)
		}
		to, err := os.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("follow the link %s: %w", path, err)
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(p), to)
		}
		p = to
	}
	return "", fmt.Errorf("follow the link %s: too many levels of symbolic links", path)
}
