package launch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
)

// hostile are values with every character a quoting bug would trip on, as
// account names (the only free text in an export) might hold them.
var hostile = []string{
	"plain",
	"",
	"acme 'prod'",
	`say "hi"`,
	`back\slash`,
	`two\\back`,
	`ends with \`,
	`\'`,
	"new\nline",
	"carriage\rreturn",
	"crlf\r\n",
	"tab\there",
	" lead and trail ",
	"# not a comment",
	"a #b",
	"$HOME $(id) `id` ${NOPE:-x}",
	"!x *?[a] ~ ; & | < > ^ %PATH% %%",
	"= starts with an equals",
	"unicode é ’‘‚‛ “”",
}

// dotenvPythons are the Pythons with python-dotenv: Debian's
// (python3-dotenv) and the first on PATH, when they differ.
func dotenvPythons(t *testing.T) []string {
	t.Helper()
	var out []string
	seen := map[string]bool{}
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		path, err := exec.LookPath(py)
		if err != nil || seen[path] {
			continue
		}
		seen[path] = true
		if exec.Command(path, "-c", "import dotenv").Run() == nil {
			out = append(out, path)
		}
	}
	if len(out) == 0 {
		t.Skip("no python3 with python-dotenv (Debian package python3-dotenv)")
	}
	return out
}

// readDotenv reads each file with python-dotenv's dotenv_values, with
// interpolation when the file's interpolate is true.
func readDotenv(t *testing.T, python string, files []string, interpolate []bool) []map[string]string {
	t.Helper()
	script := `import json, sys
from dotenv import dotenv_values
args = sys.argv[1:]
json.dump([dotenv_values(f, interpolate=i == "1") for f, i in zip(args[::2], args[1::2])], sys.stdout)`
	args := []string{"-c", script}
	for i, f := range files {
		flag := "0"
		if interpolate[i] {
			flag = "1"
		}
		args = append(args, f, flag)
	}
	cmd := exec.Command(python, args...)
	cmd.Env = append(os.Environ(), "NOPE=expanded")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", python, err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("%s warned: %s", python, stderr.String())
	}
	var got []map[string]string
	if err := json.Unmarshal(out, &got); err != nil || len(got) != len(files) {
		t.Fatalf("%s printed %s: %v", python, out, err)
	}
	return got
}

func writeExports(t *testing.T, format string, c Credentials, id Identity) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := Exports(&b, format, c, id); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	file := filepath.Join(t.TempDir(), "exports."+format)
	if err := os.WriteFile(file, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return file, b.Bytes()
}

// TestDotenvReadsBackInPythonDotenv: python-dotenv reads every value back
// exactly: hostile account names, and credentials full of quotes.
func TestDotenvReadsBackInPythonDotenv(t *testing.T) {
	t.Parallel()
	type written struct {
		file string
		raw  []byte
		vars [][2]string
	}
	var cases []written
	var files []string
	var interpolate []bool
	for _, name := range append(hostile, nasty.SecretAccessKey, nasty.SessionToken) {
		id := nastyID
		id.AccountName = name
		c := nasty
		c.AccessKeyID = name // credentials pass through the same quoting
		file, raw := writeExports(t, "dotenv", c, id)
		cases = append(cases, written{file, raw, Variables(c, id)})
		files = append(files, file)
		// ${NAME} is python-dotenv's interpolation, which quoting does
		// not turn off; without it every value is exact.
		interpolate = append(interpolate, !strings.Contains(name, "${"))
	}
	for _, python := range dotenvPythons(t) {
		for i, got := range readDotenv(t, python, files, interpolate) {
			if len(got) != len(cases[i].vars) {
				t.Errorf("%s: read %d variables, want %d:\n%s", python, len(got), len(cases[i].vars), cases[i].raw)
			}
			for _, kv := range cases[i].vars {
				if got[kv[0]] != kv[1] {
					t.Errorf("%s: %s = %q, want %q\nfile:\n%s", python, kv[0], got[kv[0]], kv[1], cases[i].raw)
				}
			}
		}
	}
}

// dockerEnvFile parses an --env-file as docker documents it: a line is
// VAR=VAL, and VAL is the rest of the line, taken literally (no quotes, no
// escapes, no expansion); leading white space is dropped; lines starting
// with # and blank lines are ignored; a line with no = takes VAR from the
// environment (none here).
func dockerEnvFile(t *testing.T, raw []byte) map[string]string {
	t.Helper()
	vars := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for sc.Scan() {
		line := strings.TrimLeftFunc(sc.Text(), unicode.IsSpace)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || strings.ContainsFunc(name, unicode.IsSpace) {
			t.Fatalf("docker would refuse the line %q", line)
		}
		vars[name] = value
	}
	return vars
}

// TestDotenvValuesDockerReads: docker run --env-file reads every value that
// needs no quoting (keys, tokens, times, regions, plain names) exactly, and
// only values that must be quoted are.
func TestDotenvValuesDockerReads(t *testing.T) {
	t.Parallel()
	c := Credentials{
		AccessKeyID:     "ASIAIOSFODNN7EXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		SessionToken:    "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+abc=",
		Expiration:      time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC),
	}
	id := Identity{AccountID: "123456789012", AccountName: "acme-prod.eu_1", RoleName: "AWSAdministratorAccess+ops@x,y=z", Session: "https://acme.awsapps.com/start", Region: "eu-west-1"}
	_, raw := writeExports(t, "dotenv", c, id)
	got := dockerEnvFile(t, raw)
	for _, kv := range Variables(c, id) {
		if got[kv[0]] != kv[1] {
			t.Errorf("docker reads %s = %q, want %q", kv[0], got[kv[0]], kv[1])
		}
	}
	for _, v := range hostile {
		q := dotenvQuote(v)
		safe := !strings.ContainsFunc(v, func(r rune) bool { return !dotenvSafe(r) })
		// Only a final backslash leaves an unsafe value unquoted (see
		// dotenvQuote).
		if safe && q != v || !safe && q == v && !strings.HasSuffix(v, `\`) {
			t.Errorf("%q written as %q (safe %v)", v, q, safe)
		}
	}
}

// psVerbatim reads a PowerShell single-quoted (verbatim) string as the
// language specification defines it: it starts and ends with any
// single-quote character (' U+2018 U+2019 U+201A U+201B), and inside it
// two of them in a row stand for the second.
func psVerbatim(t *testing.T, q string) string {
	t.Helper()
	isQuote := func(r rune) bool { return strings.ContainsRune("'\u2018\u2019\u201a\u201b", r) }
	r := []rune(q)
	if len(r) < 2 || !isQuote(r[0]) || !isQuote(r[len(r)-1]) {
		t.Fatalf("%q is not single-quoted", q)
	}
	var b strings.Builder
	for i := 1; i < len(r)-1; i++ {
		if isQuote(r[i]) {
			if i+1 >= len(r)-1 || !isQuote(r[i+1]) {
				t.Fatalf("%q: a lone quote at %d ends the string early", q, i)
			}
			i++
		}
		b.WriteRune(r[i])
	}
	return b.String()
}

// TestPowerShellQuotingDoublesTypographicQuotes: ’ ‘ ‚ ‛ end a PowerShell
// single-quoted string as ' does (pwsh is not installed here: the quoting
// is checked against the language's rule).
func TestPowerShellQuotingDoublesTypographicQuotes(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"it's":                     "'it''s'",
		"it’s":                     "'it’’s'",
		"‘quoted’":                 "'‘‘quoted’’'",
		"low‚ reversed‛":           "'low‚‚ reversed‛‛'",
		"“double” stays":           "'“double” stays'",
		"$(Remove-Item x) `n $env": "'$(Remove-Item x) `n $env'",
	} {
		if got := psQuote(in); got != want {
			t.Errorf("psQuote(%q) = %q, want %q", in, got, want)
		}
	}
	for _, v := range hostile {
		if got := psVerbatim(t, psQuote(v)); got != v {
			t.Errorf("%q reads back as %q", v, got)
		}
	}
	_, raw := writeExports(t, "powershell", nasty, Identity{AccountName: "acme’s ‘prod’", Region: "eu-west-1"})
	if !strings.Contains(string(raw), "$Env:SSOPICK_ACCOUNT_NAME = 'acme’’s ‘‘prod’’'\n") {
		t.Errorf("powershell exports:\n%s", raw)
	}
}

// cmdBatchSet reads a line of a batch file the way cmd.exe does for
// `set "NAME=value"` and `set NAME=`: %% becomes %; each " switches quoted
// text on or off, and outside it ^ escapes the next character; then set
// takes what lies between the first and the last quote.
func cmdBatchSet(t *testing.T, line string) (name, value string) {
	t.Helper()
	line = strings.ReplaceAll(line, "%%", "\x00")
	if strings.Contains(line, "%") {
		t.Fatalf("%q: a lone %% would expand a variable", line)
	}
	line = strings.ReplaceAll(line, "\x00", "%")
	var b strings.Builder
	quoted := false
	r := []rune(line)
	for i := 0; i < len(r); i++ {
		switch {
		case r[i] == '"':
			quoted = !quoted
			b.WriteRune(r[i])
		case !quoted && r[i] == '^':
			i++
			if i < len(r) {
				b.WriteRune(r[i])
			}
		case !quoted && strings.ContainsRune("&|<>", r[i]):
			t.Fatalf("%q: an unescaped %c outside quotes is a command separator or redirection", line, r[i])
		default:
			b.WriteRune(r[i])
		}
	}
	cmd, ok := strings.CutPrefix(b.String(), "set ")
	if !ok {
		t.Fatalf("%q is not a set command", line)
	}
	if strings.HasPrefix(cmd, `"`) {
		cmd = cmd[1:strings.LastIndex(cmd, `"`)]
	}
	name, value, _ = strings.Cut(cmd, "=")
	return name, value
}

// TestCmdExports: --format cmd writes set lines cmd.exe reads back exactly,
// unsets with set NAME=, and refuses a line break it cannot write.
func TestCmdExports(t *testing.T) {
	t.Parallel()
	for _, v := range hostile {
		id := nastyID
		id.AccountName = v
		var b bytes.Buffer
		err := Exports(&b, "cmd", Credentials{AccessKeyID: "ASIA", SecretAccessKey: "s/k+", SessionToken: "t=", Expiration: nasty.Expiration}, id)
		if strings.ContainsAny(v, "\r\n") {
			if err == nil || !strings.Contains(err.Error(), "SSOPICK_ACCOUNT_NAME holds a line break") {
				t.Errorf("%q: %v, want a refusal", v, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", v, err)
		}
		got := map[string]string{}
		var unset []string
		lines := strings.Split(b.String(), "\r\n")
		if lines[len(lines)-1] != "" {
			t.Errorf("%q: output does not end with CRLF: %q", v, b.String())
		}
		for _, line := range lines[:len(lines)-1] {
			if strings.Contains(line, "\n") {
				t.Fatalf("%q: a bare LF in %q", v, line)
			}
			name, value := cmdBatchSet(t, line)
			if value == "" && !strings.HasPrefix(line, `set "`) {
				unset = append(unset, name)
				continue
			}
			got[name] = value
		}
		for _, kv := range Variables(Credentials{AccessKeyID: "ASIA", SecretAccessKey: "s/k+", SessionToken: "t=", Expiration: nasty.Expiration}, id) {
			if got[kv[0]] != kv[1] {
				t.Errorf("%q: cmd reads %s = %q, want %q\n%s", v, kv[0], got[kv[0]], kv[1], b.String())
			}
		}
		if strings.Join(unset, " ") != strings.Join(Unset(id), " ") {
			t.Errorf("unset %v, want %v", unset, Unset(id))
		}
	}
	if q, _ := cmdQuote("K", `a"b & c"d & e`); q != `"K=a"b ^& c"d & e"` {
		t.Errorf("cmdQuote = %s", q)
	}
	if !ValidFormat("cmd") {
		t.Error("cmd is not a valid --format")
	}
}
