package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// bashComplete asks bash's completion, as a Tab would, for the candidates
// after line.
func bashComplete(t *testing.T, e *binEnv, words ...string) []string {
	t.Helper()
	const lib = "/usr/share/bash-completion/bash_completion"
	if _, err := os.Stat(lib); err != nil {
		t.Skip("bash-completion is not installed (.ci/run installs it)")
	}
	script := `source ` + lib + `
source <(ssopick completion bash)
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
__start_ssopick 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"`
	cmd := exec.Command("bash", append([]string{"-c", script, "bash"}, words...)...)
	cmd.Env = append(append([]string(nil), e.env...), "PATH="+filepath.Dir(ssopickBinary)+":"+os.Getenv("PATH"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash completion: %v", err)
	}
	return strings.Fields(string(out))
}

func TestBashCompletesAccountsAndRolesFromTheCache(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	e.run(t, ssopickBinary, "list") // fills the cache
	accounts := bashComplete(t, e, "ssopick", "exec", "-a", "")
	if !contains(accounts, acct.Name) || !contains(accounts, acct.ID) || len(accounts) != 2*len(e.srv.Organisation().Accounts) {
		t.Errorf("exec -a <Tab> offered %v", accounts)
	}
	if got := bashComplete(t, e, "ssopick", "exec", "-a", "acme-au"); len(got) != 1 || got[0] != acct.Name {
		t.Errorf("exec -a acme-au<Tab> offered %v", got)
	}
	roles := bashComplete(t, e, "ssopick", "console", "-a", acct.Name, "-r", "")
	if !contains(roles, "ViewOnlyAccess") || contains(roles, "Billing") {
		t.Errorf("-r <Tab> for %s offered %v", acct.Name, roles)
	}
	if got := bashComplete(t, e, "ssopick", "list", "--sso-session", ""); len(got) != 1 || got[0] != "acme" {
		t.Errorf("--sso-session <Tab> offered %v", got)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
