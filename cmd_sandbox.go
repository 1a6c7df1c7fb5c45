package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/sandbox"
)

func newSandboxCmd() *cobra.Command {
	var (
		opts sandbox.Options
		addr string
	)
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local emulator of AWS IAM Identity Center for ssopick, the AWS CLI and SDKs",
		Long: `Run a local emulator of AWS IAM Identity Center in the foreground: the SSO
OIDC service, the SSO portal, STS GetCallerIdentity and the console federation
endpoint, on one loopback address. It prints the settings that point ssopick,
the AWS CLI or an SDK at it. Nothing it does touches real AWS. Ctrl-C stops it.`,
		Example: `  ssopick sandbox
  ssopick sandbox --addr 127.0.0.1:4566 --accounts 2000 --throttle-rps 20
  ssopick sandbox --latency 20ms --fail-rate 0.02 --auto-approve`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			srv, err := sandbox.Start(opts, addr)
			if err != nil {
				return fmt.Errorf("start the sandbox: %w", err)
			}
			printSandboxSettings(cmd.OutOrStdout(), srv)
			<-cmd.Context().Done()
			fmt.Fprintln(cmd.ErrOrStderr(), "stopping the sandbox")
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			return srv.Shutdown(ctx)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "address to listen on (port 0 picks a free one)")
	cmd.Flags().BoolVar(&opts.AutoApprove, "auto-approve", false, "approve device codes at once, without a visit to the verification page")
	opts.AddFlags(cmd.Flags())
	return cmd
}

func printSandboxSettings(w io.Writer, srv *sandbox.Server) {
	org := srv.Organisation()
	fmt.Fprintf(w, `ssopick sandbox: an emulator of AWS IAM Identity Center (not real AWS)

  start URL  %[1]s
  region     %[2]s
  accounts   %[3]d, %[4]d account/role pairs, for user %[5]s
  stats      %[6]s/_sandbox/stats

Point ssopick, the AWS CLI v1/botocore or an SDK at it:

  export AWS_ENDPOINT_URL_SSO_OIDC=%[6]s
  export AWS_ENDPOINT_URL_SSO=%[6]s
  export AWS_ENDPOINT_URL_STS=%[6]s
  export SSOPICK_FEDERATION_ENDPOINT=%[6]s/federation

(the AWS CLI v2 takes --endpoint-url %[6]s on each command)

and add to ~/.aws/config (or a file named by AWS_CONFIG_FILE):

  [sso-session sandbox]
  sso_start_url = %[1]s
  sso_region = %[2]s
  sso_registration_scopes = sso:account:access

Press Ctrl-C to stop.
`, srv.StartURL(), srv.Region(), len(org.Accounts), org.RoleCount(), srv.User(), srv.URL())
}
