package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
)

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
sign-in. An existing sign-in that IAM Identity Center still accepts (checked
with one small request, refreshing the token if needed) is reused unless
--force is given; one the service no longer accepts (signed out of the
portal, session ended by an administrator) is replaced by a new sign-in.

The browser flow (authorization code with PKCE) is the default; the device
code flow is used with --use-device-code, and wherever no browser can be
opened (for example over SSH).`,
		Example: `  ssopick login
  ssopick login --sso-session acme --use-device-code
  ssopick login --start-url https://acme.awsapps.com/start --sso-region eu-west-1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := f.openSessions(cmd.Context(), false)
			if err != nil {
				return err
			}
			for _, conn := range s.Conns {
				if !force {
					until, err := conn.SignedIn(cmd.Context())
					if err == nil {
						fmt.Fprintf(f.ErrOut, "Already signed in to %s until %s; `ssopick login --force` signs in again.\n", conn.Session.Label(), until.Local().Format(time.Kitchen))
						continue
					}
					if !errors.Is(err, aws.ErrSignInRequired) {
						return err
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
			s, err := f.openSessions(cmd.Context(), false)
			if err != nil {
				return err
			}
			for _, conn := range s.Conns {
				if err := conn.Logout(cmd.Context()); err != nil {
					return fmt.Errorf("sign out of %s: %w", conn.Session.Label(), err)
				}
				fmt.Fprintf(f.ErrOut, "Signed out of %s.\n", conn.Session.Label())
			}
			return nil
		},
	}
}
