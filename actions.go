package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/atotto/clipboard"
	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/launch"
)

// The actions on a chosen role, shared by the picker and the commands that
// name a role with -a/-r: the console, a shell, a command, exports.

// identity describes the chosen role for the environment.
func identity(f *factory, ch aws.Choice, region string) launch.Identity {
	return launch.Identity{
		AccountID:   ch.Row.AccountID,
		AccountName: accountName(ch),
		RoleName:    ch.Row.RoleName,
		Session:     ch.Row.Session,
		Region:      regionFor(f, ch, region),
	}
}

// accountName is the chosen account's name, or its id when it was named by
// id and no list told its name.
func accountName(ch aws.Choice) string {
	if ch.Row.AccountName == "" {
		return ch.Row.AccountID
	}
	return ch.Row.AccountName
}

// regionFor picks the region: the flag, the environment, the preference,
// the SSO region.
func regionFor(f *factory, ch aws.Choice, flag string) string {
	for _, r := range []string{flag, f.Getenv("AWS_REGION"), f.Getenv("AWS_DEFAULT_REGION"), string(f.Prefs.Region)} {
		if r != "" {
			return r
		}
	}
	return ch.Conn.Session.Region
}

func toLaunch(c aws.RoleCredentials) launch.Credentials {
	return launch.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration}
}

// shellOptions are the shell action's flags.
type shellOptions struct {
	Force bool
}

// startShell runs $SHELL with the role's credentials and returns its
// exit status as the process's.
func startShell(ctx context.Context, f *factory, s *aws.Sessions, ch aws.Choice, region string, o shellOptions) error {
	if err := checkNotNested(f, o); err != nil {
		return err
	}
	creds, err := s.Credentials(ctx, ch)
	if err != nil {
		return err
	}
	shell := launch.Shell(f.Getenv)
	fmt.Fprintf(f.ErrOut, "Starting %s as %s in %s (%s) until %s; `exit` to leave.\n",
		shell, ch.Row.RoleName, accountName(ch), ch.Row.AccountID, creds.Expiration.Local().Format(time.Kitchen))
	return runWith(f, []string{shell}, creds, identity(f, ch, region))
}

// checkNotNested refuses a shell inside another ssopick shell, unless
// forced: the prompt would show one role while the keys are another's.
func checkNotNested(f *factory, o shellOptions) error {
	if cur := f.Getenv("SSOPICK_ACCOUNT_ID"); cur != "" && !o.Force {
		return fmt.Errorf("this shell already holds %s in %s (%s) from ssopick; `exit` it first, or pass --force to nest",
			f.Getenv("SSOPICK_ROLE_NAME"), f.Getenv("SSOPICK_ACCOUNT_NAME"), cur)
	}
	return nil
}

// runWith runs argv with the role's credentials in its environment and
// passes its exit status on.
func runWith(f *factory, argv []string, creds aws.RoleCredentials, id launch.Identity) error {
	code, err := launch.Run(argv, launch.Environ(f.Environ(), toLaunch(creds), id))
	if err != nil {
		return &exitError{code: code, err: err}
	}
	if code != 0 {
		return &exitError{code: code, quiet: true}
	}
	return nil
}

// printExports prints the statements that give the person's shell the
// role's credentials.
func printExports(ctx context.Context, f *factory, s *aws.Sessions, ch aws.Choice, region, format string) error {
	creds, err := s.Credentials(ctx, ch)
	if err != nil {
		return err
	}
	return launch.Exports(f.Out, format, toLaunch(creds), identity(f, ch, region))
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

// consoleOptions are the console action's flags.
type consoleOptions struct {
	Service      string
	Destination  string
	Browser      string
	Container    string
	UseContainer bool
	LogoutFirst  bool
	PrintURL     bool
	CopyURL      bool
	Duration     time.Duration
}

func addConsoleFlags(cmd *cobra.Command, o *consoleOptions) {
	fl := cmd.Flags()
	fl.StringVar(&o.Service, "service", "", "open this service's console, e.g. s3, ec2, cloudformation")
	fl.StringVar(&o.Destination, "destination", "", "open this console URL (console hosts of the partition only)")
	fl.StringVar(&o.Browser, "browser", "", "browser command to open the console with (default: $BROWSER, then the system's)")
	fl.StringVar(&o.Container, "container", "", "open in this Firefox container (ext+container:); implies --firefox-container")
	fl.BoolVar(&o.UseContainer, "firefox-container", false, "open in a Firefox container named after the account")
	fl.BoolVar(&o.LogoutFirst, "logout-first", false, "sign the browser out of the console first, to switch accounts")
	fl.BoolVar(&o.PrintURL, "print-url", false, "print the console link on stdout instead of opening a browser")
	fl.BoolVar(&o.CopyURL, "copy-url", false, "copy the console link to the clipboard instead of opening a browser")
	fl.DurationVar(&o.Duration, "duration", 0, "console session length, 15m to 12h (default: the service's)")
}

// federationEndpoint is the console federation endpoint for region.
func federationEndpoint(f *factory, region string) string {
	return aws.FederationEndpoint(region, f.Getenv("SSOPICK_FEDERATION_ENDPOINT"))
}

// consoleURL signs the role in to the console and returns the login URL.
func consoleURL(ctx context.Context, f *factory, s *aws.Sessions, ch aws.Choice, region string, o consoleOptions) (string, error) {
	if o.Duration != 0 && (o.Duration < aws.MinConsoleSession || o.Duration > aws.MaxConsoleSession) {
		return "", fmt.Errorf("--duration %v is outside 15m–12h", o.Duration)
	}
	region = regionFor(f, ch, region)
	if o.Service == "" && o.Destination == "" {
		o.Service, o.Destination = f.Prefs.destinationFor(ch.Row)
	}
	dest, err := aws.ConsoleDestination(region, o.Service, o.Destination)
	if err != nil {
		return "", err
	}
	creds, err := s.Credentials(ctx, ch)
	if err != nil {
		return "", err
	}
	return aws.ConsoleURL(ctx, ch.Conn.HTTP, aws.ConsoleRequest{
		Credentials:     creds,
		Region:          region,
		Endpoint:        federationEndpoint(f, region),
		Destination:     dest,
		Issuer:          "ssopick",
		SessionDuration: o.Duration,
	})
}

// openConsole opens the console as the chosen role.
func openConsole(ctx context.Context, f *factory, s *aws.Sessions, ch aws.Choice, region string, o consoleOptions) error {
	login, err := consoleURL(ctx, f, s, ch, region, o)
	if err != nil {
		return err
	}
	switch {
	case o.PrintURL:
		fmt.Fprintln(f.Out, login)
		return nil
	case o.CopyURL:
		return copyText(f, login, "the console link")
	}
	logout := ""
	if o.LogoutFirst {
		logout = aws.LogoutURL(federationEndpoint(f, regionFor(f, ch, region)))
	}
	once, err := launch.ServeOnce(login, logout)
	if err != nil {
		return err
	}
	open := once.URL
	if o.Container != "" || o.UseContainer {
		name := o.Container
		if name == "" {
			name = accountName(ch)
		}
		open = launch.FirefoxContainer(name, open)
	}
	b := f.Browser
	if o.Browser != "" {
		b.Command = o.Browser
	}
	// The one-shot link is shown too: if no browser comes, the person can
	// open it by hand; it works once, from this machine, for two minutes.
	if err := b.Open(open); err != nil {
		fmt.Fprintf(f.ErrOut, "Could not open a browser (%v). Open this link in a browser on this machine within 2 minutes:\n%s\n", err, once.URL)
	} else {
		fmt.Fprintf(f.ErrOut, "Opening the AWS console as %s in %s… If no browser opens, open this link on this machine within 2 minutes:\n%s\n", ch.Row.RoleName, accountName(ch), once.URL)
	}
	if err := once.Wait(ctx, consoleLinkLife); err != nil {
		return fmt.Errorf("%w; `ssopick console --print-url` prints a console link to open anywhere", err)
	}
	fmt.Fprintf(f.ErrOut, "Opened the AWS console as %s in %s (%s).\n", ch.Row.RoleName, accountName(ch), ch.Row.AccountID)
	return nil
}

// consoleLinkLife is how long the one-shot console link waits for the
// browser.
const consoleLinkLife = 2 * time.Minute

// copyText puts text on the clipboard: the system's, else through the
// terminal (OSC 52), which also works over SSH.
func copyText(f *factory, text, what string) error {
	if err := clipboard.WriteAll(text); err == nil {
		fmt.Fprintf(f.ErrOut, "Copied %s to the clipboard.\n", what)
		return nil
	}
	if !f.ErrIsTerminal {
		return fmt.Errorf("no clipboard is available here; use --print-url")
	}
	fmt.Fprint(f.ErrOut, osc52(text))
	fmt.Fprintf(f.ErrOut, "Sent %s to the terminal's clipboard.\n", what)
	return nil
}

// osc52 asks the terminal to set the clipboard.
func osc52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
}
