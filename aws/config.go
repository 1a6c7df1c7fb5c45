package aws

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strings"

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
		return nil, fmt.Errorf("%s is not a valid AWS config file (%s); fix the line it names", path, strings.Join(strings.Fields(err.Error()), " "))
	}
	seenURL := map[string]bool{}
	for _, sec := range f.Sections() {
		name, ok := strings.CutPrefix(sec.Name(), "sso-session ")
		if !ok {
			continue
		}
		s := Session{
			Name:     strings.TrimSpace(name),
			StartURL: sec.Key("sso_start_url").String(),
			Region:   sec.Key("sso_region").String(),
			Scopes:   splitScopes(sec.Key("sso_registration_scopes").String()),
		}
		if s.StartURL == "" || s.Region == "" {
			return nil, fmt.Errorf("the SSO session %q in %s lacks sso_start_url or sso_region; add both to its section", s.Name, path)
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
		s := Session{StartURL: sec.Key("sso_start_url").String(), Region: sec.Key("sso_region").String()}
		if s.StartURL == "" || s.Region == "" {
			return nil, fmt.Errorf("the profile [%s] in %s has an empty sso_start_url or no sso_region; set both", sec.Name(), path)
		}
		if !seenURL[s.StartURL] {
			seenURL[s.StartURL] = true
			cf.sessions = append(cf.sessions, s)
		}
	}
	return cf, nil
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
		return nil, fmt.Errorf("the SSO session %q (from %s) is not in %s; add it with `aws configure sso-session` or check the name", name, source, c.Path)
	}
	return []Session{s}, nil
}
