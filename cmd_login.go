package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
)

// signInOptions choose the sign-in flow.
type signInOptions struct {
	DeviceCode bool // use the device code flow
	NoBrowser  bool // print URLs instead of opening them
}

func newLoginCmd(f *factory) *cobra.Command {
	var (
		opts  signInOptions
		force bool
	)
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Sign in to IAM Identity Center and cache the token the AWS CLI shares",
		Long: `Sign in to IAM Identity Center. The token is cached in ~/.aws/sso/cache in
the AWS CLI's own format, so ssopick, the AWS CLI and the SDKs share one
sign-in. An existing token that is valid or can be refreshed is reused unless
--force is given.

The browser flow (authorization code with PKCE) is the default; the device
code flow is used with --use-device-code, and wherever no browser can be
opened (for example over SSH).`,
		Example: `  ssopick login
  ssopick login --sso-session acme --use-device-code
  ssopick login --start-url https://acme.awsapps.com/start --sso-region eu-west-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conns, err := connectAll(cmd.Context(), f)
			if err != nil {
				return err
			}
			for _, conn := range conns {
				if !force {
					if until, ok := conn.SignedIn(cmd.Context()); ok {
						fmt.Fprintf(f.ErrOut, "Already signed in to %s until %s.\n", conn.Session.Label(), until.Local().Format(time.Kitchen))
						continue
					}
				}
				if err := signIn(cmd.Context(), f, conn, opts); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.DeviceCode, "use-device-code", false, "sign in with a code entered on another device instead of a browser redirect")
	cmd.Flags().BoolVar(&opts.NoBrowser, "no-browser", false, "print the sign-in URL instead of opening a browser")
	cmd.Flags().BoolVar(&force, "force", false, "sign in again even if a valid token is cached")
	return cmd
}

// signIn runs an interactive sign-in for conn's session on the terminal.
func signIn(ctx context.Context, f *factory, conn *aws.Conn, o signInOptions) error {
	label := conn.Session.Label()
	canOpen := !o.NoBrowser && f.Browser.CanOpen()
	var tok *aws.Token
	var err error
	if o.DeviceCode || !canOpen && !o.NoBrowser {
		tok, err = conn.Auth.SignInWithDeviceCode(ctx, func(d aws.DeviceCode) {
			fmt.Fprintf(f.ErrOut, "Sign in to %s: open %s\nand confirm the code %s (valid until %s).\n",
				label, d.VerificationURI, d.UserCode, d.ExpiresAt.Local().Format(time.Kitchen))
			if canOpen {
				if err := f.Browser.Open(d.VerificationURIComplete); err != nil {
					fmt.Fprintf(f.ErrOut, "Could not open a browser (%v); open the URL yourself.\n", err)
				}
			}
			fmt.Fprintln(f.ErrOut, "Waiting for approval…")
		})
	} else {
		tok, err = conn.Auth.SignInWithBrowser(ctx, func(url string) error {
			if o.NoBrowser {
				fmt.Fprintf(f.ErrOut, "Sign in to %s: open this URL in a browser on this machine:\n%s\n", label, url)
				return nil
			}
			fmt.Fprintf(f.ErrOut, "Sign in to %s in the browser window that opens.\n", label)
			if err := f.Browser.Open(url); err != nil {
				// Keep listening: the person can still open the URL.
				fmt.Fprintf(f.ErrOut, "Could not open a browser (%v). Open this URL in a browser on this machine:\n%s\n", err, url)
				return nil
			}
			fmt.Fprintln(f.ErrOut, "Waiting for the browser…")
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("sign in to %s: %w", label, err)
	}
	fmt.Fprintf(f.ErrOut, "Signed in to %s until %s.\n", label, tok.ExpiresAt.Local().Format(time.Kitchen))
	return nil
}

func newLogoutCmd(f *factory) *cobra.Command {
	return &cobra.Command{
		Use:   "logout",
		Short: "Sign out of IAM Identity Center and remove the cached token",
		Long: `Sign out: end the session at IAM Identity Center and remove the cached token
and client registration, as 'aws sso logout' does. The AWS CLI shares the
token, so it is signed out too.`,
		Example: `  ssopick logout
  ssopick logout --sso-session acme`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			conns, err := connectAll(cmd.Context(), f)
			if err != nil {
				return err
			}
			for _, conn := range conns {
				if err := conn.Logout(cmd.Context()); err != nil {
					return fmt.Errorf("sign out of %s: %w", conn.Session.Label(), err)
				}
				fmt.Fprintf(f.ErrOut, "Signed out of %s.\n", conn.Session.Label())
			}
			return nil
		},
	}
}
