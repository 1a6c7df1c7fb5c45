package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/launch"
	"github.com/ssopick/ssopick/ui"
)

// factory holds what commands share: where files live, the I/O streams and
// the session selection flags. Tests and `ssopick demo` build their own.
type factory struct {
	Paths  aws.Paths
	Getenv func(string) string
	// Environ is the environment handed to shells and commands.
	Environ func() []string
	Out     io.Writer
	ErrOut  io.Writer
	// OutIsTerminal and ErrIsTerminal decide between tables and
	// tab-separated output, and whether progress is drawn.
	OutIsTerminal bool
	ErrIsTerminal bool
	InIsTerminal  bool
	// StatePath is where recents and stars are kept.
	StatePath string
	Browser   launch.Browser
	Selector  aws.Selector
	// Prefs are the person's preferences (config.toml).
	Prefs Preferences
}

// newFactory describes the real process environment.
func newFactory(out, errOut io.Writer) (*factory, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, fmt.Errorf("find the home directory: %w", err)
	}
	prefs, warnings, err := LoadPreferences(PreferencesPath(os.Getenv, home))
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		fmt.Fprintln(errOut, "ssopick: warning:", w)
	}
	return &factory{
		Prefs:         prefs,
		Paths:         aws.DefaultPaths(os.Getenv, home),
		Getenv:        os.Getenv,
		Environ:       os.Environ,
		Out:           out,
		ErrOut:        errOut,
		OutIsTerminal: isTerminal(out),
		ErrIsTerminal: isTerminal(errOut),
		InIsTerminal:  isTerminal(os.Stdin),
		StatePath:     ui.StatePath(os.Getenv, home),
		Browser:       launch.Browser{Command: prefs.Browser, Getenv: os.Getenv, Stdout: errOut, Stderr: errOut},
	}, nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

// sessions loads the AWS config and applies the selection flags.
func (f *factory) sessions() ([]aws.Session, error) {
	cfg, err := aws.LoadConfig(f.Paths.AWSConfig)
	if err != nil {
		return nil, err
	}
	sel := f.Selector
	// Inside an ssopick shell SSOPICK_SSO_SESSION describes that shell's
	// role (ssopick set it, with SSOPICK_ACCOUNT_ID); only a value the
	// person set selects a session.
	if f.Getenv("SSOPICK_ACCOUNT_ID") == "" {
		sel.EnvSession = f.Getenv("SSOPICK_SSO_SESSION")
	}
	return cfg.Select(sel)
}

// maxAge is the default for --max-age: the preference, else an hour.
func (f *factory) maxAge() time.Duration {
	if f.Prefs.CatalogueMaxAge > 0 {
		return time.Duration(f.Prefs.CatalogueMaxAge)
	}
	return defaultCatalogueMaxAge
}
