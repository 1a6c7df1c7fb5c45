package launch

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Formats are the export formats Exports writes.
var Formats = []string{"sh", "fish", "powershell", "dotenv", "json"}

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
	case "dotenv":
		for _, kv := range vars {
			fmt.Fprintf(&b, "%s=%s\n", kv[0], shQuote(kv[1]))
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

// shQuote quotes for POSIX shells (and dotenv readers): single quotes,
// with embedded ones closed, escaped and reopened.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// fishQuote quotes for fish: in single quotes only \ and ' are special.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// psQuote quotes for PowerShell: single quotes, doubled inside.
func psQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

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
