package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/atotto/clipboard"
	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/launch"
	"github.com/ssopick/ssopick/ui"
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

// regionFor picks the region: the flag, the environment, a chained
// profile's region, the account's [[account_region]] preference, the
// region preference, the SSO region.
func regionFor(f *factory, ch aws.Choice, flag string) string {
	var profile string // a chained profile's own region = line
	if ch.Row.Chain != nil {
		profile = ch.Row.Chain.Region
	}
	for _, r := range []string{flag, f.Getenv("AWS_REGION"), f.Getenv("AWS_DEFAULT_REGION"), profile, f.Prefs.accountRegion(ch.Row), string(f.Prefs.Region)} {
		if r != "" {
			return r
		}
	}
	return ch.Conn.Session.Region
}

func toLaunch(c aws.RoleCredentials) launch.Credentials {
	return launch.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken, Expiration: c.Expiration}
}

// staticHelp describes --static, on exec and shell.
const staticHelp = "give the keys themselves (AWS_ACCESS_KEY_ID & co., lasting an hour) instead of a credential server that renews them"

// shellOptions are the shell action's flags.
type shellOptions struct {
	Force bool
	// Static hands the shell the keys themselves instead of a renewing
	// credential server.
	Static bool
}

// startShell runs $SHELL with the role and returns its exit status as
// the process's.
func startShell(ctx context.Context, f *factory, s *aws.Sessions, ch aws.Choice, region string, o shellOptions) error {
	if err := checkNotNested(f, o); err != nil {
		return err
	}
	shell := launch.Shell(f.Getenv)
	return runAs(ctx, f, s, ch, []string{shell}, region, o.Static || bool(f.Prefs.StaticCredentials), func(creds aws.RoleCredentials, renewing bool) {
		lasts := "until " + creds.Expiration.Local().Format(time.Kitchen)
		if renewing {
			lasts = "with keys renewed while the sign-in to " + ui.Visible(ch.Conn.Session.Label()) + " lasts"
		}
		fmt.Fprintf(f.ErrOut, "Starting %s as %s in %s (%s) %s; `exit` to leave.\n",
			ui.Visible(shell), ui.Visible(ch.Row.RoleName), ui.Visible(accountName(ch)), ui.Visible(ch.Row.AccountID), lasts)
	}, launch.ShellMarker+"=1")
}

// checkNotNested refuses a shell inside a shell that already holds a role
// from ssopick, unless forced: the prompt would show one role while the
// keys are another's. Only a shell `ssopick shell` started (it carries
// launch.ShellMarker) is left with `exit`: in a login shell given a role
// by eval "$(ssopick env …)", exit would close the terminal.
func checkNotNested(f *factory, o shellOptions) error {
	cur := f.Getenv("SSOPICK_ACCOUNT_ID")
	if cur == "" || o.Force {
		return nil
	}
	held := fmt.Sprintf("this shell already holds %s in %s (%s)",
		ui.Visible(f.Getenv("SSOPICK_ROLE_NAME")), ui.Visible(f.Getenv("SSOPICK_ACCOUNT_NAME")), ui.Visible(cur))
	if f.Getenv(launch.ShellMarker) == "1" {
		return fmt.Errorf("%s from `ssopick shell`; `exit` it first, or pass --force to nest", held)
	}
	return fmt.Errorf("%s from ssopick env or exec; open a new terminal for another role's shell, or pass --force to start it here", held)
}

// runAs runs argv with the chosen role and passes its exit status on.
// By default the keys come from a credential server (AWS_CONTAINER_
// CREDENTIALS_FULL_URI) that renews them for as long as the SSO sign-in
// lasts, so a shell opened in the morning works all day; with static, the
// current keys themselves (AWS_ACCESS_KEY_ID & co.), for tools that read
// nothing else. started is told the first keys before argv starts; extra
// (NAME=value) are set besides. One line on the terminal warns ten
// minutes before the sign-in ends.
func runAs(ctx context.Context, f *factory, s *aws.Sessions, ch aws.Choice, argv []string, region string, static bool,
	started func(creds aws.RoleCredentials, renewing bool), extra ...string) error {
	creds, err := s.Credentials(ctx, ch)
	if err != nil {
		return err
	}
	id := identity(f, ch, region)
	vars := launch.Variables(toLaunch(creds), id)
	if !static {
		server, err := launch.ServeCredentials(func(ctx context.Context) (launch.Credentials, error) {
			creds, err := s.Credentials(ctx, ch)
			return toLaunch(creds), err
		})
		if err != nil {
			return err
		}
		defer server.Close()
		vars = launch.ServedVariables(server, id)
	}
	for _, kv := range extra {
		name, value, _ := strings.Cut(kv, "=")
		vars = append(vars, [2]string{name, value})
	}
	if started != nil {
		started(creds, !static)
	}
	stop := warnBeforeSignInEnds(ctx, f.ErrOut, ch.Conn)
	code, err := launch.Run(argv, launch.Environ(f.Environ(), vars))
	stop()
	if err != nil {
		return &exitError{code: code, err: err}
	}
	if code != 0 {
		return &exitError{code: code, quiet: true}
	}
	return nil
}

// signInWarning is how long before the end of an SSO sign-in that cannot
// be renewed ssopick says so.
const signInWarning = 10 * time.Minute

// warnBeforeSignInEnds watches conn's sign-in while a shell or command
// runs: once it has signInWarning left and cannot be refreshed, one line
// tells the person when it ends and how to extend it. A `ssopick login`
// from any terminal extends it (the token cache is shared), and the
// warning may come again before the new end.
func warnBeforeSignInEnds(ctx context.Context, w io.Writer, conn *aws.Conn) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		warned := false
		for {
			// Token refreshes a token near its end when it can.
			if tok, err := conn.Auth.Token(ctx); err == nil {
				left := time.Until(tok.ExpiresAt)
				switch {
				case left <= signInWarning && !warned:
					fmt.Fprintf(w, "\r\nssopick: the sign-in to %s ends at %s; run `ssopick login` (in any terminal) to extend it.\r\n",
						ui.Visible(conn.Session.Label()), tok.ExpiresAt.Local().Format(time.Kitchen))
					warned = true
				case left > signInWarning:
					warned = false
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Minute):
			}
		}
	}()
	return cancel
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
	fl.BoolVar(&o.LogoutFirst, "logout-first", false, "go through the console's sign-out on the way to the sign-in, to switch accounts (also with --print-url and --copy-url)")
	fl.BoolVar(&o.PrintURL, "print-url", false, "print the console link on stdout instead of opening a browser")
	fl.BoolVar(&o.CopyURL, "copy-url", false, "copy the console link to the clipboard instead of opening a browser")
	fl.DurationVar(&o.Duration, "duration", 0, "console session length, 15m to 12h (default: the service's)")
}

// federationEndpoint is the console federation endpoint for region.
func federationEndpoint(f *factory, region string) string {
	return aws.FederationEndpoint(region, f.Getenv("SSOPICK_FEDERATION_ENDPOINT"))
}

// pastedConsole is where the console opens when the query that chose the
// role holds a pasted ARN or console URL (aws.PastedDestination): at the
// resource's page and, unless --region names one, in its region. Given
// --service or --destination, those win and the paste changes nothing;
// else the paste wins over a [[console]] preference, as consoleURL only
// consults that when o names no service or destination.
func pastedConsole(query, region string, o consoleOptions) (string, consoleOptions) {
	if o.Service != "" || o.Destination != "" {
		return region, o
	}
	r, service, dest, ok := aws.PastedDestination(query)
	if !ok {
		return region, o
	}
	if region == "" {
		region = r
	}
	if dest != "" {
		service = ""
	}
	o.Service, o.Destination = service, dest
	return region, o
}

// consoleURL signs the role in to the console and returns the URL for a
// browser: the login URL, or with --logout-first the console's sign-out
// that goes on to it.
func consoleURL(ctx context.Context, f *factory, s *aws.Sessions, ch aws.Choice, region string, o consoleOptions) (string, error) {
	if o.Duration != 0 && (o.Duration < aws.MinConsoleSession || o.Duration > aws.MaxConsoleSession) {
		return "", fmt.Errorf("--duration %v is outside 15m–12h", o.Duration)
	}
	if o.Duration != 0 && ch.Row.Chain != nil {
		// The federation endpoint refuses SessionDuration for role-chained
		// keys.
		return "", fmt.Errorf("--duration does not apply to a chained role (%s): its console session lasts as long as its keys", ch.Row.Chain.Describe())
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
	client, err := ch.Conn.HTTP(ctx)
	if err != nil {
		return "", err
	}
	endpoint := federationEndpoint(f, region)
	login, err := aws.ConsoleURL(ctx, client, aws.ConsoleRequest{
		Credentials:     creds,
		Region:          region,
		Endpoint:        endpoint,
		Destination:     dest,
		Issuer:          "ssopick",
		SessionDuration: o.Duration,
	})
	if err != nil || !o.LogoutFirst {
		return login, err
	}
	return logoutFirstURL(endpoint, login)
}

// logoutFirstURL sends the browser through the console's sign-out on the
// sign-in host and on to login. It is a top-level navigation, so the
// sign-out request carries the console's session cookie (a sign-out loaded
// in a frame of another site gets no cookies under the browsers' default
// SameSite and third-party cookie rules) and the sign-in that follows
// starts a fresh session.
func logoutFirstURL(endpoint, login string) (string, error) {
	u := aws.LogoutURL(endpoint, login)
	if u == "" {
		return "", fmt.Errorf("the console federation endpoint %q is not a URL; check SSOPICK_FEDERATION_ENDPOINT", endpoint)
	}
	return u, nil
}

// openConsole opens the console as the chosen role: through a one-shot
// loopback link that redirects to the sign-in (or with --logout-first to the
// sign-out that goes on to it), or prints or copies that URL.
func openConsole(ctx context.Context, f *factory, s *aws.Sessions, ch aws.Choice, region string, o consoleOptions) error {
	target, err := consoleURL(ctx, f, s, ch, region, o)
	if err != nil {
		return err
	}
	switch {
	case o.PrintURL:
		fmt.Fprintln(f.Out, target)
		return nil
	case o.CopyURL:
		return copyText(f, target, "the console link")
	}
	once, err := launch.ServeOnce(target)
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
		fmt.Fprintf(f.ErrOut, "Could not open a browser (%v). Open this one-time link to the console in a browser on this machine within 2 minutes:\n%s\n", err, once.URL)
	} else {
		fmt.Fprintf(f.ErrOut, "Opening the AWS console as %s in %s… If no browser opens, open this one-time link to the console on this machine within 2 minutes:\n%s\n", ui.Visible(ch.Row.RoleName), ui.Visible(accountName(ch)), once.URL)
	}
	if err := once.Wait(ctx, consoleLinkLife); err != nil {
		return fmt.Errorf("%w; `ssopick console --print-url` prints a console link to open anywhere", err)
	}
	fmt.Fprintf(f.ErrOut, "Opened the AWS console as %s in %s (%s).\n", ui.Visible(ch.Row.RoleName), ui.Visible(accountName(ch)), ui.Visible(ch.Row.AccountID))
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
		return fmt.Errorf("no clipboard is available here to copy %s to; use --print-url to print it", what)
	}
	fmt.Fprint(f.ErrOut, osc52(text))
	fmt.Fprintf(f.ErrOut, "Sent %s to the terminal's clipboard.\n", what)
	return nil
}

// osc52 asks the terminal to set the clipboard.
func osc52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
}
