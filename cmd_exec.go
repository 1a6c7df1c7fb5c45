package main

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/launch"
)

func newExecCmd(f *factory) *cobra.Command {
	var o roleFlags
	cmd := &cobra.Command{
		Use:   "exec -a ACCOUNT -r ROLE -- COMMAND [ARGS...]",
		Short: "Run a command with a role's credentials in its environment",
		Long: `Run COMMAND with the role's temporary credentials in its environment (the
same variables as ssopick shell), and exit with its status. Ctrl-C and
Ctrl-\ reach it once, from the terminal; SIGTERM and SIGHUP sent to ssopick
alone are passed on to it. -a takes an account id or exact name, -r a role name.`,
		Example: `  ssopick exec -a 123456789012 -r ViewOnlyAccess -- aws s3 ls
  ssopick exec -a acme-audit -r ViewOnlyAccess -- terraform plan`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() != 0 {
				return errors.New("put the command after --, as in: ssopick exec -a ACCOUNT -r ROLE -- aws s3 ls")
			}
			if _, err := exec.LookPath(args[0]); err != nil {
				return &exitError{code: 127, err: fmt.Errorf("%s: command not found; check the name or your PATH", args[0])}
			}
			s, ch, err := openAndFind(cmd.Context(), f, o, f.ErrIsTerminal)
			if err != nil {
				return err
			}
			creds, err := s.Credentials(cmd.Context(), ch)
			if err != nil {
				return err
			}
			return runWith(f, args, creds, identity(f, ch, o.Region))
		},
	}
	addRoleFlags(cmd, &o, f)
	return cmd
}

func newEnvCmd(f *factory) *cobra.Command {
	var (
		o      roleFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "env -a ACCOUNT -r ROLE [--format sh|fish|powershell|dotenv|json]",
		Short: "Print statements that give your shell a role's credentials",
		Long: `Print the statements that set a role's credentials (and unset variables that
could shadow them) for eval in your shell, or as dotenv or JSON.`,
		Example: `  eval "$(ssopick env -a acme-audit -r ViewOnlyAccess)"
  ssopick env -a acme-audit -r ViewOnlyAccess --format fish | source
  ssopick env -a 123456789012 -r ReadOnlyAccess --format dotenv > .env`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !launch.ValidFormat(format) {
				return fmt.Errorf("unknown --format %q; use one of %s", format, strings.Join(launch.Formats, ", "))
			}
			s, ch, err := openAndFind(cmd.Context(), f, o, f.ErrIsTerminal)
			if err != nil {
				return err
			}
			return printExports(cmd.Context(), f, s, ch, o.Region, format)
		},
	}
	addRoleFlags(cmd, &o, f)
	cmd.Flags().StringVar(&format, "format", "sh", "output format: "+strings.Join(launch.Formats, ", "))
	return cmd
}

func newCredentialProcessCmd(f *factory) *cobra.Command {
	var o roleFlags
	cmd := &cobra.Command{
		Use:   "credential-process -a ACCOUNT -r ROLE",
		Short: "Print a role's credentials as credential_process JSON for AWS SDKs",
		Long: `Print the role's credentials in the JSON that AWS SDKs and the AWS CLI read
from a credential_process command. It never opens a picker or a sign-in:
when a sign-in is needed it exits non-zero with one line on stderr.`,
		Example: `  # in ~/.aws/config:
  [profile audit]
  credential_process = ssopick credential-process -a acme-audit -r ViewOnlyAccess`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, ch, err := openAndFind(cmd.Context(), f, o, false)
			if err != nil {
				return err
			}
			creds, err := s.Credentials(cmd.Context(), ch)
			if err != nil {
				return err
			}
			return launch.CredentialProcess(f.Out, toLaunch(creds))
		},
	}
	addRoleFlags(cmd, &o, f)
	return cmd
}
