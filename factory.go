package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/launch"
	"github.com/ssopick/ssopick/ui"
)

// IO are the process's streams and whether each is a terminal.
type IO struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// InIsTerminal and OutIsTerminal decide whether the picker runs on
	// stdin and stdout or on the controlling terminal (OpenTTY);
	// OutIsTerminal chooses between tables and tab-separated output;
	// ErrIsTerminal whether progress is drawn and a sign-in can be asked
	// for.
	InIsTerminal  bool
	OutIsTerminal bool
	ErrIsTerminal bool
	// OpenTTY opens the controlling terminal for the picker when stdin or
	// stdout is not one; nil (tests) or an error means there is none.
	OpenTTY func() (in, out *os.File, err error)
}

// pickerTerminal is where the picker reads keys and draws: stdin and
// stdout when both are terminals; otherwise, as fzf does, the controlling
// terminal (/dev/tty), so that the picker works inside $(…) and pipes and
// stdout carries only the result. ok is false when there is no terminal at
// all. release closes what was opened.
func (t IO) pickerTerminal() (in io.Reader, out io.Writer, release func(), ok bool) {
	if t.InIsTerminal && t.OutIsTerminal {
		return t.In, t.Out, func() {}, true
	}
	if t.OpenTTY == nil {
		return nil, nil, nil, false
	}
	ttyIn, ttyOut, err := t.OpenTTY()
	if err != nil {
		return nil, nil, nil, false
	}
	return ttyIn, ttyOut, func() {
		ttyIn.Close()
		if ttyOut != ttyIn {
			ttyOut.Close()
		}
	}, true
}

// factory holds what commands share: the process's state (streams,
// environment, files) and the session selection flags. It is the only
// place that reads the process environment; tests and `ssopick demo`
// build their own.
type factory struct {
	IO
	Paths  aws.Paths
	Getenv func(string) string
	// Environ is the environment handed to shells and commands.
	Environ func() []string
	// Debug receives a line per request with SSOPICK_DEBUG set; nil
	// otherwise.
	Debug    *debugLog
	Browser  launch.Browser
	Selector aws.Selector
	// Prefs are the person's preferences (config.toml).
	Prefs Preferences
}

// newFactory describes the real process.
func newFactory(in *os.File, out, errOut *os.File) (*factory, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, fmt.Errorf("find the home directory: %w", err)
	}
	paths := aws.DefaultPaths(os.Getenv, home)
	prefs, warnings, err := LoadPreferences(paths.Preferences)
	if err != nil {
		return nil, err
	}
	for _, w := range warnings {
		fmt.Fprintln(errOut, "ssopick: warning:", w)
	}
	f := &factory{
		IO: IO{
			In: in, Out: out, ErrOut: errOut,
			InIsTerminal:  term.IsTerminal(in.Fd()),
			OutIsTerminal: term.IsTerminal(out.Fd()),
			ErrIsTerminal: term.IsTerminal(errOut.Fd()),
			OpenTTY:       ui.OpenTerminal,
		},
		Prefs:   prefs,
		Paths:   paths,
		Getenv:  os.Getenv,
		Environ: os.Environ,
		Browser: launch.Browser{Command: prefs.Browser, Getenv: os.Getenv, Stdout: errOut, Stderr: errOut},
	}
	if f.Debug, err = openDebugLog(os.Getenv, errOut); err != nil {
		return nil, err
	}
	return f, nil
}

// setVars sets environment variables for this factory's own work and for
// the commands it starts, without touching the process's environment.
func (f *factory) setVars(vars map[string]string) {
	getenv, environ := f.Getenv, f.Environ
	f.Getenv = func(k string) string {
		if v, ok := vars[k]; ok {
			return v
		}
		return getenv(k)
	}
	f.Environ = func() []string {
		env := slices.DeleteFunc(environ(), func(kv string) bool {
			k, _, _ := strings.Cut(kv, "=")
			_, ok := vars[k]
			return ok
		})
		for k, v := range vars {
			env = append(env, k+"="+v)
		}
		return env
	}
	f.Browser.Getenv = f.Getenv
}

// env is what talking to AWS takes from this factory.
func (f *factory) env() aws.Environment {
	env := aws.Environment{Getenv: f.Getenv, Paths: f.Paths}
	if f.Debug != nil {
		env.Debug = f.Debug
	}
	return env
}

// sessions loads the AWS config and applies the selection flags.
func (f *factory) sessions() ([]aws.Session, error) {
	selected, _, err := f.sessionsAndConfig()
	return selected, err
}

// sessionsAndConfig is sessions, with the config file they come from.
func (f *factory) sessionsAndConfig() ([]aws.Session, *aws.ConfigFile, error) {
	cfg, err := aws.LoadConfig(f.Paths.AWSConfig)
	if err != nil {
		return nil, nil, err
	}
	sel := f.Selector
	// Inside an ssopick shell SSOPICK_SSO_SESSION describes that shell's
	// role (ssopick set it, with SSOPICK_ACCOUNT_ID); only a value the
	// person set selects a session.
	if f.Getenv("SSOPICK_ACCOUNT_ID") == "" {
		sel.EnvSession = f.Getenv("SSOPICK_SSO_SESSION")
	}
	selected, err := cfg.Select(sel)
	return selected, cfg, err
}

// openSessions connects to the selected sessions, wired to this process:
// a sign-in on the terminal when interactive, progress and warnings on
// stderr, and stale lists refreshed by a detached ssopick.
func (f *factory) openSessions(ctx context.Context, interactive bool) (*aws.Sessions, error) {
	selected, cfg, err := f.sessionsAndConfig()
	if err != nil {
		return nil, err
	}
	s := aws.OpenSessions(selected, f.env())
	s.Config = cfg
	if interactive {
		s.SignIn = func(ctx context.Context, c *aws.Conn) error { return signIn(ctx, f, c, signInOptions{}) }
	}
	if f.ErrIsTerminal {
		s.Progress = func(c *aws.Conn) func(aws.Progress) { return progressPrinter(f.ErrOut, c.Session.Label()) }
	}
	s.Warn = func(msg string) { fmt.Fprintf(f.ErrOut, "Warning: %s.\n", ui.Visible(msg)) }
	s.RefreshLater = f.refreshInBackground
	return s, nil
}

// refreshInBackground starts `ssopick list --refresh --background` for the
// session, detached, with no output; failures only mean the cache stays
// as it is until the next run.
func (f *factory) refreshInBackground(s aws.Session) {
	self, err := os.Executable()
	if err != nil {
		return
	}
	argv := []string{self, "list", "--refresh", "--background"}
	if s.Name != "" {
		argv = append(argv, "--sso-session", s.Name)
	} else {
		argv = append(argv, "--start-url", s.StartURL, "--sso-region", s.Region)
	}
	_ = launch.StartDetached(argv, f.Environ())
}

// defaultCatalogueMaxAge is how old a cached catalogue may be before it is
// fetched again.
const defaultCatalogueMaxAge = time.Hour

// maxAge is the default for --max-age: the preference, else an hour.
func (f *factory) maxAge() time.Duration {
	if f.Prefs.CatalogueMaxAge > 0 {
		return time.Duration(f.Prefs.CatalogueMaxAge)
	}
	return defaultCatalogueMaxAge
}
