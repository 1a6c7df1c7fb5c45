package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/atotto/clipboard"
	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/launch"
)

// roleFlags choose a role without the picker: -a ACCOUNT -r ROLE.
type roleFlags struct {
	Account string
	Role    string
	Region  string
}

func addRoleFlags(cmd *cobra.Command, o *roleFlags, f *factory) {
	cmd.Flags().StringVarP(&o.Account, "account", "a", "", "account id or exact account name")
	cmd.Flags().StringVarP(&o.Role, "role", "r", "", "role (permission set) name")
	_ = cmd.RegisterFlagCompletionFunc("account", completeAccounts(f))
	_ = cmd.RegisterFlagCompletionFunc("role", completeRoles(f))
	cmd.Flags().StringVar(&o.Region, "region", "", "AWS region for the credentials (default: $AWS_REGION, $AWS_DEFAULT_REGION, then the SSO region)")
}

func (o roleFlags) given() bool { return o.Account != "" || o.Role != "" }

// recheckAge: a role missing from a list older than this triggers one
// refresh before ssopick says it does not exist.
const recheckAge = time.Minute

// chosen is a role and the connection to its SSO session.
type chosen struct {
	row  aws.Row
	conn *aws.Conn
}

// resolveRole finds the row -a and -r name, from the cached catalogue,
// refreshing it once if the role is not there. interactive allows a
// sign-in on the terminal.
func resolveRole(ctx context.Context, f *factory, o roleFlags, interactive bool) (chosen, error) {
	if o.Account == "" || o.Role == "" {
		return chosen{}, errors.New("-a ACCOUNT and -r ROLE go together; give both, or neither to pick from the list")
	}
	conns, err := connectAll(ctx, f)
	if err != nil {
		return chosen{}, err
	}
	var all []aws.Row
lookup:
	for attempt := range 2 {
		all = all[:0]
		stale := false
		for _, conn := range conns {
			cat, err := conn.Cached()
			if err != nil || attempt == 1 && time.Since(cat.FetchedAt) > recheckAge {
				if cat, err = fetchCatalogue(ctx, f, conn, interactive); err != nil {
					return chosen{}, err
				}
			}
			stale = stale || time.Since(cat.FetchedAt) > recheckAge
			all = append(all, cat.Rows...)
		}
		var hits []chosen
		for _, r := range all {
			if (r.AccountID == o.Account || r.AccountName == o.Account) && r.RoleName == o.Role {
				hits = append(hits, chosen{row: r, conn: connFor(conns, r.Session)})
			}
		}
		switch {
		case len(hits) == 1:
			return hits[0], nil
		case len(hits) > 1:
			return chosen{}, fmt.Errorf("%s %s is in several SSO sessions (%s and %s); choose one with --sso-session", o.Account, o.Role, hits[0].row.Session, hits[1].row.Session)
		case !stale:
			break lookup // the lists are fresh: a refresh would not find it either
		}
	}
	return chosen{}, noSuchRole(all, o)
}

// noSuchRole names the closest rows to what was asked for.
func noSuchRole(rows []aws.Row, o roleFlags) error {
	ranked := filterRows(rows, o.Account+" "+o.Role)
	if len(ranked) == 0 {
		ranked = filterRows(rows, o.Account)
	}
	var near []string
	for _, r := range ranked[:min(3, len(ranked))] {
		near = append(near, fmt.Sprintf("-a %s -r %s", r.AccountName, r.RoleName))
	}
	msg := fmt.Sprintf("no role %q in an account %q", o.Role, o.Account)
	if len(near) > 0 {
		return fmt.Errorf("%s; closest: %s", msg, strings.Join(near, ", "))
	}
	return fmt.Errorf("%s; see `ssopick list` for what you can use", msg)
}

func connectAll(ctx context.Context, f *factory) ([]*aws.Conn, error) {
	sessions, err := f.sessions()
	if err != nil {
		return nil, err
	}
	var conns []*aws.Conn
	for _, s := range sessions {
		conn, err := aws.Connect(ctx, s, f.Paths)
		if err != nil {
			return nil, err
		}
		conns = append(conns, conn)
	}
	return conns, nil
}

func connFor(conns []*aws.Conn, label string) *aws.Conn {
	for _, c := range conns {
		if c.Session.Label() == label {
			return c
		}
	}
	return conns[0]
}

// fetchCatalogue lists a session afresh, signing in first on a terminal.
func fetchCatalogue(ctx context.Context, f *factory, conn *aws.Conn, interactive bool) (*aws.Catalogue, error) {
	var cat *aws.Catalogue
	err := withSignIn(ctx, f, conn, interactive, func() (err error) {
		cat, err = conn.Fetch(ctx, nil)
		return err
	})
	if err != nil && !errors.Is(err, aws.ErrSignInRequired) {
		return nil, fmt.Errorf("list the accounts of %s: %w", conn.Session.Label(), err)
	}
	return cat, err
}

// credentials fetches the chosen role's keys, signing in first on a
// terminal if needed.
func credentials(ctx context.Context, f *factory, c chosen, interactive bool) (creds aws.RoleCredentials, err error) {
	err = withSignIn(ctx, f, c.conn, interactive, func() (err error) {
		creds, err = c.conn.RoleCredentials(ctx, c.row.AccountID, c.row.RoleName)
		return err
	})
	return creds, err
}

// withSignIn runs call; when it needs a sign-in and interactive allows
// one, it signs in on the terminal and runs call again. A sign-in still
// needed ends with the advice to run `ssopick login`.
func withSignIn(ctx context.Context, f *factory, conn *aws.Conn, interactive bool, call func() error) error {
	err := call()
	if errors.Is(err, aws.ErrSignInRequired) && interactive {
		if err = signIn(ctx, f, conn, signInOptions{}); err == nil {
			err = call()
		}
	}
	if errors.Is(err, aws.ErrSignInRequired) {
		return fmt.Errorf("%w; run `ssopick login` first", err)
	}
	return err
}

// identity describes the chosen role for the environment.
func identity(f *factory, c chosen, region string) launch.Identity {
	return launch.Identity{
		AccountID:   c.row.AccountID,
		AccountName: c.row.AccountName,
		RoleName:    c.row.RoleName,
		Session:     c.row.Session,
		Region:      regionFor(f, c, region),
	}
}

// regionFor picks the region: the flag, the environment, the preference,
// the SSO region.
func regionFor(f *factory, c chosen, flag string) string {
	for _, r := range []string{flag, f.Getenv("AWS_REGION"), f.Getenv("AWS_DEFAULT_REGION"), string(f.Prefs.Region)} {
		if r != "" {
			return r
		}
	}
	return c.conn.Session.Region
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
func startShell(ctx context.Context, f *factory, c chosen, region string, o shellOptions) error {
	if err := checkNotNested(f, o); err != nil {
		return err
	}
	creds, err := credentials(ctx, f, c, true)
	if err != nil {
		return err
	}
	shell := launch.Shell(f.Getenv)
	fmt.Fprintf(f.ErrOut, "Starting %s as %s in %s (%s) until %s; `exit` to leave.\n",
		shell, c.row.RoleName, c.row.AccountName, c.row.AccountID, creds.Expiration.Local().Format(time.Kitchen))
	return runWith(f, []string{shell}, creds, identity(f, c, region))
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
	fl.BoolVar(&o.PrintURL, "print-url", false, "print the sign-in URL on stdout instead of opening a browser")
	fl.BoolVar(&o.CopyURL, "copy-url", false, "copy the sign-in URL to the clipboard instead of opening a browser")
	fl.DurationVar(&o.Duration, "duration", 0, "console session length, 15m to 12h (default: the service's)")
}

// consoleURL signs the role in to the console and returns the login URL.
func consoleURL(ctx context.Context, f *factory, c chosen, region string, o consoleOptions) (string, error) {
	if o.Duration != 0 && (o.Duration < aws.MinConsoleSession || o.Duration > aws.MaxConsoleSession) {
		return "", fmt.Errorf("--duration %v is outside 15m–12h", o.Duration)
	}
	region = regionFor(f, c, region)
	if o.Service == "" && o.Destination == "" {
		o.Service, o.Destination = f.Prefs.destinationFor(c.row)
	}
	dest, err := destination(region, o)
	if err != nil {
		return "", err
	}
	creds, err := credentials(ctx, f, c, true)
	if err != nil {
		return "", err
	}
	return aws.ConsoleURL(ctx, nil, aws.ConsoleRequest{
		Credentials:     creds,
		Region:          region,
		Endpoint:        aws.FederationEndpoint(region, f.Getenv("SSOPICK_FEDERATION_ENDPOINT")),
		Destination:     dest,
		Issuer:          "ssopick",
		SessionDuration: o.Duration,
	})
}

var servicePattern = regexp.MustCompile(`^[a-z0-9-]+$`)

// destination is where the console opens: a service, a URL on the
// partition's console, or the console home.
func destination(region string, o consoleOptions) (string, error) {
	switch {
	case o.Destination != "":
		u, err := url.Parse(o.Destination)
		host := aws.PartitionOf(region).ConsoleHost
		if err != nil || u.Scheme != "https" || (u.Host != host && !strings.HasSuffix(u.Host, "."+host)) {
			return "", fmt.Errorf("--destination must be an https URL on %s", host)
		}
		return o.Destination, nil
	case o.Service != "":
		if !servicePattern.MatchString(o.Service) {
			return "", fmt.Errorf("--service %q is not a console service name like s3 or ec2", o.Service)
		}
		home := aws.ConsoleHome(region)
		return strings.Replace(home, "/console/home", "/"+o.Service+"/home", 1), nil
	}
	return aws.ConsoleHome(region), nil
}

// openConsole opens the console as the chosen role.
func openConsole(ctx context.Context, f *factory, c chosen, region string, o consoleOptions) error {
	login, err := consoleURL(ctx, f, c, region, o)
	if err != nil {
		return err
	}
	switch {
	case o.PrintURL:
		fmt.Fprintln(f.Out, login)
		return nil
	case o.CopyURL:
		return copyText(f, login, "the console sign-in URL")
	}
	logout := ""
	if o.LogoutFirst {
		logout = logoutURL(regionFor(f, c, region), f.Getenv("SSOPICK_FEDERATION_ENDPOINT"))
	}
	once, err := launch.ServeOnce(login, logout)
	if err != nil {
		return err
	}
	open := once.URL
	if o.Container != "" || o.UseContainer {
		name := o.Container
		if name == "" {
			name = c.row.AccountName
		}
		open = launch.FirefoxContainer(name, open)
	}
	b := f.Browser
	if o.Browser != "" {
		b.Command = o.Browser
	}
	if err := b.Open(open); err != nil {
		return fmt.Errorf("%w; use --print-url to get the URL instead", err)
	}
	if err := once.Wait(ctx, 2*time.Minute); err != nil {
		return err
	}
	fmt.Fprintf(f.ErrOut, "Opened the AWS console as %s in %s (%s).\n", c.row.RoleName, c.row.AccountName, c.row.AccountID)
	return nil
}

// logoutURL is the console's sign-out, next to the federation endpoint.
func logoutURL(region, override string) string {
	endpoint := aws.FederationEndpoint(region, override)
	u, err := url.Parse(endpoint)
	if err != nil {
		return ""
	}
	u.Path, u.RawQuery = "/oauth", "Action=logout"
	return u.String()
}

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
	fmt.Fprint(os.Stderr, osc52(text))
	fmt.Fprintf(f.ErrOut, "Sent %s to the terminal's clipboard.\n", what)
	return nil
}

// osc52 asks the terminal to set the clipboard.
func osc52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
}
