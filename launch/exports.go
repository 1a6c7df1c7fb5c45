package launch

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Formats are the export formats Exports writes: sh (bash, zsh, dash, …),
// fish, powershell, cmd (Windows' cmd.exe), dotenv and json.
var Formats = []string{"sh", "fish", "powershell", "cmd", "dotenv", "json"}

// Exports writes statements that give a shell the role, for
// eval "$(ssopick env …)" and friends.
func Exports(w io.Writer, format string, c Credentials, id Identity) error {
	vars, unset := Variables(c, id), Unset(id)
	var b strings.Builder
	switch format {
	case "sh":
		for _, name := range unset {
			fmt.Fprintf(&b, "unset %s\n", name)
		}
		for _, kv := range vars {
			fmt.Fprintf(&b, "export %s=%s\n", kv[0], shQuote(kv[1]))
		}
	case "fish":
		for _, name := range unset {
			fmt.Fprintf(&b, "set -e %s\n", name)
		}
		for _, kv := range vars {
			fmt.Fprintf(&b, "set -gx %s %s\n", kv[0], fishQuote(kv[1]))
		}
	case "powershell":
		for _, name := range unset {
			fmt.Fprintf(&b, "Remove-Item Env:%s -ErrorAction SilentlyContinue\n", name)
		}
		for _, kv := range vars {
			fmt.Fprintf(&b, "$Env:%s = %s\n", kv[0], psQuote(kv[1]))
		}
	case "cmd":
		// For a batch file: ssopick env --format cmd > role.cmd, then
		// call role.cmd. CRLF, as Windows' own batch files.
		for _, name := range unset {
			fmt.Fprintf(&b, "set %s=\r\n", name)
		}
		for _, kv := range vars {
			q, err := cmdQuote(kv[0], kv[1])
			if err != nil {
				return err
			}
			b.WriteString("set " + q + "\r\n")
		}
	case "dotenv":
		for _, kv := range vars {
			fmt.Fprintf(&b, "%s=%s\n", kv[0], dotenvQuote(kv[1]))
		}
	case "json":
		obj := map[string]string{}
		for _, kv := range vars {
			obj[kv[0]] = kv[1]
		}
		raw, err := json.MarshalIndent(obj, "", "  ")
		if err != nil {
			return err
		}
		b.Write(raw)
		b.WriteByte('\n')
	default:
		return fmt.Errorf("unknown export format %q; use one of %s", format, strings.Join(Formats, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ValidFormat reports whether f is one of Formats.
func ValidFormat(f string) bool { return slices.Contains(Formats, f) }

// shQuote quotes for POSIX shells: single quotes, with embedded ones
// closed, escaped and reopened.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// dotenvSafe are the characters a dotenv value may hold unquoted: every
// dotenv reader, and docker's --env-file (which takes the rest of the line
// after = literally and knows no quotes), reads them as they are. Access
// keys, base64 session tokens, times and regions are made of them.
func dotenvSafe(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.,:/@+=%", r)
}

// dotenvQuote writes a value for a .env file: as it is when it is made only
// of dotenvSafe characters, else in single quotes with \ and ' escaped by
// a backslash, which python-dotenv reads back exactly, line breaks
// included, and which expands nothing but ${NAME} (python-dotenv's
// interpolation, off with interpolate=False). Two cases python-dotenv's
// reader cannot take in single quotes: a carriage return (Python opens the
// file with universal newlines, so it would read a line feed) is written
// in double quotes as \r; and a final backslash (its reader takes \' for
// an escaped quote whatever precedes it) is written unquoted, which it
// reads as it is, as long as the value has no line break, no white space
// at either end, no " #" and no quote in front.
func dotenvQuote(s string) string {
	switch {
	case !strings.ContainsFunc(s, func(r rune) bool { return !dotenvSafe(r) }):
		return s
	case strings.HasSuffix(s, `\`) && !strings.ContainsAny(s, "\r\n") && strings.TrimSpace(s) == s &&
		!strings.ContainsAny(s[:1], `'"`) && !strings.ContainsFunc(s, func(r rune) bool { return unicode.IsSpace(r) && strings.Contains(s, string(r)+"#") }):
		return s
	case strings.Contains(s, "\r"):
		return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\r", `\r`, "\n", `\n`).Replace(s) + `"`
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// cmdQuote writes name=value for cmd.exe's set "NAME=value" in a batch
// file. set takes everything between the first and the last quote, so a
// quote inside the value needs no escape; but each quote switches cmd's
// parser in or out of quoted text, and outside it & | < > ^ are escaped
// with ^. % is doubled, as batch files read %% as %. A line break cannot be
// written at all.
func cmdQuote(name, value string) (string, error) {
	if strings.ContainsAny(value, "\r\n\x00") {
		return "", fmt.Errorf("%s holds a line break, which cmd cannot set; use --format powershell or json", name)
	}
	var b strings.Builder
	b.WriteString(`"` + name + "=")
	quoted := true
	for _, r := range value {
		switch {
		case r == '"':
			quoted = !quoted
			b.WriteRune(r)
		case r == '%':
			b.WriteString("%%")
		case !quoted && strings.ContainsRune("^&|<>", r):
			b.WriteRune('^')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteString(`"`)
	return b.String(), nil
}

// fishQuote quotes for fish: in single quotes only \ and ' are special.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// psSingleQuotes are the characters PowerShell takes for a single quote:
// the ASCII one and the typographic ‘ ’ ‚ ‛ (U+2018 to U+201B). Each
// opens and closes a single-quoted string, and is written twice to stand
// for itself inside one.
const psSingleQuotes = "'\u2018\u2019\u201a\u201b"

// psQuote quotes for PowerShell: single quotes, with every kind of single
// quote inside doubled.
func psQuote(s string) string {
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		if strings.ContainsRune(psSingleQuotes, r) {
			b.WriteRune(r)
		}
		b.WriteRune(r)
	}
	b.WriteByte('\'')
	return b.String()
}

// CredentialProcess writes the JSON that SDKs expect from a
// credential_process command.
func CredentialProcess(w io.Writer, c Credentials) error {
	return json.NewEncoder(w).Encode(struct {
		Version         int
		AccessKeyID     string `json:"AccessKeyId"`
		SecretAccessKey string
		SessionToken    string
		Expiration      string
	}{1, c.AccessKeyID, c.SecretAccessKey, c.SessionToken, c.Expiration.UTC().Format(time.RFC3339)})
}
