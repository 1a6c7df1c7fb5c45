package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/ssopick/ssopick/aws"
)

// Preferences are the person's settings in $XDG_CONFIG_HOME/ssopick/
// config.toml (default ~/.config/ssopick/config.toml). Every key is
// optional; flags override them.
type Preferences struct {
	// DefaultAction is what Enter does in plain `ssopick`.
	DefaultAction action `toml:"default_action"`
	// Browser is the command that opens URLs (the URL is its last argument).
	Browser string `toml:"browser"`
	// Region is the default region for credentials and the console.
	Region region `toml:"region"`
	// CatalogueMaxAge is how old a cached list may be before a refresh.
	CatalogueMaxAge duration `toml:"catalogue_max_age"`
	// Theme forces dark or light styles instead of asking the terminal.
	Theme theme `toml:"theme"`
	// AutoLogin lets credential-process start a sign-in (one browser tab,
	// or the device flow) when the sign-in has expired, instead of failing.
	AutoLogin boolean `toml:"auto_login"`
	// StaticCredentials gives shells and commands the keys themselves
	// instead of a credential server that renews them.
	StaticCredentials boolean `toml:"static_credentials"`
	// Keys rebinds the picker's keys that are worth changing.
	Keys struct {
		Star    keyName `toml:"star"`
		Refresh keyName `toml:"refresh"`
	} `toml:"keys"`
	// Console picks the console page per account: the first entry whose
	// pattern matches the account name or id wins.
	Console []consoleRule `toml:"console"`
	// AccountRegion picks the region per account, as Console picks the
	// page: before Region, after --region and the environment.
	AccountRegion []regionRule `toml:"account_region"`
}

// consoleRule is one [[console]] table.
type consoleRule struct {
	Account     string `toml:"account"` // a glob, e.g. "acme-*-prod"
	Service     string `toml:"service"`
	Destination string `toml:"destination"`
}

// regionRule is one [[account_region]] table.
type regionRule struct {
	Account string `toml:"account"` // a glob, e.g. "acme-*-eu"
	Region  region `toml:"region"`
}

// accountMatches reports whether pattern (a glob) matches the row's
// account name or id.
func accountMatches(pattern string, r aws.Row) bool {
	for _, name := range []string{r.AccountName, r.AccountID} {
		if ok, _ := filepath.Match(pattern, name); ok && name != "" {
			return true
		}
	}
	return false
}

// destinationFor is the console service or URL configured for the row.
func (p Preferences) destinationFor(r aws.Row) (service, destination string) {
	for _, rule := range p.Console {
		if accountMatches(rule.Account, r) {
			return rule.Service, rule.Destination
		}
	}
	return "", ""
}

// accountRegion is the region the first [[account_region]] table matching
// the row's account names; "" if none does.
func (p Preferences) accountRegion(r aws.Row) string {
	for _, rule := range p.AccountRegion {
		if accountMatches(rule.Account, r) {
			return string(rule.Region)
		}
	}
	return ""
}

// Values checked as they are decoded, so an error names the key's line.
type (
	action   string
	region   string
	duration time.Duration
	theme    string
	keyName  string
	boolean  bool
)

func (a *action) UnmarshalText(b []byte) error {
	switch v := string(b); v {
	case "choose", "console", "shell":
		*a = action(v)
		return nil
	default:
		return fmt.Errorf("default_action %q is not choose, console or shell", v)
	}
}

func (r *region) UnmarshalText(b []byte) error {
	if err := aws.ValidateRegion(string(b)); err != nil {
		return err
	}
	*r = region(b)
	return nil
}

func (d *duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil || v < 0 {
		return fmt.Errorf("%q is not a duration like 30m or 2h", b)
	}
	*d = duration(v)
	return nil
}

func (t *theme) UnmarshalText(b []byte) error {
	switch v := string(b); v {
	case "auto", "dark", "light":
		*t = theme(v)
		return nil
	default:
		return fmt.Errorf("theme %q is not auto, dark or light", v)
	}
}

// UnmarshalTOML takes a TOML boolean only: "yes" or "true" in quotes
// would otherwise be a type error naming Go types.
func (b *boolean) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case bool:
		*b = boolean(v)
		return nil
	case string:
		return fmt.Errorf("%q is not true or false (without quotes)", v)
	default:
		return fmt.Errorf("%v is not true or false", v)
	}
}

var keyPattern = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^((ctrl|alt|shift)\+)*([a-z0-9]|f[0-9]{1,2}|[[:punct:]])$`)
})

func (k *keyName) UnmarshalText(b []byte) error {
	if !keyPattern().MatchString(string(b)) {
		return fmt.Errorf("%q is not a key like ctrl+f or alt+s", b)
	}
	*k = keyName(b)
	return nil
}

// LoadPreferences reads path; a missing file is no preferences. Unknown
// keys come back as warnings; bad values are an error naming the key and
// its line.
func LoadPreferences(path string) (Preferences, []string, error) {
	var p Preferences
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil, nil
	}
	if err != nil {
		return p, nil, fmt.Errorf("read %s: %w", path, err)
	}
	md, err := toml.Decode(string(raw), &p)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			msg := pe.Message
			if inner := errors.Unwrap(pe); inner != nil {
				msg = inner.Error()
			}
			if pe.LastKey != "" {
				return p, nil, fmt.Errorf("%s line %d: %s: %s; fix it or remove the line", path, pe.Position.Line, pe.LastKey, msg)
			}
			return p, nil, fmt.Errorf("%s line %d: %s; fix it or remove the line", path, pe.Position.Line, msg)
		}
		return p, nil, fmt.Errorf("%s: %w", path, err)
	}
	for i, rule := range p.Console {
		if !validAccountPattern(rule.Account) {
			return p, nil, fmt.Errorf("%s: [[console]] entry %d: account %q is not a pattern like acme-*-prod", path, i+1, rule.Account)
		}
		if (rule.Service == "") == (rule.Destination == "") {
			return p, nil, fmt.Errorf("%s: [[console]] entry %d (%s): give service or destination, one of them", path, i+1, rule.Account)
		}
	}
	for i, rule := range p.AccountRegion {
		if !validAccountPattern(rule.Account) {
			return p, nil, fmt.Errorf("%s: [[account_region]] entry %d: account %q is not a pattern like acme-*-eu", path, i+1, rule.Account)
		}
		if rule.Region == "" {
			return p, nil, fmt.Errorf("%s: [[account_region]] entry %d (%s): give the region, like region = \"eu-central-1\"", path, i+1, rule.Account)
		}
	}
	var warnings []string
	for _, k := range md.Undecoded() {
		warnings = append(warnings, fmt.Sprintf("%s line %d: unknown key %q is ignored", path, lineOf(string(raw), k[len(k)-1]), k.String()))
	}
	return p, warnings, nil
}

// profileRegion is the region a written profile of the row sets: the
// account's [[account_region]], else the region preference; "" (the SSO
// region) without either. The environment, which regionFor heeds, does
// not last into a file.
func (p Preferences) profileRegion(r aws.Row) string {
	if region := p.accountRegion(r); region != "" {
		return region
	}
	return string(p.Region)
}

// validAccountPattern reports whether pattern is a glob for accountMatches.
func validAccountPattern(pattern string) bool {
	_, err := filepath.Match(pattern, "")
	return err == nil && pattern != ""
}

// lineOf finds the line where key is set, for warnings.
func lineOf(text, key string) int {
	for i, line := range strings.Split(text, "\n") {
		if k, _, ok := strings.Cut(strings.TrimSpace(line), "="); ok && strings.TrimSpace(k) == key {
			return i + 1
		}
	}
	return 0
}
