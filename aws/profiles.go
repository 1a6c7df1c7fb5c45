package aws

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// The block of ~/.aws/config that `ssopick profiles --write` owns. Bytes
// outside it are never changed.
const (
	profilesBegin = "# BEGIN ssopick profiles: written by `ssopick profiles --write`; changes inside are replaced"
	profilesEnd   = "# END ssopick profiles"
	// The markers are recognised by these prefixes, on lines of their own.
	beginPrefix = "# BEGIN ssopick profiles"
	endPrefix   = "# END ssopick profiles"
)

// ProfileStyle is how generated profiles get their credentials.
type ProfileStyle string

const (
	// StyleSSO uses the AWS CLI's own sso_session settings.
	StyleSSO ProfileStyle = "sso"
	// StyleProcess calls `ssopick credential-process`.
	StyleProcess ProfileStyle = "process"
)

var unsafeProfileChars = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^A-Za-z0-9._+-]+`) })

// ProfileName is the profile for a row: <account-name>.<role>, with every
// run of characters other than letters, digits and ._+- replaced by a dash.
// Two rows can share it (AWS allows two accounts of one name, and "Team
// A/Prod" cleans like "Team A Prod"); ProfilesBlock tells them apart.
func ProfileName(r Row) string {
	return strings.Trim(unsafeProfileChars().ReplaceAllString(r.AccountName, "-"), "-") + "." + unsafeProfileChars().ReplaceAllString(r.RoleName, "-")
}

// A SkippedProfile is a row ProfilesBlock left out of the block.
type SkippedProfile struct {
	Name   string // the profile name the row has, or would have
	Reason string // why, as a clause without a final full stop
}

// ProfilesBlock renders one profile per row, between the block markers.
// sessions maps a row's session label to its session; program is the path
// of the ssopick a process-style profile runs (it is quoted here). Rows
// whose name is already taken outside the block (taken), and rows whose
// values would not read back the same in every AWS tool, are left out and
// returned with the reason. regionOf is the region a row's profile sets
// (its account's preferred one); nil, or "" for a row, is the SSO region.
// The error is for a program path no credential_process line can hold.
//
// Every profile name in the block is unique (botocore refuses a config
// with a section twice, and with it every aws command): see profileNames.
func ProfilesBlock(rows []Row, sessions map[string]Session, style ProfileStyle, program string, taken map[string]bool, regionOf func(Row) string) ([]byte, []SkippedProfile, error) {
	return profilesBlock(runtime.GOOS, rows, sessions, style, program, taken, regionOf)
}

func profilesBlock(goos string, rows []Row, sessions map[string]Session, style ProfileStyle, program string, taken map[string]bool, regionOf func(Row) string) ([]byte, []SkippedProfile, error) {
	var prog string
	if style == StyleProcess {
		var err error
		if prog, err = commandArg(goos, program); err == nil {
			if p := iniValueProblem(prog + " credential-process"); p != "" {
				err = errors.New(strings.TrimPrefix(p, "is "))
			}
		}
		if err != nil {
			return nil, nil, fmt.Errorf("the path of ssopick, %q, cannot be written as a credential_process command (%v); install ssopick in a plainer directory, or use --style sso", program, err)
		}
	}
	type profile struct {
		row  Row
		body string
	}
	var (
		skipped []SkippedProfile
		ok      []profile
	)
	for _, r := range rows {
		region := ""
		if regionOf != nil {
			region = regionOf(r)
		}
		body, why := profileBody(goos, r, sessions, style, prog, region)
		if why != "" {
			skipped = append(skipped, SkippedProfile{Name: ProfileName(r), Reason: why})
			continue
		}
		ok = append(ok, profile{r, body})
	}
	kept := make([]Row, len(ok))
	for i, p := range ok {
		kept[i] = p.row
	}
	names := profileNames(kept)
	var b bytes.Buffer
	b.WriteString(profilesBegin + "\n")
	for i, p := range ok {
		if taken[names[i]] {
			skipped = append(skipped, SkippedProfile{Name: names[i], Reason: "a profile of that name exists outside ssopick's block"})
			continue
		}
		fmt.Fprintf(&b, "\n[profile %s]\n%s", names[i], p.body)
	}
	b.WriteString(profilesEnd + "\n")
	return b.Bytes(), skipped, nil
}

// profileBody is the text of a row's profile after its header, or why the
// row cannot have one; region is the profile's region, "" for the SSO
// region. Account names never reach values; session names, start URLs,
// regions, account ids and role names do, and each must read back
// unchanged (iniValueProblem).
func profileBody(goos string, r Row, sessions map[string]Session, style ProfileStyle, prog, region string) (string, string) {
	s, found := sessions[r.Session]
	if !found {
		return "", fmt.Sprintf("its SSO session %q is not in the configuration", r.Session)
	}
	type field struct{ what, v string }
	fields := []field{{"account id", r.AccountID}, {"role name", r.RoleName}, {"region", s.Region}}
	if region == "" {
		region = s.Region
	} else {
		fields = append(fields, field{"preferred region", region})
	}
	if s.Name != "" {
		fields = append(fields, field{"SSO session name", s.Name})
	} else {
		fields = append(fields, field{"start URL", s.StartURL})
	}
	for _, f := range fields {
		if p := iniValueProblem(f.v); p != "" {
			return "", fmt.Sprintf("its %s %q %s", f.what, f.v, p)
		}
	}
	var b strings.Builder
	switch style {
	case StyleProcess:
		args := []string{"credential-process", "-a", r.AccountID, "-r", r.RoleName}
		if s.Name != "" {
			args = append(args, "--sso-session", s.Name)
		} else {
			args = append(args, "--start-url", s.StartURL, "--sso-region", s.Region)
		}
		line := prog
		for _, a := range args {
			q, err := commandArg(goos, a)
			if err != nil {
				return "", fmt.Sprintf("%q cannot be an argument of its credential_process command (%v)", a, err)
			}
			line += " " + q
		}
		if p := iniValueProblem(line); p != "" {
			return "", fmt.Sprintf("its credential_process command %s", p)
		}
		fmt.Fprintf(&b, "credential_process = %s\n", line)
	default:
		if s.Name != "" {
			fmt.Fprintf(&b, "sso_session = %s\n", s.Name)
		} else {
			fmt.Fprintf(&b, "sso_start_url = %s\nsso_region = %s\n", s.StartURL, s.Region)
		}
		fmt.Fprintf(&b, "sso_account_id = %s\nsso_role_name = %s\n", r.AccountID, r.RoleName)
	}
	fmt.Fprintf(&b, "region = %s\n", region)
	return b.String(), ""
}

// profileNames gives every row a profile name no other row has, the same
// whatever the order of rows and from one run to the next. A row whose
// ProfileName another row shares gets
//
//   - its account id appended when the other row is in the same session
//     (two accounts of one name, or names that clean alike), and
//   - its session label appended when the other row is in another session
//     (the same account, or an account of the same name, reached through
//     two sessions; the names ssopick has always written there).
//
// Names that still meet after that (a suffixed name equal to another
// row's, or session labels that clean alike) get -2, -3, … in the order of
// account id, role and session.
func profileNames(rows []Row) []string {
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = ProfileName(r)
	}
	next := slices.Clone(names)
	for _, idx := range sameName(names) {
		for _, i := range idx {
			inSession, inOther := false, false
			for _, j := range idx {
				if j != i {
					inSession = inSession || rows[j].Session == rows[i].Session
					inOther = inOther || rows[j].Session != rows[i].Session
				}
			}
			if inSession {
				next[i] += "." + rows[i].AccountID
			}
			if inOther {
				next[i] += "." + unsafeProfileChars().ReplaceAllString(rows[i].Session, "-")
			}
		}
	}
	names = next
	used := map[string]bool{}
	for _, n := range names {
		used[n] = true
	}
	for _, idx := range sameName(names) {
		slices.SortFunc(idx, func(a, b int) int {
			x, y := rows[a], rows[b]
			return cmp.Or(cmp.Compare(x.AccountID, y.AccountID), cmp.Compare(x.RoleName, y.RoleName),
				cmp.Compare(x.Session, y.Session), cmp.Compare(x.AccountName, y.AccountName))
		})
		for _, i := range idx[1:] {
			for n := 2; ; n++ {
				if c := fmt.Sprintf("%s-%d", names[i], n); !used[c] {
					names[i], used[c] = c, true
					break
				}
			}
		}
	}
	return names
}

// sameName lists, in the order of the names, the indexes of names that
// occur more than once.
func sameName(names []string) [][]int {
	at := map[string][]int{}
	for i, n := range names {
		at[n] = append(at[n], i)
	}
	var keys []string
	for n, idx := range at {
		if len(idx) > 1 {
			keys = append(keys, n)
		}
	}
	slices.Sort(keys)
	groups := make([][]int, len(keys))
	for i, k := range keys {
		groups[i] = at[k]
	}
	return groups
}

// commandArg quotes one word of a credential_process command for the
// programs that split it again: on Unix botocore's shlex.split (POSIX mode)
// and the Go SDK's `sh -c`, which both take a backslash before any
// character as that character; on Windows botocore's C-runtime splitting
// and the SDKs' `cmd.exe /C`, which both take "…" as one word.
//
// On Unix every ASCII character outside [A-Za-z0-9_@%+,.:/-] is escaped
// with a backslash (/home/me/My\ Tools/ssopick) rather than single-quoted:
// the Go SDK cuts a config value at " #" or " ;" and strips quotes around
// a whole value, and an escaped line can have neither.
func commandArg(goos, arg string) (string, error) {
	switch {
	case arg == "":
		return "", errors.New("it is empty")
	case strings.ContainsFunc(arg, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "", errors.New("it contains a control character")
	}
	if goos == "windows" {
		if strings.ContainsAny(arg, `"%`) {
			return "", errors.New(`it contains " or %, which cmd.exe would change`)
		}
		if !strings.ContainsAny(arg, " \t&|<>^(),;=") {
			return arg, nil
		}
		// Backslashes before the closing quote would escape it.
		trail := len(arg) - len(strings.TrimRight(arg, `\`))
		return `"` + arg + strings.Repeat(`\`, trail) + `"`, nil
	}
	var b strings.Builder
	for _, c := range []byte(arg) {
		if c < 0x80 && !isShellSafe(c) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

func isShellSafe(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_@%+,.:/-", c) >= 0
}

// ProfilesOutsideBlock are the profile names defined outside ssopick's
// block in the config at path, which generated profiles must not shadow.
// A damaged block (see splitBlock) is an error.
func ProfilesOutsideBlock(path string, config []byte) (map[string]bool, error) {
	before, _, after, err := splitBlock(path, config)
	if err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	for _, part := range [][]byte{before, after} {
		for _, m := range regexp.MustCompile(`(?m)^\s*\[\s*profile\s+([^\]]+?)\s*\]`).FindAllSubmatch(part, -1) {
			name := string(m[1])
			taken[name] = true
			// botocore reads [profile "x"] as x (it splits headers with shlex).
			taken[strings.Trim(name, `"'`)] = true
		}
	}
	return taken, nil
}

// splitBlock cuts config into what precedes ssopick's block, the block,
// and what follows. Without a block, everything is "before". A damaged
// block (a BEGIN line without its END line, two BEGIN lines, an END line
// without a BEGIN before it) is an error naming path and the way to repair
// it: guessing where the block ends could delete hand-written profiles,
// and appending a second block would write every profile twice.
func splitBlock(path string, config []byte) (before, block, after []byte, err error) {
	var begins, ends []int // offsets of the marker lines' starts
	endNext := 0           // offset after the last END line
	for off := 0; off < len(config); {
		next := len(config)
		if n := bytes.IndexByte(config[off:], '\n'); n >= 0 {
			next = off + n + 1
		}
		switch line := strings.TrimSpace(string(config[off:next])); {
		case strings.HasPrefix(line, beginPrefix):
			begins = append(begins, off)
		case strings.HasPrefix(line, endPrefix):
			ends, endNext = append(ends, off), next
		}
		off = next
	}
	switch {
	case len(begins) == 0 && len(ends) == 0:
		return config, nil, nil, nil
	case len(begins) > 1:
		return nil, nil, nil, fmt.Errorf("%s has %d %q lines, so ssopick cannot tell its profiles from yours; keep one block (a BEGIN line to its %q line), delete the rest, and run again", path, len(begins), beginPrefix, endPrefix)
	case len(begins) == 1 && len(ends) == 0:
		return nil, nil, nil, fmt.Errorf("%s has a %q line without its %q line, so ssopick cannot tell its profiles from yours; restore the %q line after the last generated profile, or delete the block, and run again", path, beginPrefix, endPrefix, profilesEnd)
	case len(begins) == 0 || len(ends) > 1 || ends[0] < begins[0]:
		return nil, nil, nil, fmt.Errorf("%s has a %q line without a %q line before it, so ssopick cannot tell its profiles from yours; restore the BEGIN line above the generated profiles, or delete the stray END line, and run again", path, endPrefix, beginPrefix)
	}
	return config[:begins[0]], config[begins[0]:endNext], config[endNext:], nil
}

// WriteProfilesBlock replaces ssopick's block in the config at path (or
// appends it), keeping every other byte, with a backup at path.bak when
// the file changes (see rewriteConfig for links and modes). It reports
// whether it changed. A damaged block changes nothing and is an error.
func WriteProfilesBlock(path string, block []byte) (bool, error) {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	before, current, after, err := splitBlock(path, old)
	if err != nil {
		return false, err
	}
	next := appendSection(old, block)
	if current != nil {
		next = append(append(append([]byte{}, before...), block...), after...)
	}
	if bytes.Equal(next, old) {
		return false, nil
	}
	return true, rewriteConfig(path, old, next)
}
