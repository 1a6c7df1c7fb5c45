package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
)

// roleFlags choose a role without the picker: -a ACCOUNT -r ROLE.
type roleFlags struct {
	Account string
	Role    string
	Region  string
}

func addRoleFlags(cmd *cobra.Command, o *roleFlags, f *factory) {
	cmd.Flags().StringVarP(&o.Account, "account", "a", "", "account id or name")
	cmd.Flags().StringVarP(&o.Role, "role", "r", "", "role (permission set) name")
	_ = cmd.RegisterFlagCompletionFunc("account", completeAccounts(f))
	_ = cmd.RegisterFlagCompletionFunc("role", completeRoles(f))
	cmd.Flags().StringVar(&o.Region, "region", "", "AWS region for the credentials (default: $AWS_REGION, $AWS_DEFAULT_REGION, then the SSO region)")
}

func (o roleFlags) given() bool { return o.Account != "" || o.Role != "" }

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
	if o.Account == "" || o.Role == "" {
		return aws.Choice{}, errors.New("-a ACCOUNT and -r ROLE go together; give both, or neither to pick from the list")
	}
	ch, err := s.Find(ctx, o.Account, o.Role)
	var missing *aws.RoleNotFoundError
	if errors.As(err, &missing) {
		return aws.Choice{}, noSuchRole(missing)
	}
	return ch, err
}

// noSuchRole names the rows closest to what was asked for.
func noSuchRole(e *aws.RoleNotFoundError) error {
	ranked := filterRows(e.Rows, e.Account+" "+e.Role)
	if len(ranked) == 0 {
		ranked = filterRows(e.Rows, e.Account)
	}
	var near []string
	for _, r := range ranked[:min(3, len(ranked))] {
		near = append(near, fmt.Sprintf("-a %s -r %s", r.AccountName, r.RoleName))
	}
	if len(near) > 0 {
		return fmt.Errorf("%w; closest: %s", e, strings.Join(near, ", "))
	}
	return fmt.Errorf("%w; see `ssopick list` for what you can use", e)
}
