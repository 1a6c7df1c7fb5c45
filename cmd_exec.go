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
	var (
		o      roleFlags
		static bool
	)
	cmd := &cobra.Command{
		Use:   "exec -a ACCOUNT -r ROLE -- COMMAND [ARGS...]",
		Short: "Run a command with a role's credentials in its environment",
		Long: `Run COMMAND with the role's temporary credentials in its environment (the
same variables as ssopick shell), and exit with its status. The keys are
served by ssopick and renewed for as long as the SSO sign-in lasts (the
container-credentials interface every AWS SDK and the AWS CLI read);
--static gives the keys themselves instead. Ctrl-C and
Ctrl-\ reach it once, from the terminal; SIGTERM and SIGHUP sent to ssopick
alone are passed on to it. -a takes an account id or exact name, -r a role name.`,
		Example: `  ssopick exec -a 123456789012 -r ViewOnlyAccess -- aws s3 ls
  ssopick exec -a acme-audit -r ViewOnlyAccess -- terraform plan`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.check(); err != nil {
				return err
			}
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
			return runAs(cmd.Context(), f, s, ch, args, o.Region, static || bool(f.Prefs.StaticCredentials), nil)
		},
	}
	addRequiredRoleFlags(cmd, &o, f)
	cmd.Flags().BoolVar(&static, "static", false, staticHelp)
	return cmd
}

func newEnvCmd(f *factory) *cobra.Command {
	var (
		o      roleFlags
		format string
	)
	cmd := &cobra.Command{
		Use:   "env -a ACCOUNT -r ROLE [--format " + strings.Join(launch.Formats, "|") + "]",
		Short: "Print statements that give your shell a role's credentials",
		Long: `Print the statements that set a role's credentials (and unset variables that
could shadow them) for your shell to run, or the variables as dotenv or JSON.

--format sh is for bash, zsh, dash and other POSIX shells; fish for fish;
powershell for PowerShell (pwsh); cmd for Windows' cmd.exe, as a batch file
to call; dotenv for .env files; json for programs.

dotenv writes NAME=value lines. A value made only of letters, digits and
_ - . , : / @ + = % (keys, tokens, times, regions) is written as it is, so
that docker run --env-file, which takes the rest of the line literally,
reads it; any other value is single-quoted, with \ and ' escaped by a
backslash, as python-dotenv reads it (python-dotenv still expands ${NAME}
inside it unless read with interpolate=False).`,
		Example: `  eval "$(ssopick env -a acme-audit -r ViewOnlyAccess)"
  ssopick env -a acme-audit -r ViewOnlyAccess --format fish | source
  ssopick env -a acme-audit -r ViewOnlyAccess --format powershell | Out-String | Invoke-Expression
  ssopick env -a acme-audit -r ViewOnlyAccess --format cmd > role.cmd && call role.cmd
  ssopick env -a 123456789012 -r ReadOnlyAccess --format dotenv > .env`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
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
	addRequiredRoleFlags(cmd, &o, f)
	cmd.Flags().StringVar(&format, "format", "sh", "output format: "+strings.Join(launch.Formats, ", ")+" (dotenv: plain values bare, others single-quoted)")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(launch.Formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newCredentialProcessCmd(f *factory) *cobra.Command {
	var o roleFlags
	cmd := &cobra.Command{
		Use:   "credential-process -a ACCOUNT -r ROLE",
		Short: "Print a role's credentials as credential_process JSON for AWS SDKs",
		Long: `Print the role's credentials in the JSON that AWS SDKs and the AWS CLI read
from a credential_process command. It never opens a picker, nor a sign-in
unless the preference auto_login = true: when a sign-in is needed it exits
non-zero with one line on stderr.`,
		Example: `  # in ~/.aws/config:
  [profile audit]
  credential_process = ssopick credential-process -a acme-audit -r ViewOnlyAccess`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return err
			}
			creds, err := credentialProcessCredentials(cmd.Context(), f, o)
			if err != nil {
				return err
			}
			return launch.CredentialProcess(f.Out, toLaunch(creds))
		},
	}
	addRequiredRoleFlags(cmd, &o, f)
	return cmd
}
