package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/sandbox"
	"github.com/ssopick/ssopick/ui"
)

const demoSession = "ssopick-demo"

func newDemoCmd(f *factory) *cobra.Command {
	var opts sandbox.Options
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Try ssopick against a built-in Identity Center sandbox, no AWS account needed",
		Long: `Start the Identity Center sandbox in this process and run ssopick against it
with a throwaway AWS config and cache directory: on a terminal the picker,
otherwise the sign-in and the list. Your ~/.aws is never read or written. The
sandbox approves the sign-in code by itself, as if you had confirmed it in a
browser. The demo's config has a chained profile, deploy: a Deployer role
assumed from acme-audit's ViewOnlyAccess (type "deploy" in the picker).`,
		Example: `  ssopick demo
  ssopick demo --accounts 2000 --latency 20ms --throttle-rps 20`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.AutoApprove = true
			return runDemo(cmd.Context(), f, opts)
		},
	}
	opts.AddFlags(cmd.Flags())
	return cmd
}

// runDemo points f at an in-process sandbox and a temporary home, then runs
// the same code as `ssopick login` and `ssopick list`.
func runDemo(ctx context.Context, f *factory, opts sandbox.Options) error {
	srv, err := sandbox.Start(opts, "")
	if err != nil {
		return fmt.Errorf("start the sandbox: %w", err)
	}
	defer srv.Close() // nothing in flight matters once the demo is over
	dir, err := os.MkdirTemp("", "ssopick-demo-")
	if err != nil {
		return fmt.Errorf("create a directory for the demo: %w", err)
	}
	defer os.RemoveAll(dir)

	config := filepath.Join(dir, "aws", "config")
	if err := os.MkdirAll(filepath.Dir(config), 0o700); err != nil {
		return err
	}
	snippet := fmt.Sprintf("[sso-session %s]\nsso_start_url = %s\nsso_region = %s\nsso_registration_scopes = sso:account:access\n",
		demoSession, srv.StartURL(), srv.Region())
	// A chained profile too, so the demo shows a role assumed from an
	// SSO role (type "deploy" in the picker): Deployer in acme-log-archive
	// from acme-audit's ViewOnlyAccess, the landing zone's first accounts.
	if org := srv.Organisation(); len(org.Accounts) >= 3 {
		snippet += fmt.Sprintf("\n[profile audit]\nsso_session = %s\nsso_account_id = %s\nsso_role_name = ViewOnlyAccess\n\n"+
			"[profile deploy]\nrole_arn = arn:aws:iam::%s:role/Deployer\nsource_profile = audit\n",
			demoSession, org.Accounts[1].ID, org.Accounts[2].ID)
	}
	if err := os.WriteFile(config, []byte(snippet), 0o600); err != nil {
		return err
	}
	// ssopick (and any AWS tool started from here) finds the sandbox
	// through the standard endpoint variables, exactly as it would find a
	// real endpoint override; the process's own environment is left alone.
	f.setVars(map[string]string{
		"AWS_CONFIG_FILE":             config,
		"AWS_ENDPOINT_URL_SSO_OIDC":   srv.URL(),
		"AWS_ENDPOINT_URL_SSO":        srv.URL(),
		"AWS_ENDPOINT_URL_STS":        srv.URL(),
		"SSOPICK_FEDERATION_ENDPOINT": srv.URL() + "/federation",
	})
	f.Paths = aws.Paths{
		AWSConfig:      config,
		AWSCredentials: filepath.Join(dir, "aws", "credentials"),
		SSOCache:       filepath.Join(dir, "aws", "sso", "cache"),
		Cache:          filepath.Join(dir, "cache"),
		State:          filepath.Join(dir, "state", "state.json"),
	}
	f.Selector = aws.Selector{SessionName: demoSession}

	fmt.Fprintf(f.ErrOut, "ssopick demo: a sandbox organisation of %d accounts at %s (not real AWS).\n",
		len(srv.Organisation().Accounts), srv.URL())
	if f.OutIsTerminal && f.InIsTerminal {
		// The sandbox approves the device code by itself: no browser.
		return pickAndAct(ctx, f, ui.ModeChoose, nil, pickOptions{DeviceCode: true, NoBrowser: true, MaxAge: defaultCatalogueMaxAge})
	}
	s, err := f.openSessions(ctx, false)
	if err != nil {
		return err
	}
	if err := signIn(ctx, f, s.Conns[0], signInOptions{DeviceCode: true, NoBrowser: true}); err != nil {
		return err
	}
	rows, err := s.Rows(ctx, aws.ListOptions{})
	if err != nil {
		return err
	}
	if err := printRows(f.Out, rows, rowsTSV); err != nil {
		return err
	}
	fmt.Fprintf(f.ErrOut, "%d roles in %d accounts, listed with %d portal calls.\n",
		len(rows), len(srv.Organisation().Accounts), portalCalls(srv.Stats()))
	return nil
}

func portalCalls(st sandbox.Stats) int {
	return st.Calls["ListAccounts"] + st.Calls["ListAccountRoles"] + st.Calls["GetRoleCredentials"]
}
