package aws

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"

	"gopkg.in/ini.v1"
)

// DefaultScopes are the registration scopes the AWS CLI uses when a session
// names none.
var DefaultScopes = []string{"sso:account:access"}

// Session is one IAM Identity Center sign-in: an [sso-session NAME] section,
// a legacy profile carrying sso_start_url itself, or --start-url/--sso-region
// given on the command line.
type Session struct {
	// Name is the sso-session name; empty for legacy profiles and ad-hoc
	// sessions, whose tokens the AWS CLI keys by start URL.
	Name     string
	StartURL string
	Region   string
	Scopes   []string
}

// CacheKey is what the AWS CLI hashes to name the token file: the session
// name, or the start URL for legacy profiles.
func (s Session) CacheKey() string {
	if s.Name != "" {
		return s.Name
	}
	return s.StartURL
}

// Label names the session to people: its name, or its start URL.
func (s Session) Label() string { return s.CacheKey() }

// ValidateStartURL checks that u looks like an access portal URL.
func ValidateStartURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return fmt.Errorf("the start URL %q is not a URL like https://my-org.awsapps.com/start", u)
	}
	return nil
}

// ConfigFile is the parsed ~/.aws/config (or AWS_CONFIG_FILE).
type ConfigFile struct {
	Path     string
	sessions []Session // in file order: sso-sessions, then legacy start URLs
	profiles map[string]profileSection
	// chains are the profiles assuming a role from an SSO role, by name,
	// resolved when first asked for: most commands never are.
	chains     []Chain
	chainsOnce sync.Once
}

// iniOptions read the AWS config format: nested values (s3 = …), '#' only
// starting a comment after white space (start URLs end in #/), and dots in
// section names being plain characters.
var iniOptions = ini.LoadOptions{
	AllowNestedValues:        true,
	SpaceBeforeInlineComment: true,
	ChildSectionDelimiter:    "\x00",
}

// LoadConfig reads the AWS config file at path. A missing file is an empty
// config, not an error.
func LoadConfig(path string) (*ConfigFile, error) {
	cf := &ConfigFile{Path: path}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cf, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	f, err := ini.LoadSources(iniOptions, raw)
	if err != nil {
		return nil, badINI(path, raw, err)
	}
	seenURL := map[string]bool{}
	for _, sec := range f.Sections() {
		name, ok := strings.CutPrefix(sec.Name(), "sso-session ")
		if !ok {
			continue
		}
		s := Session{
			Name:     strings.TrimSpace(name),
			StartURL: value(sec, "sso_start_url"),
			Region:   value(sec, "sso_region"),
			Scopes:   splitScopes(value(sec, "sso_registration_scopes")),
		}
		if what, add := lacking(s, sec.HasKey); what != "" {
			return nil, fmt.Errorf("the SSO session %q in %s has %s; set %s in its section", s.Name, path, what, add)
		}
		if err := ValidateStartURL(s.StartURL); err != nil {
			return nil, fmt.Errorf("the SSO session %q in %s: %w", s.Name, path, err)
		}
		if err := ValidateRegion(s.Region); err != nil {
			return nil, fmt.Errorf("the SSO session %q in %s: %w", s.Name, path, err)
		}
		cf.sessions = append(cf.sessions, s)
	}
	for _, sec := range f.Sections() {
		// Legacy SSO profiles: [default] or [profile NAME] carrying
		// sso_start_url themselves. Keys before the first section header
		// belong to no profile.
		isProfile := sec.Name() == "default" || strings.HasPrefix(sec.Name(), "profile ")
		if !isProfile || !sec.HasKey("sso_start_url") || sec.HasKey("sso_session") {
			continue
		}
		s := Session{StartURL: value(sec, "sso_start_url"), Region: value(sec, "sso_region")}
		if what, add := lacking(s, sec.HasKey); what != "" {
			return nil, fmt.Errorf("the profile [%s] in %s has %s; set %s in it", sec.Name(), path, what, add)
		}
		if !seenURL[s.StartURL] {
			seenURL[s.StartURL] = true
			cf.sessions = append(cf.sessions, s)
		}
	}
	cf.profiles = map[string]profileSection{}
	for _, sec := range f.Sections() {
		if p, ok := readProfileSection(sec); ok {
			cf.profiles[p.name] = p
		}
	}
	return cf, nil
}

// value is a key's value; unlike sec.Key, it does not add a missing key.
func value(sec *ini.Section, key string) string {
	if k, err := sec.GetKey(key); err == nil {
		return k.String()
	}
	return ""
}

// lacking says what s lacks of sso_start_url and sso_region, as "no
// sso_region", "an empty sso_start_url" or "neither sso_start_url nor
// sso_region", and the lines to add; empty when it has both. has tells
// whether the section has a key at all.
func lacking(s Session, has func(string) bool) (what, add string) {
	url := "`sso_start_url = https://<your-portal>.awsapps.com/start`"
	region := "`sso_region = <the region of your IAM Identity Center>`"
	no := func(key string) string {
		if has(key) {
			return "an empty " + key
		}
		return "no " + key
	}
	switch {
	case s.StartURL == "" && s.Region == "":
		return "neither sso_start_url nor sso_region", url + " and " + region
	case s.StartURL == "":
		return no("sso_start_url"), url
	case s.Region == "":
		return no("sso_region"), region
	}
	return "", ""
}

// badINI explains an INI parse error by the line that causes it: ini.v1's
// errors quote the line's text but not its number. The text of a line is
// repeated only when it is a section header: other lines of the file may
// hold a secret (aws_secret_access_key).
func badINI(path string, raw []byte, err error) error {
	n, line := badINILine(raw, err)
	if n == 0 {
		return fmt.Errorf("%s is not a valid AWS config file (%s); fix it, or move it away and run ssopick again", path, strings.Join(strings.Fields(err.Error()), " "))
	}
	switch t := strings.TrimSpace(line); {
	case strings.HasPrefix(t, "["):
		return fmt.Errorf("%s line %d: the section header %q has no closing ]; fix that line", path, n, truncate(t, 60))
	case strings.HasPrefix(t, "=") || strings.HasPrefix(t, ":"):
		return fmt.Errorf("%s line %d has a value but no key before its =; fix or remove that line", path, n)
	default:
		return fmt.Errorf("%s line %d is not a [section], a key = value line, an indented continuation or a # comment; fix or remove that line", path, n)
	}
}

// badINILine finds the line (numbered from 1) that err is about: the
// first line whose text the error quotes, else the first line that is
// neither blank, a comment, a section header, a key = value, nor an
// indented continuation. 0 means none was found.
func badINILine(raw []byte, err error) (int, string) {
	lines := strings.Split(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n")
	if _, quoted, ok := strings.Cut(err.Error(), ": "); ok {
		if quoted = strings.TrimSpace(quoted); quoted != "" {
			for i, l := range lines {
				if strings.TrimSpace(l) == quoted {
					return i + 1, l
				}
			}
		}
	}
	for i, l := range lines {
		if i == 0 {
			l = strings.TrimPrefix(l, "\ufeff") // a byte order mark
		}
		t := strings.TrimSpace(l)
		switch {
		case t == "", t[0] == '#', t[0] == ';':
		case t[0] == '[':
			if !strings.Contains(t, "]") {
				return i + 1, l
			}
		case l[0] == ' ' || l[0] == '\t':
			// a continuation of the value above (s3 =, then indented keys)
		case strings.IndexAny(t, "=:") <= 0:
			return i + 1, l
		}
	}
	return 0, ""
}

// truncate shortens s to at most n runes, marking the cut with "…".
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Sessions are every SSO session the file configures.
func (c *ConfigFile) Sessions() []Session { return slices.Clone(c.sessions) }

// Session finds an [sso-session NAME] by name.
func (c *ConfigFile) Session(name string) (Session, bool) {
	for _, s := range c.sessions {
		if s.Name == name {
			return s, true
		}
	}
	return Session{}, false
}

func splitScopes(v string) []string {
	var scopes []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			scopes = append(scopes, s)
		}
	}
	return scopes
}

// Selector says which sessions a command works with, from most to least
// specific: an explicit session name, an ad-hoc start URL and region, the
// SSOPICK_SSO_SESSION variable, the only session, or all of them.
type Selector struct {
	SessionName string
	StartURL    string
	Region      string
	EnvSession  string // $SSOPICK_SSO_SESSION
}

// ErrNoSession means nothing names an SSO session to sign in to.
var ErrNoSession = errors.New("no SSO session is configured")

// Select applies sel to the config file.
func (c *ConfigFile) Select(sel Selector) ([]Session, error) {
	switch {
	case sel.SessionName != "":
		return c.named(sel.SessionName, "--sso-session")
	case sel.StartURL != "" || sel.Region != "":
		if sel.StartURL == "" || sel.Region == "" {
			return nil, errors.New("--start-url and --sso-region go together; give both")
		}
		if err := ValidateStartURL(sel.StartURL); err != nil {
			return nil, err
		}
		if err := ValidateRegion(sel.Region); err != nil {
			return nil, fmt.Errorf("--sso-region: %w", err)
		}
		return []Session{{StartURL: sel.StartURL, Region: sel.Region}}, nil
	case sel.EnvSession != "":
		return c.named(sel.EnvSession, "SSOPICK_SSO_SESSION")
	case len(c.sessions) == 0:
		return nil, fmt.Errorf("%w in %s; add one with `aws configure sso-session`, or pass --start-url and --sso-region", ErrNoSession, c.Path)
	}
	return c.Sessions(), nil
}

func (c *ConfigFile) named(name, source string) ([]Session, error) {
	s, ok := c.Session(name)
	if !ok {
		var names []string
		for _, s := range c.sessions {
			if s.Name != "" {
				names = append(names, fmt.Sprintf("%q", s.Name))
			}
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("the SSO session %q (from %s) is not in %s, which has no [sso-session] section; add one with `aws configure sso-session`", name, source, c.Path)
		}
		return nil, fmt.Errorf("the SSO session %q (from %s) is not in %s, which has %s; use one of those, or add it with `aws configure sso-session`", name, source, c.Path, strings.Join(names, ", "))
	}
	return []Session{s}, nil
}
