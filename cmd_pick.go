package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/ui"
)

// pickOptions are the flags the picker commands share.
type pickOptions struct {
	DeviceCode bool
	NoBrowser  bool
	MaxAge     time.Duration
}

// addPickFlags adds the picker's flags to cmd.
func addPickFlags(cmd *cobra.Command, o *pickOptions) {
	cmd.Flags().BoolVar(&o.DeviceCode, "use-device-code", false, "sign in with the device code flow if a sign-in is needed")
	cmd.Flags().BoolVar(&o.NoBrowser, "no-browser", false, "show sign-in URLs instead of opening a browser")
	cmd.Flags().DurationVar(&o.MaxAge, "max-age", defaultCatalogueMaxAge, "refresh the cached list in the background when older than this")
}

func newConsoleCmd(f *factory) *cobra.Command {
	var o pickOptions
	cmd := &cobra.Command{
		Use:   "console [QUERY...]",
		Short: "Pick a role and open the AWS console as it",
		Example: `  ssopick console
  ssopick console prod pay`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPicker(cmd.Context(), f, ui.ModeConsole, args, o)
		},
	}
	addPickFlags(cmd, &o)
	return cmd
}

func newShellCmd(f *factory) *cobra.Command {
	var o pickOptions
	cmd := &cobra.Command{
		Use:   "shell [QUERY...]",
		Short: "Pick a role and start a shell with its credentials",
		Example: `  ssopick shell
  ssopick shell audit view`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runPicker(cmd.Context(), f, ui.ModeShell, args, o)
		},
	}
	addPickFlags(cmd, &o)
	return cmd
}

// runPicker opens the picker with the query pre-filled and acts on the
// choice.
func runPicker(ctx context.Context, f *factory, mode ui.Mode, args []string, o pickOptions) error {
	if !f.OutIsTerminal || !f.InIsTerminal {
		return &exitError{code: 2, err: errors.New("the picker needs a terminal; in scripts use `ssopick list` (and `ssopick exec -a … -r …` once available)")}
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
		opts.Browser = f.Browser
	}
	sessions, err := f.sessions()
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
			return ui.ConnSource{Conn: conn}, nil
		}}
	case err != nil:
		return err
	}
	for _, s := range sessions {
		conn, err := aws.Connect(ctx, s, f.Paths)
		if err != nil {
			return err
		}
		opts.Sources = append(opts.Sources, ui.ConnSource{Conn: conn})
	}
	res, err := ui.Run(ctx, opts, os.Stdin, f.Out)
	if err != nil {
		return err
	}
	if res.Action == ui.ActionNone {
		return nil
	}
	r := res.Row
	fmt.Fprintf(f.Out, "%s\t%s\t%s\t%s\n", r.AccountID, r.AccountName, r.RoleName, res.Action)
	return nil
}
