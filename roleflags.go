package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/ui"
)

// roleFlags choose a role without the picker: -a ACCOUNT -r ROLE, or
// --profile NAME; --assume ARN chains a role from the one chosen.
type roleFlags struct {
	Account string
	Role    string
	Profile string
	Assume  string
	Region  string
	// needs names a command that cannot pick (exec, env,
	// credential-process): it needs both flags. Empty where leaving both
	// out opens the picker.
	needs string
}

// addRequiredRoleFlags adds -a and -r to a command that cannot pick, so
// needs both.
func addRequiredRoleFlags(cmd *cobra.Command, o *roleFlags, f *factory) {
	addRoleFlags(cmd, o, f)
	o.needs = cmd.Name()
}

// check says what is missing of -a and -r, in the terms of the command:
// one without the other, or (where the command cannot pick) either.
func (o roleFlags) check() error {
	switch {
	case o.Profile != "" && (o.Account != "" || o.Role != ""):
		return errors.New("--profile names the role already; give it or -a/-r, not both")
	case o.Profile != "":
		return nil
	case o.Account != "" && o.Role != "":
		return nil
	case o.needs == "":
		if !o.given() {
			return nil // the picker chooses
		}
		return errors.New("-a ACCOUNT and -r ROLE go together; give both, or neither to pick from the list")
	case o.Account != "":
		return fmt.Errorf("ssopick %s needs -r ROLE as well as -a; `%s` shows the roles you may use there", o.needs, listCommand(o.Account))
	case o.Role != "":
		return fmt.Errorf("ssopick %s needs -a ACCOUNT as well as -r; `%s` shows the accounts where you have it", o.needs, listCommand(o.Role))
	}
	return fmt.Errorf("ssopick %s needs -a ACCOUNT and -r ROLE; `ssopick list` shows the ones you may use", o.needs)
}

// listCommand is `ssopick list QUERY`, or plain `ssopick list` when the
// query would need quoting on a command line.
func listCommand(query string) string {
	if query == "" || strings.ContainsFunc(query, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_-.,/:@+", r)
	}) {
		return "ssopick list"
	}
	return "ssopick list " + query
}

func addRoleFlags(cmd *cobra.Command, o *roleFlags, f *factory) {
	cmd.Flags().StringVarP(&o.Account, "account", "a", "", "account id or name")
	cmd.Flags().StringVarP(&o.Role, "role", "r", "", "role (permission set) name")
	_ = cmd.RegisterFlagCompletionFunc("account", completeAccounts(f))
	_ = cmd.RegisterFlagCompletionFunc("role", completeRoles(f))
	cmd.Flags().StringVar(&o.Profile, "profile", "", "a profile of ~/.aws/config to act as: an SSO profile, or one whose source_profile chain starts at one")
	cmd.Flags().StringVar(&o.Assume, "assume", "", "a role ARN to assume from the role chosen (role chaining)")
	_ = cmd.RegisterFlagCompletionFunc("profile", completeProfiles(f))
	cmd.Flags().StringVar(&o.Region, "region", "", "AWS region for the credentials (default: $AWS_REGION, $AWS_DEFAULT_REGION, then the SSO region)")
}

func (o roleFlags) given() bool { return o.Account != "" || o.Role != "" || o.Profile != "" }

// openAndFind opens the selected sessions and finds the role -a and -r
// name; interactive allows a sign-in on the terminal.
func openAndFind(ctx context.Context, f *factory, o roleFlags, interactive bool) (*aws.Sessions, aws.Choice, error) {
	s, err := f.openSessions(ctx, interactive)
	if err != nil {
		return nil, aws.Choice{}, err
	}
	ch, err := findRole(ctx, s, o)
	return s, ch, err
}

// findRole finds the role -a and -r name across the sessions.
func findRole(ctx context.Context, s *aws.Sessions, o roleFlags) (aws.Choice, error) {
	if err := o.check(); err != nil {
		return aws.Choice{}, err
	}
	if o.Profile != "" {
		ch, err := s.FindProfile(o.Profile)
		if err != nil {
			return ch, err
		}
		return assume(ch, o.Assume)
	}
	if o.Account == "" || o.Role == "" {
		err := o.check()
		if err == nil {
			err = errors.New("give -a ACCOUNT and -r ROLE")
		}
		return aws.Choice{}, err
	}
	ch, err := s.Find(ctx, o.Account, o.Role)
	var missing *aws.RoleNotFoundError
	if errors.As(err, &missing) {
		return aws.Choice{}, noSuchRole(missing)
	}
	if err != nil {
		return ch, err
	}
	return assume(ch, o.Assume)
}

// assume chains the role arn (--assume) from the chosen one; without arn
// it is the choice itself.
func assume(ch aws.Choice, arn string) (aws.Choice, error) {
	if arn == "" {
		return ch, nil
	}
	row, err := aws.ChainedFrom(ch.Row, arn)
	ch.Row = row
	return ch, err
}

// noSuchRole names the rows closest to what was asked for, as -a and -r
// flags that can be pasted into a shell.
func noSuchRole(e *aws.RoleNotFoundError) error {
	texts := aws.SearchTexts(e.Rows)
	ranked := filterRows(e.Rows, texts, e.Account+" "+e.Role)
	if len(ranked) == 0 {
		ranked = filterRows(e.Rows, texts, e.Account)
	}
	var near []string
	for _, r := range ranked[:min(3, len(ranked))] {
		near = append(near, "-a "+shellWord(accountArg(r))+" -r "+shellWord(ui.Visible(r.RoleName)))
	}
	if len(near) > 0 {
		return fmt.Errorf("%w; closest: %s", e, strings.Join(near, ", "))
	}
	return fmt.Errorf("%w; see `ssopick list` for what you can use", e)
}

// accountArg is what -a names a row's account by in a suggestion: its
// name, or its id when the name cannot be typed or shown as it is (it
// holds a control character, say).
func accountArg(r aws.Row) string {
	if r.AccountName == "" || !typeable(r.AccountName) {
		return r.AccountID
	}
	return r.AccountName
}

// typeable reports whether s can be typed on a command line and shown on
// a terminal as it is: it is UTF-8 and Visible leaves it alone.
func typeable(s string) bool { return ui.Visible(s) == s }

// shellWord quotes s for POSIX shells and zsh (and fish, for words
// without a backslash) where it must be: in single quotes, a quote inside
// closing them, escaped, and opening them again. Plain words (letters,
// digits and _ - . , / : @ + =) stay bare.
func shellWord(s string) string {
	bare := s != ""
	for i, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.IsDigit(r), strings.ContainsRune("_-.,/:@+", r):
		case r == '=' && i > 0: // a leading = expands in zsh
		default:
			bare = false
		}
	}
	if bare {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
