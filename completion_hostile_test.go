package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ssopick/ssopick/aws"
)

// Account names that try to run commands or take over the terminal when
// a shell completes them. The marker files must never appear.
type hostileAccount struct {
	aws.Row        // its first role's row, renamed
	prefix  string // typed before Tab; names only it, but for Semi
	typable bool   // offered by name (else only by id)
}

type hostileEnv struct {
	*binEnv
	accounts []hostileAccount
	markers  []string
}

// newHostileEnv signs in to a sandbox and renames accounts in the cached
// catalogue to hostile names. Completion reads only the cache, and -a
// finds rows there, so the renamed accounts are the sandbox's own.
func newHostileEnv(t *testing.T) *hostileEnv {
	t.Helper()
	e, _ := signedInEnv(t)
	e.run(t, ssopickBinary, "list") // fills the cache
	dir := t.TempDir()
	m := func(name string) string { return filepath.Join(dir, name) }
	he := &hostileEnv{binEnv: e, markers: []string{m("dollar"), m("backtick"), m("semi"), m("fish")}}
	names := []struct {
		name, prefix string
		typable      bool
	}{
		{"Team A Prod", "Team", true},
		{`Quote "dq" 'sq' \ back`, "Quote", true},
		{"Pay $(touch " + m("dollar") + ")", "Pay", true},
		{"Back `touch " + m("backtick") + "` x", "Back", true},
		{"Semi; touch " + m("semi") + " a", "Semi", true},
		{"Semi; touch " + m("semi") + " b", "", true}, // completed with the one above
		{"Fish (touch " + m("fish") + ") & |", "Fish", true},
		{"Colon: prod", "Colon", true},
		{"Tab\there", "", false},
		{"Esc\x1b]52;c;aGk=\x07\x1b[2J", "", false},
		{"Line\nbreak", "", false},
	}
	sess := aws.Session{Name: "acme", StartURL: e.srv.StartURL(), Region: e.srv.Region()}
	cache := aws.CatalogueCache{Dir: filepath.Join(e.home, ".cache", "ssopick")}
	cat, err := cache.Load(sess)
	if err != nil {
		t.Fatal(err)
	}
	rename := map[string]int{}                    // account id → index in names
	accounts := e.srv.Organisation().Accounts[1:] // all but the management account
	if len(accounts) < len(names) {
		t.Fatalf("the sandbox has %d accounts, the test needs %d", len(accounts), len(names))
	}
	for i, acct := range accounts[:len(names)] {
		rename[acct.ID] = i
	}
	he.accounts = make([]hostileAccount, len(names))
	for i := range cat.Rows {
		r := &cat.Rows[i]
		if n, ok := rename[r.AccountID]; ok {
			r.AccountName = names[n].name
			if he.accounts[n].AccountID == "" {
				he.accounts[n] = hostileAccount{Row: *r, prefix: names[n].prefix, typable: names[n].typable}
			}
		}
	}
	for n, a := range he.accounts {
		if a.AccountID == "" {
			t.Fatalf("no cached row of the account renamed %q", names[n].name)
		}
	}
	cat.FetchedAt = time.Now()
	if err := cache.Save(sess, cat); err != nil {
		t.Fatal(err)
	}
	e.env = append(e.env, "PATH="+filepath.Dir(ssopickBinary)+":"+os.Getenv("PATH"), "SHELL=/bin/sh")
	return he
}

// checkNothingRan fails when a marker file exists: a name was executed.
func (he *hostileEnv) checkNothingRan(t *testing.T, when string) {
	t.Helper()
	for _, m := range he.markers {
		if _, err := os.Stat(m); err == nil {
			t.Fatalf("%s: a name was run as a command (%s exists)", when, m)
		}
	}
}

// shell runs script in sh (bash, zsh, fish) with args, within a deadline.
func (he *hostileEnv) shell(t *testing.T, sh, script string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	flags := map[string][]string{"bash": {"--norc", "--noprofile", "-c"}, "zsh": {"-f", "-c"}, "fish": {"--no-config", "-c"}}[sh]
	if sh != "fish" {
		flags = append(flags, script, sh) // then $1…
	} else {
		flags = append(flags, script) // then $argv
	}
	cmd := exec.CommandContext(ctx, sh, append(flags, args...)...)
	cmd.Env = he.env
	out, err := cmd.Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("%s -c %q %q: %v\n%s%s", sh, script, args, err, out, stderr)
	}
	return string(out)
}

// checkOutputSafe fails when completion output carries a control
// character other than the line breaks and tabs that separate candidates.
func checkOutputSafe(t *testing.T, sh, out string) {
	t.Helper()
	for _, c := range []string{"\x1b", "\x07", "\r"} {
		if strings.Contains(out, c) {
			t.Fatalf("%s completion output holds %q:\n%q", sh, c, out)
		}
	}
}

var exportedAccountID = regexp.MustCompile(`SSOPICK_ACCOUNT_ID='?(\d{12})`)

// checkRoundTrip runs line, a command line as the shell would run it,
// and checks that it used account a.
func (he *hostileEnv) checkRoundTrip(t *testing.T, sh, line string, a hostileAccount) {
	t.Helper()
	out := he.shell(t, sh, line)
	if m := exportedAccountID.FindStringSubmatch(out); m == nil || m[1] != a.AccountID {
		t.Errorf("%s: %s chose %v, want %s (%q)", sh, line, m, a.AccountID, a.AccountName)
	}
	he.checkNothingRan(t, sh+" "+line)
}

// bashCompleteWithDescriptions is bashComplete on a wide terminal, where
// candidates carry descriptions, returning COMPREPLY as it is.
func (he *hostileEnv) bashCompletion(t *testing.T, words ...string) []string {
	t.Helper()
	if _, err := os.Stat(bashCompletionLib); err != nil {
		t.Skip("bash-completion is not installed (.ci/run installs it)")
	}
	script := `source ` + bashCompletionLib + `
source <(ssopick completion bash)
COLUMNS=200
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
__start_ssopick 2>/dev/null
printf '%s\n' "${COMPREPLY[@]}"`
	out := he.shell(t, "bash", script, words...)
	checkOutputSafe(t, "bash", out)
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

const bashCompletionLib = "/usr/share/bash-completion/bash_completion"

func TestHostileNamesCompleteSafelyInBash(t *testing.T) {
	t.Parallel()
	he := newHostileEnv(t)
	all := he.bashCompletion(t, "ssopick", "env", "-a", "")
	he.checkNothingRan(t, "bash -a <Tab>")
	for _, a := range he.accounts {
		if !a.typable {
			for _, c := range all {
				if strings.HasPrefix(c, strings.Fields(a.AccountName)[0][:3]) {
					t.Errorf("bash offered %q for the name %q", c, a.AccountName)
				}
			}
			// The id is offered, described by the name made visible.
			if got := he.bashCompletion(t, "ssopick", "env", "-a", a.AccountID[:11]); len(got) != 1 || got[0] != a.AccountID {
				t.Errorf("bash -a %s<Tab> offered %q", a.AccountID[:11], got)
			}
			he.checkRoundTrip(t, "bash", "ssopick env -a "+a.AccountID+" -r "+a.RoleName, a)
			continue
		}
		if a.prefix == "" {
			continue
		}
		// What bash inserts for a unique prefix, then Enter.
		prefix := a.prefix
		got := he.bashCompletion(t, "ssopick", "env", "-a", prefix)
		if a.prefix == "Semi" {
			// Two candidates: bash inserts their common prefix, which
			// must be quoted as well.
			if len(got) != 2 {
				t.Fatalf("bash -a Semi<Tab> offered %q", got)
			}
			common := commonPrefix(got[0], got[1])
			if words := he.shell(t, "bash", `eval "set -- $1"; printf '%s\n' "$#" "$1"`, common); words != "1\nSemi; touch "+filepath.Dir(he.markers[0])+"/semi \n" {
				t.Errorf("the common prefix %q of %q reads as %q", common, got, words)
			}
			he.checkNothingRan(t, "bash common prefix")
			continue
		}
		if len(got) != 1 {
			t.Fatalf("bash -a %s<Tab> offered %q", prefix, got)
		}
		he.checkRoundTrip(t, "bash", "ssopick env -a "+got[0]+" -r "+a.RoleName, a)
		// Roles complete for the account chosen.
		if roles := he.bashCompletion(t, "ssopick", "env", "-a", got[0], "-r", ""); !contains(roles, a.RoleName) {
			t.Errorf("bash -a %s -r <Tab> offered %q", got[0], roles)
		}
		he.checkNothingRan(t, "bash -r <Tab>")
	}
}

func commonPrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return a[:n]
}

// zshComplete types each line and a Tab into one interactive zsh with
// ssopick's completion, and returns the command lines it leaves. A key
// bound to a widget prints the line; the widget's source does not hold
// the marker it prints, so the terminal's echo of the source cannot be
// taken for it. The key is Ctrl-T: Ctrl-X would wait for a second key.
// Ctrl-U clears the line for the next.
func (he *hostileEnv) zshComplete(t *testing.T, lines ...string) []string {
	t.Helper()
	if _, err := exec.LookPath("zsh"); err != nil {
		t.Skip("zsh is not installed (.ci/run installs it)")
	}
	// zle flushes what is typed while a command runs: each line waits
	// for the prompt, which the echo of the command cannot be taken for.
	script := `zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'PS1="${(U):-ready}> "; autoload -U compinit; compinit -u -D; source <(ssopick completion zsh); dump() { print -r -- "${(U):-buffer}<${BUFFER}>END" }; zle -N dump; bindkey "^T" dump'
zpty -r z out '*READY> *'
for line in "$@"; do
  zpty -w -n z "$line"$'\t'$'\x14'$'\x15'
  zpty -r z out '*BUFFER<*>END*'
  out=${out##*BUFFER<}
  print -r -- "${out%%>END*}"
done
zpty -d z`
	out := he.shell(t, "zsh", script, lines...)
	checkOutputSafe(t, "zsh", out)
	got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(got) != len(lines) {
		t.Fatalf("zsh completed %d lines into %d: %q", len(lines), len(got), got)
	}
	return got
}

func TestHostileNamesCompleteSafelyInZsh(t *testing.T) {
	t.Parallel()
	he := newHostileEnv(t)
	// Tab after each account's prefix.
	var typed []string
	for _, a := range he.accounts {
		switch {
		case !a.typable:
			typed = append(typed, "ssopick env -a "+a.AccountID[:11], "ssopick env -a "+a.AccountName[:3])
		case a.prefix != "":
			typed = append(typed, "ssopick env -a "+a.prefix)
		}
	}
	completed := he.zshComplete(t, typed...)
	he.checkNothingRan(t, "zsh -a <Tab>")
	var chosen []hostileAccount
	var lines, withRole []string
	for _, a := range he.accounts {
		switch {
		case !a.typable:
			byID, byName := completed[0], completed[1]
			completed = completed[2:]
			if byID != "ssopick env -a "+a.AccountID+" " {
				t.Errorf("zsh -a %s<Tab> left %q", a.AccountID[:11], byID)
			}
			if byName != "ssopick env -a "+a.AccountName[:3] {
				t.Errorf("zsh completed the name %q: %q", a.AccountName, byName)
			}
		case a.prefix == "Semi":
			// Two candidates: zsh inserts their common prefix, quoted.
			if !strings.HasPrefix(completed[0], `ssopick env -a Semi\;\ touch\ `) {
				t.Errorf("zsh -a Semi<Tab> left %q", completed[0])
			}
			completed = completed[1:]
		case a.prefix != "":
			line := completed[0]
			completed = completed[1:]
			he.checkRoundTrip(t, "zsh", line+" -r "+a.RoleName, a)
			chosen, lines = append(chosen, a), append(lines, line)
			withRole = append(withRole, line+"-r "+a.RoleName[:len(a.RoleName)-1])
		}
	}
	// Roles complete for the account chosen, and completing them runs
	// nothing.
	for i, got := range he.zshComplete(t, withRole...) {
		if want := lines[i] + "-r " + chosen[i].RoleName + " "; got != want {
			t.Errorf("zsh %s<Tab> left %q, want %q", withRole[i], got, want)
		}
	}
	he.checkNothingRan(t, "zsh -r <Tab>")
}

// fishComplete returns fish's candidates for line: the values, and the
// whole output.
func (he *hostileEnv) fishComplete(t *testing.T, line string) []string {
	t.Helper()
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed (.ci/run installs it)")
	}
	out := he.shell(t, "fish", `ssopick completion fish | source; complete -C $argv[1]`, line)
	checkOutputSafe(t, "fish", strings.ReplaceAll(out, "\t", " "))
	var values []string
	for l := range strings.Lines(out) {
		value, _, _ := strings.Cut(strings.TrimSuffix(l, "\n"), "\t")
		values = append(values, value)
	}
	return values
}

func TestHostileNamesCompleteSafelyInFish(t *testing.T) {
	t.Parallel()
	he := newHostileEnv(t)
	all := he.fishComplete(t, "ssopick env -a ")
	he.checkNothingRan(t, "fish -a <Tab>")
	for _, a := range he.accounts {
		if !a.typable {
			if !contains(all, a.AccountID) {
				t.Errorf("fish does not offer the id of %q", a.AccountName)
			}
			for _, v := range all {
				if strings.HasPrefix(v, a.AccountName[:3]) {
					t.Errorf("fish offered %q for the name %q", v, a.AccountName)
				}
			}
			continue
		}
		if !contains(all, a.AccountName) {
			t.Errorf("fish does not offer %q: %q", a.AccountName, all)
			continue
		}
		// fish inserts the candidate quoted, as string escape does.
		quoted := strings.TrimSpace(he.shell(t, "fish", `string escape -- $argv[1]`, a.AccountName))
		line := "ssopick env -a " + quoted
		he.checkRoundTrip(t, "fish", line+" -r "+a.RoleName, a)
		// Completing -r evaluates the words before it: nothing may run.
		if roles := he.fishComplete(t, line+" -r "); !contains(roles, a.RoleName) {
			t.Errorf("fish %s -r <Tab> offered %q", line, roles)
		}
		he.checkNothingRan(t, "fish -r <Tab>")
	}
}
