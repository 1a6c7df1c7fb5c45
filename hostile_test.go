package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/ui"
)

// hostileListRows are rows whose names hold what must not reach a
// terminal or break a column, from two sessions.
func hostileListRows() []aws.Row {
	return []aws.Row{
		{AccountID: "111111111111", AccountName: "acme-audit", Email: "a@acme.example", RoleName: "ViewOnlyAccess", Session: "acme"},
		{AccountID: "222222222222", AccountName: "clip\x1b]52;c;aGk=\x07", Email: "b\x1b[2J@evil.example", RoleName: "ViewOnlyAccess", Session: "acme"},
		{AccountID: "333333333333", AccountName: "tab\there\nline", Email: "c@evil.example", RoleName: "Admin\tAccess", Session: "acme"},
		{AccountID: "444444444444", AccountName: "c1\u009b31m\x7f\xff", Email: "d@evil.example", RoleName: "ViewOnlyAccess", Session: "globex"},
		{AccountID: "111111111111", AccountName: "acme-audit", Email: "a@acme.example", RoleName: "ViewOnlyAccess", Session: "globex"},
	}
}

// checkNoControls fails when out holds a control character other than
// the tabs and line breaks that separate fields, or text that is not
// UTF-8.
func checkNoControls(t *testing.T, what, out string) {
	t.Helper()
	for i, r := range out {
		if r != '\t' && r != '\n' && (unicode.IsControl(r) || r == unicode.ReplacementChar) {
			t.Errorf("%s holds %q at byte %d:\n%q", what, r, i, out)
			return
		}
	}
}

func TestListPrintsHostileNamesVisibly(t *testing.T) {
	t.Parallel()
	rows := hostileListRows()
	print := func(rows []aws.Row, format rowFormat) string {
		var b bytes.Buffer
		if err := printRows(&b, rows, format); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}

	// Piped: one line per row, and the session as a fourth column
	// because the rows come from two.
	tsv := print(rows, rowsTSV)
	checkNoControls(t, "piped list", tsv)
	lines := strings.Split(strings.TrimSuffix(tsv, "\n"), "\n")
	if len(lines) != len(rows) {
		t.Fatalf("%d rows printed as %d lines:\n%s", len(rows), len(lines), tsv)
	}
	want := []string{
		"111111111111\tacme-audit\tViewOnlyAccess\tacme",
		`222222222222	clip\x1b]52;c;aGk=\x07	ViewOnlyAccess	acme`,
		`333333333333	tab\there\nline	Admin\tAccess	acme`,
		`444444444444	c1\x9b31m\x7f\xff	ViewOnlyAccess	globex`,
		"111111111111\tacme-audit\tViewOnlyAccess\tglobex",
	}
	for i, l := range lines {
		if l != want[i] {
			t.Errorf("line %d: %q, want %q", i+1, l, want[i])
		}
	}
	if lines[0] == lines[4] {
		t.Error("rows of two sessions read the same")
	}
	// Rows of one session keep three columns.
	for _, l := range strings.Split(strings.TrimSuffix(print(rows[:3], rowsTSV), "\n"), "\n") {
		if n := strings.Count(l, "\t"); n != 2 {
			t.Errorf("one session: %q has %d tabs, want 2", l, n)
		}
	}

	// The table: a header and one aligned line per row.
	table := print(rows, rowsTable)
	checkNoControls(t, "list table", table)
	tlines := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	if len(tlines) != len(rows)+1 {
		t.Fatalf("table of %d rows has %d lines:\n%s", len(rows), len(tlines), table)
	}
	column := strings.Index(tlines[0], "ID")
	for i, l := range tlines[1:] {
		if got := strings.Index(l, rows[i].AccountID); got != column {
			t.Errorf("table line %q: id at %d, want %d", l, got, column)
		}
		if strings.Contains(l, "\t") {
			t.Errorf("table line %q holds a tab", l)
		}
	}
	if !strings.Contains(table, `clip\x1b]52;c;aGk=\x07`) || !strings.Contains(table, `b\x1b[2J@evil.example`) {
		t.Errorf("table lacks the names made visible:\n%s", table)
	}

	// --json stays exact.
	var got []struct{ AccountName, EmailAddress, RoleName string }
	if err := json.Unmarshal([]byte(print(rows, rowsJSON)), &got); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		// json.Unmarshal turns invalid UTF-8 into U+FFFD; the rest is exact.
		name := strings.ToValidUTF8(r.AccountName, "\uFFFD")
		if got[i].AccountName != name || got[i].EmailAddress != r.Email || got[i].RoleName != r.RoleName {
			t.Errorf("json row %d: %+v, want %q %q %q", i, got[i], name, r.Email, r.RoleName)
		}
	}
}

// The list command itself, piped, over a catalogue with hostile names.
func TestListCommandWithHostileNames(t *testing.T) {
	t.Parallel()
	he := newHostileEnv(t)
	out := he.run(t, ssopickBinary, "list")
	checkNoControls(t, "ssopick list | cat", out)
	for _, a := range he.accounts {
		want := a.AccountID + "\t" + ui.Visible(a.AccountName) + "\t"
		if !strings.Contains(out, "\n"+want) && !strings.HasPrefix(out, want) {
			t.Errorf("ssopick list lacks %q", want)
		}
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if n := strings.Count(l, "\t"); n != 2 {
			t.Errorf("line %q has %d tabs, want 2 (one session)", l, n)
		}
	}
	var rows []struct{ AccountName string }
	if err := json.Unmarshal([]byte(he.run(t, ssopickBinary, "list", "--json")), &rows); err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, r := range rows {
		names[r.AccountName] = true
	}
	for _, a := range he.accounts {
		if !names[a.AccountName] {
			t.Errorf("list --json lacks %q exactly", a.AccountName)
		}
	}
	he.checkNothingRan(t, "list")
}

// runStatus runs `ssopick status args…` in-process over env.
func runStatus(t *testing.T, env map[string]string, args ...string) (stdout string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	f := &factory{IO: IO{Out: &out, ErrOut: &errOut}, Getenv: func(k string) string { return env[k] }}
	root := newRootCmd(f)
	root.SetArgs(append([]string{"status"}, args...))
	err := root.ExecuteContext(context.Background())
	if err != nil {
		code = exitCode(err)
	}
	return out.String(), code
}

func statusEnv(role, account, id string, left time.Duration) map[string]string {
	return map[string]string{
		"SSOPICK_ROLE_NAME":         role,
		"SSOPICK_ACCOUNT_NAME":      account,
		"SSOPICK_ACCOUNT_ID":        id,
		"AWS_CREDENTIAL_EXPIRATION": time.Now().Add(left).UTC().Format(time.RFC3339),
	}
}

func TestStatusShowsHostileNamesVisibly(t *testing.T) {
	t.Parallel()
	env := statusEnv("Admin\x1b[5m", "evil\x1b]52;c;aGk=\x07\n", "12345678901\x1b", 42*time.Minute+10*time.Second)
	out, code := runStatus(t, env)
	if want := `Admin\x1b[5m @ evil\x1b]52;c;aGk=\x07\n (12345678901\x1b), 42m left` + "\n"; out != want || code != 0 {
		t.Errorf("status: %q exit %d, want %q", out, code, want)
	}
	out, _ = runStatus(t, env, "--short")
	if want := `Admin\x1b[5m@evil\x1b]52;c;aGk=\x07\n 42m` + "\n"; out != want {
		t.Errorf("status --short: %q, want %q", out, want)
	}
}

// Whenever status says "expired" it fails, even with a few seconds left
// that round to none.
func TestStatusExpiredAlwaysFails(t *testing.T) {
	t.Parallel()
	for _, left := range []time.Duration{-time.Hour, -time.Second, 0, 20 * time.Second} {
		for _, args := range [][]string{nil, {"--short"}} {
			out, code := runStatus(t, statusEnv("ViewOnlyAccess", "acme-audit", "123456789012", left), args...)
			if !strings.Contains(out, "expired") || code != 1 {
				t.Errorf("status %v with %v left: %q exit %d, want expired and exit 1", args, left, out, code)
			}
			if strings.Contains(out, "expired left") {
				t.Errorf("status %v: %q", args, out)
			}
		}
	}
	if out, code := runStatus(t, statusEnv("ViewOnlyAccess", "acme-audit", "123456789012", 2*time.Minute)); code != 0 || strings.Contains(out, "expired") {
		t.Errorf("2 minutes left: %q exit %d", out, code)
	}
}

// The examples in status's help are its real output.
func TestStatusExamplesMatchItsOutput(t *testing.T) {
	t.Parallel()
	f := &factory{IO: IO{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, Getenv: func(string) string { return "" }}
	cmd, _, err := newRootCmd(f).Find([]string{"status"})
	if err != nil {
		t.Fatal(err)
	}
	example := regexp.MustCompile(`^\s*ssopick status((?: --\S+)*)\s+# (.*?)( \(exit status (\d)\))?$`)
	n := 0
	for _, line := range strings.Split(cmd.Example, "\n") {
		m := example.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("example %q is not `ssopick status [flags]  # output`", line)
		}
		n++
		left, wantCode := 42*time.Minute+10*time.Second, 0
		if strings.Contains(m[2], "expired") {
			left, wantCode = -time.Minute, 1
		}
		if m[4] != "" && m[4] != "1" || (m[4] == "1") != (wantCode == 1) {
			t.Errorf("example %q: exit status %q", line, m[4])
		}
		out, code := runStatus(t, statusEnv("ViewOnlyAccess", "acme-audit", "123456789012", left), strings.Fields(m[1])...)
		if out != m[2]+"\n" || code != wantCode {
			t.Errorf("example %q: status prints %q and exits %d", line, out, code)
		}
	}
	if n == 0 {
		t.Error("status has no examples")
	}
}

func TestClosestSuggestionsPasteIntoAShell(t *testing.T) {
	t.Parallel()
	rows := []aws.Row{
		{AccountID: "111111111111", AccountName: "Team A Prod", RoleName: "ViewOnlyAccess", Session: "acme"},
		{AccountID: "222222222222", AccountName: "it's $(prod)", RoleName: "ViewOnlyAccess", Session: "acme"},
		{AccountID: "333333333333", AccountName: "Team\x1b[2J", RoleName: "ViewOnlyAccess", Session: "acme"},
		{AccountID: "444444444444", AccountName: "acme-audit", RoleName: "ViewOnlyAccess", Session: "acme"},
	}
	for _, tc := range []struct{ account, want string }{
		{"Team A Prd", "closest: -a 'Team A Prod' -r ViewOnlyAccess"},
		{"its prod", `closest: -a 'it'\''s $(prod)' -r ViewOnlyAccess`},
		{"Team\x1b[2", "-a 333333333333 -r ViewOnlyAccess"},
		{"acme-audti", "closest: -a acme-audit -r ViewOnlyAccess"},
	} {
		err := noSuchRole(&aws.RoleNotFoundError{Account: tc.account, Role: "ViewOnlyAccess", Rows: rows})
		msg := err.Error()
		if !strings.Contains(msg, tc.want) {
			t.Errorf("-a %q: %s\nwant %s", tc.account, msg, tc.want)
		}
		if strings.Contains(msg, "\x1b[2J") {
			t.Errorf("-a %q: a raw escape in %q", tc.account, msg)
		}
		var missing *aws.RoleNotFoundError
		if !errors.As(err, &missing) {
			t.Errorf("%v does not wrap the RoleNotFoundError", err)
		}
	}
	// Pasted, every suggestion gives the name back.
	for _, r := range rows[:2] {
		word := shellWord(r.AccountName)
		out, err := exec.Command("sh", "-c", "printf '%s' "+word).Output()
		if err != nil || string(out) != r.AccountName {
			t.Errorf("sh read %s as %q (%v)", word, out, err)
		}
	}
}

func TestShellWordQuotesOnlyWhenNeeded(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"acme-audit":       "acme-audit",
		"123456789012":     "123456789012",
		"team.prod@x:1,+a": "team.prod@x:1,+a",
		"a=b":              "a=b",
		"=b":               "'=b'",
		"équipe":           "équipe",
		"":                 "''",
		"Team A Prod":      "'Team A Prod'",
		"it's":             `'it'\''s'`,
		"$(x)`y`":          "'$(x)`y`'",
		"~home":            "'~home'",
		"a*b":              "'a*b'",
		"x;y|z&":           "'x;y|z&'",
	} {
		if got := shellWord(in); got != want {
			t.Errorf("shellWord(%q) = %s, want %s", in, got, want)
		}
	}
}
