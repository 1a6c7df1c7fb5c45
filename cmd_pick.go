package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/launch"
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

func newConsoleCmd(f *factory) *cobra.Command {
	var o pickOptions
	cmd := &cobra.Command{
		Use:   "console [QUERY...]",
		Short: "Open the AWS console as a role (picked, or named with -a/-r)",
		Long: `Open the AWS web console as a role: pick it (the query pre-fills the picker;
Enter opens the console), or name it with -a and -r. The browser gets a
one-time loopback link that redirects to the console sign-in, so the sign-in
token never appears in any process's arguments.`,
		Example: `  ssopick console
  ssopick console prod pay --service s3
  ssopick console -a acme-audit -r ViewOnlyAccess --firefox-container
  ssopick console -a 123456789012 -r ReadOnlyAccess --print-url`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return pickAndAct(cmd.Context(), f, ui.ModeConsole, args, o)
		},
	}
	addPickFlags(cmd, &o, f)
	addConsoleFlags(cmd, &o.Console)
	return cmd
}

func newShellCmd(f *factory) *cobra.Command {
	var o pickOptions
	cmd := &cobra.Command{
		Use:   "shell [QUERY...]",
		Short: "Start $SHELL with a role's credentials (picked, or named with -a/-r)",
		Long: `Start your shell ($SHELL, else /bin/sh) with the role's temporary
credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
AWS_CREDENTIAL_EXPIRATION, plus AWS_REGION and SSOPICK_* variables for your
prompt; AWS_PROFILE and other variables that could shadow them are removed.
ssopick exits with the shell's status.`,
		Example: `  ssopick shell
  ssopick shell audit view
  ssopick shell -a acme-audit -r ViewOnlyAccess --region eu-west-1`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return pickAndAct(cmd.Context(), f, ui.ModeShell, args, o)
		},
	}
	addPickFlags(cmd, &o, f)
	cmd.Flags().BoolVar(&o.Shell.Force, "force", false, "start a shell even inside another ssopick shell")
	return cmd
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
	var c chosen
	var err error
	if o.Role.given() {
		if len(args) > 0 {
			return errors.New("give a QUERY or -a/-r, not both")
		}
		if action == ui.ActionNone {
			return errors.New("say what to do with the role: ssopick console -a … -r …, ssopick shell -a … -r …, or ssopick exec -a … -r … -- COMMAND")
		}
		c, err = resolveRole(ctx, f, o.Role, f.ErrIsTerminal)
	} else {
		c, action, err = runPicker(ctx, f, mode, args, o)
	}
	if err != nil || action == ui.ActionNone {
		return err
	}
	switch action {
	case ui.ActionConsole:
		return openConsole(ctx, f, c, o.Role.Region, o.Console)
	case ui.ActionShell:
		return startShell(ctx, f, c, o.Role.Region, o.Shell)
	case ui.ActionExports:
		creds, err := credentials(ctx, f, c, true)
		if err != nil {
			return err
		}
		return launch.Exports(f.Out, exportFormat(f), toLaunch(creds), identity(f, c, o.Role.Region))
	case ui.ActionCopyURL:
		login, err := consoleURL(ctx, f, c, o.Role.Region, o.Console)
		if err != nil {
			return err
		}
		return copyText(f, login, "the console sign-in URL")
	}
	return nil
}

// exportFormat guesses the person's shell for printed exports.
func exportFormat(f *factory) string {
	switch sh := launch.Shell(f.Getenv); {
	case strings.HasSuffix(sh, "fish"):
		return "fish"
	case strings.HasSuffix(sh, "pwsh"), strings.HasSuffix(sh, "powershell"):
		return "powershell"
	}
	return "sh"
}

// runPicker opens the picker with the query pre-filled and returns the
// choice; ui.ActionNone if the person quit.
func runPicker(ctx context.Context, f *factory, mode ui.Mode, args []string, o pickOptions) (chosen, ui.Action, error) {
	if !f.OutIsTerminal || !f.InIsTerminal {
		return chosen{}, ui.ActionNone, &exitError{code: 2, err: errors.New("the picker needs a terminal; in scripts use `ssopick list`, or name the role with -a and -r")}
	}
	opts := ui.Options{
		Query:      strings.Join(args, " "),
		Mode:       mode,
		MaxAge:     o.MaxAge,
		DeviceCode: o.DeviceCode,
		State:      ui.LoadState(f.StatePath),
		StatePath:  f.StatePath,
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
	conns, err := connectAll(ctx, f)
	switch {
	case errors.Is(err, aws.ErrNoSession):
		opts.Setup = &ui.Setup{ConfigPath: f.Paths.AWSConfig, Save: func(s aws.Session) (ui.Source, error) {
			if err := aws.AddSSOSession(f.Paths.AWSConfig, s); err != nil {
				return nil, err
			}
			conn, err := aws.Connect(ctx, s, f.Paths)
			if err != nil {
				return nil, err
			}
			conns = append(conns, conn)
			return ui.ConnSource{Conn: conn}, nil
		}}
	case err != nil:
		return chosen{}, ui.ActionNone, err
	}
	for _, conn := range conns {
		opts.Sources = append(opts.Sources, ui.ConnSource{Conn: conn})
	}
	res, err := ui.Run(ctx, opts, os.Stdin, f.Out)
	if err != nil || res.Action == ui.ActionNone {
		return chosen{}, ui.ActionNone, err
	}
	if len(conns) == 0 {
		return chosen{}, ui.ActionNone, fmt.Errorf("no SSO session to use")
	}
	return chosen{row: res.Row, conn: connFor(conns, res.Row.Session)}, res.Action, nil
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
