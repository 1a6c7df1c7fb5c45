package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/ui"
)

// pickOptions are the flags of the commands that open the picker.
type pickOptions struct {
	DeviceCode bool
	NoBrowser  bool
	MaxAge     time.Duration
	Role       roleFlags
	Console    consoleOptions
	Shell      shellOptions
}

// addPickFlags adds the picker's flags to cmd.
func addPickFlags(cmd *cobra.Command, o *pickOptions, f *factory) {
	cmd.Flags().BoolVar(&o.DeviceCode, "use-device-code", false, "sign in with the device code flow if a sign-in is needed")
	cmd.Flags().BoolVar(&o.NoBrowser, "no-browser", false, "show sign-in URLs instead of opening a browser")
	cmd.Flags().DurationVar(&o.MaxAge, "max-age", f.maxAge(), "refresh the cached list in the background when older than this")
	addRoleFlags(cmd, &o.Role, f)
}

// pickAndAct chooses a role, with -a/-r or the picker, and does what mode
// (or, for ModeChoose, the person) asks.
func pickAndAct(ctx context.Context, f *factory, mode ui.Mode, args []string, o pickOptions) error {
	action := map[ui.Mode]ui.Action{ui.ModeConsole: ui.ActionConsole, ui.ModeShell: ui.ActionShell}[mode]
	if action == ui.ActionShell {
		if err := checkNotNested(f, o.Shell); err != nil {
			return err
		}
	}
	var (
		s     *aws.Sessions
		ch    aws.Choice
		err   error
		query = strings.Join(args, " ")
	)
	if o.Role.given() {
		if len(args) > 0 {
			return errors.New("give a QUERY or -a/-r, not both")
		}
		if action == ui.ActionNone {
			return errors.New("say what to do with the role: ssopick console -a … -r …, ssopick shell -a … -r …, or ssopick exec -a … -r … -- COMMAND")
		}
		s, ch, err = openAndFind(ctx, f, o.Role, f.ErrIsTerminal)
	} else {
		var p picked
		if p, err = runPicker(ctx, f, mode, args, o); err == nil {
			s, action, query = p.Sessions, p.Action, p.Query
			ch, err = assume(p.Choice, o.Role.Assume)
		}
	}
	if err != nil || action == ui.ActionNone {
		return err
	}
	// A pasted ARN or console URL is where the console opens.
	region, console := pastedConsole(query, o.Role.Region, o.Console)
	switch action {
	case ui.ActionConsole:
		return openConsole(ctx, f, s, ch, region, console)
	case ui.ActionShell:
		return startShell(ctx, f, s, ch, o.Role.Region, o.Shell)
	case ui.ActionExports:
		return printExports(ctx, f, s, ch, o.Role.Region, exportFormat(f))
	case ui.ActionCopyURL:
		login, err := consoleURL(ctx, f, s, ch, region, console)
		if err != nil {
			return err
		}
		return copyText(f, login, "the console link")
	}
	return nil
}

// picked is what the picker chose.
type picked struct {
	Sessions *aws.Sessions
	Choice   aws.Choice
	Action   ui.Action
	Query    string // as typed when the row was chosen
}

// runPicker opens the picker with the query pre-filled and returns the
// choice; errCancelled if the person quit. The picker draws on the
// terminal, /dev/tty if stdout is a pipe; stdout gets only the result.
func runPicker(ctx context.Context, f *factory, mode ui.Mode, args []string, o pickOptions) (picked, error) {
	in, out, release, ok := f.pickerTerminal()
	if !ok {
		return picked{}, &exitError{code: 2, err: errors.New("the picker needs a terminal; in scripts use `ssopick list`, or name the role with -a and -r")}
	}
	defer release()
	opts := ui.Options{
		Query:      strings.Join(args, " "),
		Mode:       mode,
		MaxAge:     o.MaxAge,
		DeviceCode: o.DeviceCode,
		NoBrowser:  o.NoBrowser,
		State:      ui.LoadState(f.Paths.State),
		StatePath:  f.Paths.State,
	}
	if !o.NoBrowser {
		// A browser's chatter on the terminal would scribble over the
		// picker.
		quiet := f.Browser
		quiet.Stdout, quiet.Stderr = nil, nil
		opts.Browser = quiet
	}
	opts.FirstFrame = firstFrameProbe(f)
	opts.Theme = string(f.Prefs.Theme)
	opts.StarKey, opts.RefreshKey = string(f.Prefs.Keys.Star), string(f.Prefs.Keys.Refresh)
	opts.PanicKey = f.Getenv("SSOPICK_DEBUG_PANIC_KEY")
	s, err := f.openSessions(ctx, true)
	switch {
	case errors.Is(err, aws.ErrNoSession):
		s = &aws.Sessions{}
		opts.Setup = firstRunSetup(ctx, f, s)
	case err != nil:
		return picked{}, err
	}
	for _, conn := range s.Conns {
		opts.Sources = append(opts.Sources, ui.ConnSource{Conn: conn})
	}
	if s.Config != nil {
		opts.Chains = s.Config.Chains()
	}
	flushDebug := f.Debug.holdWhile() // debug lines would scribble over the picker
	res, err := ui.Run(ctx, opts, in, out)
	flushDebug()
	if err != nil {
		return picked{}, err
	}
	if res.Action == ui.ActionNone {
		// Left without a choice (Ctrl-C, or Esc on an empty query): 130,
		// as fzf, so that `ssopick console && next-step` stops there.
		return picked{}, errCancelled
	}
	conn := s.Conn(res.Row.Session)
	if conn == nil {
		return picked{}, fmt.Errorf("no SSO session to use")
	}
	return picked{Sessions: s, Choice: aws.Choice{Row: res.Row, Conn: conn}, Action: res.Action, Query: res.Query}, nil
}

// setupCheckTimeout bounds the first run's check of the region.
const setupCheckTimeout = 30 * time.Second

// firstRunSetup is the first-run form's work: check the region against
// the start URL with IAM Identity Center (one client registration and one
// device authorization, no browser), then add the session to the config
// and connect to it. The check's client registration is kept as the
// session's own, so a device-code sign-in right after registers no
// second client; the browser sign-in needs a registration of its own
// grant types, and makes it.
func firstRunSetup(ctx context.Context, f *factory, s *aws.Sessions) *ui.Setup {
	var (
		mu      sync.Mutex
		checked aws.Session
		reg     *aws.Registration
	)
	same := func(a, b aws.Session) bool {
		return a.Name == b.Name && a.StartURL == b.StartURL && a.Region == b.Region
	}
	return &ui.Setup{
		ConfigPath: f.Paths.AWSConfig,
		Check: func(ctx context.Context, sess aws.Session) error {
			conn := aws.Connect(sess, f.env())
			ctx, cancel := context.WithTimeout(ctx, setupCheckTimeout)
			defer cancel()
			r, err := conn.Auth.CheckStartURL(ctx)
			if err != nil {
				return err
			}
			mu.Lock()
			checked, reg = sess, r
			mu.Unlock()
			return nil
		},
		Save: func(sess aws.Session) (ui.Source, error) {
			if err := aws.AddSSOSession(f.Paths.AWSConfig, sess); err != nil {
				return nil, err
			}
			conn := aws.Connect(sess, f.env())
			mu.Lock()
			r := reg
			if !same(checked, sess) {
				r = nil
			}
			mu.Unlock()
			if r != nil {
				// A registration that cannot be cached costs the sign-in
				// a new one, nothing more.
				_ = conn.Auth.Cache.SaveRegistration(sess, r)
			}
			s.Conns = append(s.Conns, conn)
			return ui.ConnSource{Conn: conn}, nil
		},
	}
}

// firstFrameProbe serves bench/: with SSOPICK_FIRST_FRAME_PROBE=FILE:NANOS
// (NANOS the Unix time in nanoseconds just before the process started), the
// time to the first frame showing rows is appended to FILE in milliseconds.
func firstFrameProbe(f *factory) func() {
	file, nanos, ok := strings.Cut(f.Getenv("SSOPICK_FIRST_FRAME_PROBE"), ":")
	start, err := strconv.ParseInt(nanos, 10, 64)
	if !ok || err != nil {
		return nil
	}
	return func() {
		ms := float64(time.Now().UnixNano()-start) / 1e6
		if out, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			fmt.Fprintf(out, "%.1f\n", ms)
			out.Close()
		}
	}
}
