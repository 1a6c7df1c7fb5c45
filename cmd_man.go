package main

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ssopick/ssopick/ui"
)

func newManCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "man",
		Short: "Print the manual page (roff) for ssopick and its commands",
		Long: `Print the manual page, in roff: every command with its flags and examples,
the picker's keys, the files ssopick reads and writes, the environment
variables it reads and sets, and the preferences file.`,
		Example: `  ssopick man | man -l -        # read it now (man-db, as on Linux)
  mkdir -p ~/.local/share/man/man1 && ssopick man > ~/.local/share/man/man1/ssopick.1`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := io.WriteString(cmd.OutOrStdout(), manPage(cmd.Root()))
			return err
		},
	}
}

// manFile is a FILES entry: one field of aws.Paths.
type manFile struct {
	Field string // the aws.Paths field
	Path  string // where it is, with the variable that moves it
	Text  string
}

var manFiles = []manFile{
	{"AWSConfig", "~/.aws/config, or $AWS_CONFIG_FILE",
		"The AWS config file. ssopick reads its [sso-session NAME] sections and the legacy profiles that carry sso_start_url themselves. It writes to it only on request: the first run's form adds an [sso-session], and profiles --write owns one marked block of profiles; both keep the previous file as config.bak."},
	{"AWSCredentials", "~/.aws/credentials, or $AWS_SHARED_CREDENTIALS_FILE",
		"Handed to the AWS SDK's configuration loading; ssopick never writes it."},
	{"SSOCache", "~/.aws/sso/cache/",
		"Sign-in tokens and client registrations, in the AWS CLI's format and file names, so that ssopick, the AWS CLI and the SDKs share one sign-in. Written atomically, mode 0600; fields other tools add are kept."},
	{"Cache", "$XDG_CACHE_HOME/ssopick/ (default ~/.cache/ssopick/)",
		"ssopick's cache: each session's list of accounts and roles (catalogue-*.tsv), and lock files that keep ssopick processes from refreshing one token at the same time."},
	{"State", "$XDG_STATE_HOME/ssopick/state.json (default ~/.local/state/ssopick/state.json)",
		"The picker's recently used and starred rows."},
	{"Preferences", "$XDG_CONFIG_HOME/ssopick/config.toml (default ~/.config/ssopick/config.toml)",
		"Preferences; see PREFERENCES."},
}

// manVar is an ENVIRONMENT entry: one or more variables.
type manVar struct {
	Names []string
	Text  string
}

// manVarsRead are the variables ssopick reads; manVarsSet those it sets
// (or removes) in the shells and commands it gives a role, and prints
// with env.
var manVarsRead = []manVar{
	{[]string{"SSOPICK_SSO_SESSION"}, "The [sso-session NAME] to use, as --sso-session (which wins). Ignored in a shell that holds a role from ssopick (SSOPICK_ACCOUNT_ID is set), where ssopick set it to that role's session."},
	{[]string{"AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"}, "The AWS config and credentials files; see FILES."},
	{[]string{"HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"}, "Where ssopick's own files are; see FILES."},
	{[]string{"AWS_PROFILE"}, "The profile whose settings the AWS SDK loads for ssopick's own requests. A profile the SDK cannot load (it is missing, or its sso_session or source_profile is) is ignored: ssopick needs nothing from it."},
	{[]string{"AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"}, "Endpoints of the sign-in (SSO OIDC), the portal and STS instead of AWS's, as the AWS SDKs and CLI read them (ssopick sandbox prints the settings for its emulator). AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores them."},
	{[]string{"AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT"}, "true: FIPS or dual-stack endpoints for every request (sign-in, the browser sign-in's /authorize link, the portal, STS), as in the AWS SDKs; the profile keys use_fips_endpoint and use_dualstack_endpoint do the same. An AWS_ENDPOINT_URL_* wins over them."},
	{[]string{"SSOPICK_FEDERATION_ENDPOINT"}, "The console federation endpoint that makes console links, instead of the one of the region's partition."},
	{[]string{"AWS_CA_BUNDLE"}, "A PEM file of certificate authorities that replaces the system's, as in the AWS SDKs and CLI (for a TLS-inspecting proxy)."},
	{[]string{"HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"}, "The proxy for requests to AWS, and the hosts that bypass it; the lower-case names are read too."},
	{[]string{"AWS_REGION", "AWS_DEFAULT_REGION"}, "The region of a role's credentials and console when --region is not given; before the region preference and the SSO region."},
	{[]string{"BROWSER"}, "The command that opens sign-in URLs and console links (the URL is its last argument), before the browser preference and the system's opener."},
	{[]string{"DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_TTY"}, "Whether a browser can be opened here: without a display (Linux) or over SSH (macOS, Windows), and with no BROWSER, the sign-in shows its URL and a code instead."},
	{[]string{"SHELL"}, "The shell ssopick shell starts (default /bin/sh), and the export format the picker's exports action prints."},
	{[]string{"SSOPICK_ACCOUNT_ID", "SSOPICK_ACCOUNT_NAME", "SSOPICK_ROLE_NAME", "AWS_CREDENTIAL_EXPIRATION", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN", "SSOPICK_SHELL"}, "Set by ssopick (below) and read by ssopick status, and by ssopick shell, which refuses to start inside a shell that already holds a role unless given --force."},
	{[]string{"SSOPICK_CREDENTIAL_STORE", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"}, "Where role credentials are kept between runs: keychain (the OS keychain; on Linux the Secret Service on the D-Bus session bus), agent (an ssopick agent process holding them in memory, its socket in XDG_RUNTIME_DIR) or none. By default the keychain when it answers, else the agent."},
	{[]string{"SSOPICK_DEBUG", "SSOPICK_DEBUG_FILE"}, "With SSOPICK_DEBUG set, a line for each request to AWS (method, host, path, status, time; never a secret) on stderr, held while the picker is open, or appended to the file SSOPICK_DEBUG_FILE names."},
	{[]string{"NO_COLOR"}, "Set, the picker draws without colours."},
	{[]string{"GOGC", "GOMEMLIMIT"}, "The Go runtime's garbage collector settings. Unset, ssopick starts with the collector off (bounded at 128 MiB) and turns it on a second in: most commands end before a collection would pay for itself."},
	{[]string{"GOCACHE", "GOENV"}, "ssopick profiles --style process refuses to write the path of a binary that go run built in the Go build cache (GOCACHE, or one set with go env -w in the file GOENV names) or a go-build temporary directory."},
	{[]string{"SSOPICK_DEBUG_PANIC_KEY", "SSOPICK_FIRST_FRAME_PROBE"}, "For ssopick's own tests and benchmarks: a key that makes the picker panic, and FILE:NANOS, which appends the time to the picker's first full frame to FILE."},
}

var manVarsSet = []manVar{
	{[]string{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN"}, "In shells and commands (the default): where every AWS SDK and the AWS CLI ask ssopick for the role's current keys (a loopback URL), and the random token that lets them; ssopick renews the keys for as long as the SSO sign-in lasts."},
	{[]string{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"}, "Removed, so that no other container credentials shadow the role's."},
	{[]string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"}, "The role's temporary keys themselves and when they expire (ISO 8601): printed by env, and set in shells and commands with --static (or static_credentials = true); otherwise removed."},
	{[]string{"AWS_REGION", "AWS_DEFAULT_REGION"}, "The region chosen for the role, when there is one."},
	{[]string{"SSOPICK_ACCOUNT_ID", "SSOPICK_ACCOUNT_NAME", "SSOPICK_ROLE_NAME", "SSOPICK_SSO_SESSION"}, "The role: for your prompt, and for ssopick status."},
	{[]string{"SSOPICK_SHELL"}, "1 in the shells ssopick shell starts, and only there: exit leaves such a shell, while in a login shell given a role by eval \"$(ssopick env ...)\" it would close the terminal."},
	{[]string{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_FILE", "AWS_SDK_LOAD_CONFIG"}, "Removed (env prints unset statements), so that no profile or older token shadows the role's credentials."},
}

// manPreference is a PREFERENCES entry: a key of config.toml.
type manPreference struct {
	Key  string // as in the file: "theme", "keys.star", "console.account"
	Text string
}

var manPreferences = []manPreference{
	{"default_action", "What Enter does in plain ssopick: choose (the actions screen; the default), console or shell."},
	{"browser", "The command that opens console links and sign-in URLs (the URL is appended), instead of $BROWSER and the system's opener."},
	{"region", "The region for credentials, the console and the profiles ssopick profiles writes, after --region, $AWS_REGION, $AWS_DEFAULT_REGION and [[account_region]]; the SSO region if unset."},
	{"catalogue_max_age", "How old the cached list of accounts and roles may be before it is refreshed, as 30m or 2h: the default of --max-age (1h)."},
	{"theme", "auto (follow the terminal's background; the default), dark or light."},
	{"static_credentials", "true gives shells and commands the role's keys themselves (AWS_ACCESS_KEY_ID & co., lasting an hour), as --static, instead of a credential server that renews them; false by default."},
	{"auto_login", "true lets ssopick credential-process start a sign-in (a browser tab, or the device code flow) when the sign-in has expired, instead of failing; false by default."},
	{"keys.star", "The picker's key that stars and unstars a row (default ctrl+f), in [keys]."},
	{"keys.refresh", "The picker's key that refreshes the list (default ctrl+r), in [keys]."},
	{"console.account", "In each [[console]] table, a glob matched against the account name or id; the first table that matches chooses the console page of that account."},
	{"console.service", "The console service to open, as --service (s3, ec2, cloudwatch, …)."},
	{"console.destination", "Or a console URL to open, as --destination."},
	{"account_region.account", "In each [[account_region]] table, a glob matched against the account name or id; the first table that matches chooses the region of that account's roles, after --region, $AWS_REGION and $AWS_DEFAULT_REGION and before region, for shells, exports, the console and ssopick profiles."},
	{"account_region.region", "The region for the accounts it matches, like eu-central-1."},
}

const manPreferencesExample = `default_action = "choose"
browser = "firefox -P work"
region = "eu-west-1"
catalogue_max_age = "1h"
theme = "auto"

[keys]
star = "ctrl+f"
refresh = "ctrl+r"

[[console]]
account = "acme-*-prod"
service = "cloudwatch"

[[account_region]]
account = "acme-*-eu"
region = "eu-central-1"`

// manPage is the whole manual page in roff (man macros): the root's
// description and options, every command, and the sections above.
func manPage(root *cobra.Command) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w(".TH SSOPICK 1 %s %s %s\n", roffQuote(manDate()), roffQuote("ssopick "+version), roffQuote("ssopick manual"))
	w(".SH NAME\nssopick \\- %s\n", roffEscape(lowerFirst(root.Short)))
	w(".SH SYNOPSIS\n.B ssopick\n[\\fIQUERY\\fR ...] [\\fIflags\\fR]\n.br\n.B ssopick\n\\fICOMMAND\\fR [\\fIarguments\\fR] [\\fIflags\\fR]\n")
	w(".SH DESCRIPTION\n%s", roffText(root.Long))
	w(".SH OPTIONS\n%s", roffFlags(root.LocalNonPersistentFlags()))
	w(".SH COMMANDS\n")
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" {
			continue
		}
		w(".SS %s\n", roffQuote(c.UseLine()))
		text := c.Long
		if text == "" {
			text = c.Short + "."
		}
		b.WriteString(roffText(text))
		for _, sub := range c.Commands() {
			if !sub.Hidden && sub.Name() != "help" {
				w(".TP\n.B %s\n%s\n", roffEscape(sub.UseLine()), roffEscape(sub.Short))
			}
		}
		if c.HasAvailableLocalFlags() {
			w(".PP\nOptions:\n%s", roffFlags(c.LocalFlags()))
		}
		if c.Example != "" {
			w(".PP\nExamples:\n%s", roffBlock(c.Example))
		}
	}
	list, actions, signIn := ui.KeyHelp()
	w(".SH KEYS\n%s", roffText(`The picker's query line always has the focus: typing filters the list, fzf
style (each word must match part of the account name, id, role, email or
session; a capital letter makes its word case-sensitive), and the best
matches come first.`))
	for _, group := range []struct {
		title string
		keys  [][2]string
	}{{"In the list", list}, {"On the actions screen (Enter in plain ssopick)", actions}, {"On the sign-in screen", signIn}} {
		w(".SS %s\n", roffQuote(group.title))
		for _, k := range group.keys {
			w(".TP\n.B %s\n%s\n", roffEscape(k[0]), roffEscape(k[1]))
		}
	}
	w(".PP\nThe star and refresh keys can be changed in the preferences ([keys]).\n")
	w(".SH FILES\n")
	for _, f := range manFiles {
		w(".TP\n.I %s\n%s\n", roffEscape(f.Path), roffEscape(f.Text))
	}
	w(".SH ENVIRONMENT\n.SS Read\n%s.SS \"Set in the shells and commands given a role, and printed by env\"\n%s",
		roffVars(manVarsRead), roffVars(manVarsSet))
	w(".SH PREFERENCES\n%s", roffText(`The file $XDG_CONFIG_HOME/ssopick/config.toml (default
~/.config/ssopick/config.toml) is TOML. Every key is optional, and flags
override them. An unknown key is a warning naming its line; a bad value is
an error naming the key and its line.`))
	for _, p := range manPreferences {
		w(".TP\n.B %s\n%s\n", roffEscape(p.Key), roffEscape(p.Text))
	}
	w(".PP\nFor example:\n%s", roffBlock(manPreferencesExample))
	w(".SH EXAMPLES\n%s", roffBlock(root.Example))
	w(".SH SEE ALSO\n.BR aws (1)\n")
	return b.String()
}

// manDate is the build date of a release, else nothing.
func manDate() string {
	if date == "unknown" {
		return ""
	}
	d, _, _ := strings.Cut(date, "T")
	return d
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// roffEscape makes text safe to place on a roff line: a backslash; the
// characters groff would turn into typographic ones (- ' ` ~ ^), so that
// commands and flags read from the page can be pasted; characters beyond
// ASCII, as \[uXXXX], which groff and mandoc read without a
// preprocessor; and a leading ., which would be a request.
func roffEscape(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`, "'", `\(aq`, "`", `\(ga`, "~", `\(ti`, "^", `\(ha`).Replace(s)
	if strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII }) {
		var b strings.Builder
		for _, r := range s {
			if r > unicode.MaxASCII {
				fmt.Fprintf(&b, `\[u%04X]`, r)
			} else {
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	if strings.HasPrefix(s, ".") {
		s = `\&` + s
	}
	return s
}

// roffQuote is a macro argument in double quotes.
func roffQuote(s string) string {
	return `"` + strings.ReplaceAll(roffEscape(s), `"`, `\(dq`) + `"`
}

// roffText renders help text: paragraphs at blank lines, filled, and runs
// of indented lines (examples, settings) kept as they are.
func roffText(text string) string {
	var b strings.Builder
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.TrimSpace(line) == "":
			b.WriteString(".PP\n")
		case line[0] == ' ' || line[0] == '\t':
			j := i
			for j < len(lines) && (strings.HasPrefix(lines[j], " ") || strings.HasPrefix(lines[j], "\t")) {
				j++
			}
			b.WriteString(roffBlock(strings.Join(lines[i:j], "\n")))
			i = j - 1
		default:
			b.WriteString(roffEscape(line) + "\n")
		}
	}
	return b.String()
}

// roffBlock is text shown as it is, indented, in a fixed layout.
func roffBlock(text string) string {
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	// Drop the indent the lines share: the block is indented by .RS.
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	var b strings.Builder
	b.WriteString(".PP\n.RS 4\n.nf\n")
	for _, l := range lines {
		if len(l) >= indent && indent > 0 {
			l = l[indent:]
		}
		b.WriteString(roffEscape(l) + "\n")
	}
	b.WriteString(".fi\n.RE\n")
	return b.String()
}

// roffFlags lists flags as tagged paragraphs, as cobra's help shows them.
func roffFlags(fs *pflag.FlagSet) string {
	var b strings.Builder
	fs.VisitAll(func(fl *pflag.Flag) {
		if fl.Hidden {
			return
		}
		varname, usage := pflag.UnquoteUsage(fl)
		tag := `\fB\-\-` + roffEscape(fl.Name) + `\fR`
		if fl.Shorthand != "" {
			tag = `\fB\-` + roffEscape(fl.Shorthand) + `\fR, ` + tag
		}
		if varname != "" {
			tag += ` \fI` + roffEscape(varname) + `\fR`
		}
		switch fl.DefValue {
		case "", "false", "0", "0s", "[]":
		default:
			usage += " (default " + fl.DefValue + ")"
		}
		fmt.Fprintf(&b, ".TP\n%s\n%s\n", tag, roffEscape(usage))
	})
	return b.String()
}

// roffVars lists variables as tagged paragraphs.
func roffVars(vars []manVar) string {
	var b strings.Builder
	for _, v := range vars {
		tags := make([]string, len(v.Names))
		for i, n := range v.Names {
			tags[i] = `\fB` + roffEscape(n) + `\fR`
		}
		fmt.Fprintf(&b, ".TP\n%s\n%s\n", strings.Join(tags, ", "), roffEscape(v.Text))
	}
	return b.String()
}
