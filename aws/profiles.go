package aws

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
)

// The block of ~/.aws/config that `ssopick profiles --write` owns. Bytes
// outside it are never changed.
const (
	profilesBegin = "# BEGIN ssopick profiles: written by `ssopick profiles --write`; changes inside are replaced"
	profilesEnd   = "# END ssopick profiles"
)

// ProfileStyle is how generated profiles get their credentials.
type ProfileStyle string

const (
	// StyleSSO uses the AWS CLI's own sso_session settings.
	StyleSSO ProfileStyle = "sso"
	// StyleProcess calls `ssopick credential-process`.
	StyleProcess ProfileStyle = "process"
)

var unsafeProfileChars = regexp.MustCompile(`[^A-Za-z0-9._+-]+`)

// ProfileName is the profile for a row: <account-name>.<role>.
func ProfileName(r Row) string {
	return strings.Trim(unsafeProfileChars.ReplaceAllString(r.AccountName, "-"), "-") + "." + unsafeProfileChars.ReplaceAllString(r.RoleName, "-")
}

// ProfilesBlock renders one profile per row, between the block markers.
// sessions maps a row's session label to its session; command is how a
// process-style profile invokes ssopick. Names already taken outside the
// block (taken) are skipped and returned.
func ProfilesBlock(rows []Row, sessions map[string]Session, style ProfileStyle, command string, taken map[string]bool) ([]byte, []string) {
	var b bytes.Buffer
	var skipped []string
	b.WriteString(profilesBegin + "\n")
	counts := map[string]int{}
	for _, r := range rows {
		counts[ProfileName(r)]++
	}
	for _, r := range rows {
		name := ProfileName(r)
		if counts[name] > 1 { // the same account name in two sessions
			name += "." + unsafeProfileChars.ReplaceAllString(r.Session, "-")
		}
		if taken[name] {
			skipped = append(skipped, name)
			continue
		}
		s := sessions[r.Session]
		fmt.Fprintf(&b, "\n[profile %s]\n", name)
		switch style {
		case StyleProcess:
			sel := "--sso-session " + s.Name
			if s.Name == "" {
				sel = "--start-url " + s.StartURL + " --sso-region " + s.Region
			}
			fmt.Fprintf(&b, "credential_process = %s credential-process -a %s -r %s %s\n", command, r.AccountID, r.RoleName, sel)
		default:
			if s.Name != "" {
				fmt.Fprintf(&b, "sso_session = %s\n", s.Name)
			} else {
				fmt.Fprintf(&b, "sso_start_url = %s\nsso_region = %s\n", s.StartURL, s.Region)
			}
			fmt.Fprintf(&b, "sso_account_id = %s\nsso_role_name = %s\n", r.AccountID, r.RoleName)
		}
		fmt.Fprintf(&b, "region = %s\n", s.Region)
	}
	b.WriteString(profilesEnd + "\n")
	return b.Bytes(), skipped
}

// ProfilesOutsideBlock are the profile names defined outside ssopick's
// block, which generated profiles must not shadow.
func ProfilesOutsideBlock(config []byte) map[string]bool {
	before, _, after := splitBlock(config)
	taken := map[string]bool{}
	for _, part := range [][]byte{before, after} {
		for _, m := range regexp.MustCompile(`(?m)^\s*\[\s*profile\s+([^\]]+?)\s*\]`).FindAllSubmatch(part, -1) {
			taken[string(m[1])] = true
		}
	}
	return taken
}

// splitBlock cuts config into what precedes ssopick's block, the block,
// and what follows. Without a block, everything is "before".
func splitBlock(config []byte) (before, block, after []byte) {
	start := bytes.Index(config, []byte(profilesBegin))
	if start < 0 {
		return config, nil, nil
	}
	rel := bytes.Index(config[start:], []byte(profilesEnd))
	if rel < 0 {
		return config, nil, nil // an unterminated block is not ours to touch
	}
	end := start + rel + len(profilesEnd)
	if end < len(config) && config[end] == '\n' {
		end++
	}
	return config[:start], config[start:end], config[end:]
}

// WriteProfilesBlock replaces ssopick's block in the config at path (or
// appends it), keeping every other byte, with a backup at path.bak when
// the file changes. It reports whether it changed.
func WriteProfilesBlock(path string, block []byte) (bool, error) {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	before, current, after := splitBlock(old)
	next := appendSection(old, block)
	if current != nil {
		next = append(append(append([]byte{}, before...), block...), after...)
	}
	if bytes.Equal(next, old) {
		return false, nil
	}
	return true, rewriteConfig(path, old, next)
}
