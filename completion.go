package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/ui"
)

// Shell completion of flag values, from the cached catalogue and the AWS
// config only: a Tab must never wait on the network.
//
// Names come from IAM Identity Center and may hold anything: spaces,
// quotes, $(…), backticks, tabs, escape sequences. A candidate is offered
// only when it can be typed and shown as it is (typeable); an account whose
// name cannot completes as its id, described by its name made visible.
// Descriptions are always made visible. The shells quote what they insert;
// the scripts are hardened where cobra's do not (see hardenCompletion).

// cachedRows are the rows of every selected session's cached catalogue.
func cachedRows(f *factory) []aws.Row {
	sessions, err := f.sessions()
	if err != nil {
		return nil
	}
	var rows []aws.Row
	for _, s := range sessions {
		if cat, err := f.Paths.CatalogueCache().Load(s); err == nil {
			rows = append(rows, cat.Rows...)
		}
	}
	return rows
}

// completion is a candidate with its description, both shown on the
// terminal by the shell.
func completion(value, desc string) cobra.Completion {
	if desc == "" {
		return value
	}
	return cobra.CompletionWithDesc(value, ui.Visible(desc))
}

// completeAccounts offers account names and ids, each described by the
// other.
func completeAccounts(f *factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		var out []cobra.Completion
		seen := map[string]bool{}
		offer := func(value, desc string) {
			if !seen[value] && typeable(value) && strings.HasPrefix(value, toComplete) {
				seen[value] = true
				out = append(out, completion(value, desc))
			}
		}
		for _, r := range cachedRows(f) {
			if r.AccountName != "" {
				offer(r.AccountName, r.AccountID)
			}
			offer(r.AccountID, r.AccountName)
		}
		slices.Sort(out)
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeProfiles offers the profiles --profile can name.
func completeProfiles(f *factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cfg, err := aws.LoadConfig(f.Paths.AWSConfig)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, n := range cfg.ProfileNames() {
			if typeable(n) && strings.HasPrefix(n, toComplete) {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeRoles offers role names, of the -a account when one is given.
func completeRoles(f *factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		rows := cachedRows(f)
		if account, _ := cmd.Flags().GetString("account"); account != "" {
			rows, _ = aws.AccountRows(rows, account) // the same matching as -a itself
		}
		var out []cobra.Completion
		for _, r := range rows {
			if typeable(r.RoleName) && strings.HasPrefix(r.RoleName, toComplete) && !slices.Contains(out, r.RoleName) {
				out = append(out, r.RoleName)
			}
		}
		slices.Sort(out)
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeSessions offers the [sso-session] names of the AWS config.
func completeSessions(f *factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cfg, err := aws.LoadConfig(f.Paths.AWSConfig)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var out []cobra.Completion
		for _, s := range cfg.Sessions() {
			if s.Name != "" && typeable(s.Name) && strings.HasPrefix(s.Name, toComplete) {
				out = append(out, s.Name)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// hardenCompletion adds cobra's completion command to root, with the bash
// and fish scripts patched where cobra's would act on a name:
//
//   - bash inserts the common prefix of several candidates as it is, so
//     two accounts named "x; rm -rf ~ a" and "x; rm -rf ~ b" would put
//     "x; rm -rf ~ " on the command line unquoted. Candidates are quoted
//     (printf %q) before bash sees them, as cobra already does for one.
//   - fish runs the words before the cursor through eval unquoted, so
//     completing -r after -a 'x $(cmd)' would run cmd. They are quoted
//     (string escape) first.
//   - zsh's _describe takes a backslash as an escape, so a name with one
//     would complete as another. Backslashes are doubled, as colons are
//     already escaped. (zsh quotes what it inserts, and evaluates the
//     words as typed.)
func hardenCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		for _, sh := range c.Commands() {
			switch sh.Name() {
			case "bash":
				sh.RunE = hardened(root, func(b *bytes.Buffer, desc bool) error { return root.GenBashCompletionV2(b, desc) }, hardenBash)
			case "fish":
				sh.RunE = hardened(root, func(b *bytes.Buffer, desc bool) error { return root.GenFishCompletion(b, desc) }, hardenFish)
			case "zsh":
				sh.RunE = hardened(root, func(b *bytes.Buffer, desc bool) error {
					if desc {
						return root.GenZshCompletion(b)
					}
					return root.GenZshCompletionNoDesc(b)
				}, hardenZsh)
			}
		}
	}
}

// hardened is a completion command that writes cobra's script through fix.
func hardened(root *cobra.Command, gen func(*bytes.Buffer, bool) error, fix func(script, name string) (string, error)) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, _ []string) error {
		noDesc, _ := cmd.Flags().GetBool("no-descriptions")
		var b bytes.Buffer
		if err := gen(&b, !noDesc); err != nil {
			return err
		}
		script, err := fix(b.String(), root.Name())
		if err != nil {
			return err
		}
		_, err = fmt.Fprint(cmd.OutOrStdout(), script)
		return err
	}
}

// hardenBash replaces cobra's __NAME_handle_standard_completion_case with
// one that quotes every candidate, not only a single one. A list then
// shows the names quoted, as they would be inserted.
func hardenBash(script, name string) (string, error) {
	fn := "__" + name + "_handle_standard_completion_case"
	if !strings.Contains(script, fn+"() {") {
		return "", fmt.Errorf("the bash completion script has no %s to harden; cobra changed", fn)
	}
	return script + strings.ReplaceAll(`
# ssopick: every candidate is quoted before bash sees it, so the common
# prefix bash inserts for several is quoted too.
__NAME_handle_standard_completion_case() {
    local tab=$'\t' comp compline longest=0
    (( ${#completions[@]} == 0 )) && return 0
    while IFS='' read -r compline; do
        [[ -z $compline ]] && continue
        printf -v comp "%q" "${compline%%$tab*}"
        [[ $comp == "$cur"* ]] || continue
        if [[ $compline == *$tab* ]]; then
            COMPREPLY+=("$comp$tab${compline#*$tab}")
        else
            COMPREPLY+=("$comp")
        fi
        ((${#comp} > longest)) && longest=${#comp}
    done < <(printf "%s\n" "${completions[@]}")
    if ((${#COMPREPLY[*]} == 1)); then
        COMPREPLY[0]=${COMPREPLY[0]%%$tab*}
    else
        __NAME_format_comp_descriptions $longest
    fi
}
`, "NAME", name), nil
}

// hardenFish quotes the words before the cursor before cobra's script
// evaluates them.
func hardenFish(script, _ string) (string, error) {
	const unquoted = ` $args[2..-1] $lastArg"`
	if strings.Count(script, unquoted) != 1 {
		return "", fmt.Errorf("the fish completion script has no %s to harden; cobra changed", unquoted)
	}
	script = strings.Replace(script, unquoted, ` $quotedArgs $lastArg"`, 1)
	const tokens = "    set -l args (commandline -opc)\n"
	if strings.Count(script, tokens) != 1 {
		return "", fmt.Errorf("the fish completion script has no %q to harden; cobra changed", tokens)
	}
	return strings.Replace(script, tokens, tokens+"    # ssopick: the words are evaluated below; quote them first.\n"+
		"    set -l quotedArgs (string escape -- $args[2..-1])\n", 1), nil
}

// hardenZsh doubles the backslashes of candidates and descriptions before
// cobra's script hands them to _describe, which reads \\ as \.
func hardenZsh(script, _ string) (string, error) {
	const colons = `            comp=${comp//:/\\:}` + "\n"
	if strings.Count(script, colons) != 1 {
		return "", fmt.Errorf("the zsh completion script has no %q to harden; cobra changed", colons)
	}
	const backslashes = `            # ssopick: _describe reads \\ as \, as it reads \: as :.` + "\n" +
		`            comp=${comp//\\/\\\\}` + "\n"
	return strings.Replace(script, colons, backslashes+colons, 1), nil
}
