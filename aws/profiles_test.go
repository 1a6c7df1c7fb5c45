package aws

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// collidingRows hold every way two rows can want one profile name.
func collidingRows() []Row {
	return []Row{
		{AccountID: "111111111111", AccountName: "Team A/Prod", RoleName: "Admin", Session: "acme"}, // cleans like the next
		{AccountID: "222222222222", AccountName: "Team A Prod", RoleName: "Admin", Session: "acme"},
		{AccountID: "333333333333", AccountName: "prod", RoleName: "Admin", Session: "acme"}, // AWS allows two accounts of one name
		{AccountID: "444444444444", AccountName: "prod", RoleName: "Admin", Session: "acme"},
		{AccountID: "555555555555", AccountName: "shared", RoleName: "Admin", Session: "acme"}, // one account, two sessions
		{AccountID: "555555555555", AccountName: "shared", RoleName: "Admin", Session: "globex"},
		{AccountID: "666666666666", AccountName: "mixed", RoleName: "R", Session: "acme"},
		{AccountID: "777777777777", AccountName: "mixed", RoleName: "R", Session: "acme"},
		{AccountID: "666666666666", AccountName: "mixed", RoleName: "R", Session: "globex"},
		{AccountID: "888888888888", AccountName: "x", RoleName: "a,b", Session: "acme"}, // roles that clean alike
		{AccountID: "888888888888", AccountName: "x", RoleName: "a=b", Session: "acme"},
		{AccountID: "111111111111", AccountName: "y", RoleName: "R", Session: "acme"},
		{AccountID: "121212121212", AccountName: "y", RoleName: "R", Session: "acme"},
		{AccountID: "999999999999", AccountName: "y.R", RoleName: "111111111111", Session: "acme"}, // a plain name equal to a suffixed one
		{AccountID: "101010101010", AccountName: "acme-audit", RoleName: "ViewOnlyAccess", Session: "acme"},
	}
}

var wantNames = map[string]string{
	"111111111111/Admin/acme":          "Team-A-Prod.Admin.111111111111",
	"222222222222/Admin/acme":          "Team-A-Prod.Admin.222222222222",
	"333333333333/Admin/acme":          "prod.Admin.333333333333",
	"444444444444/Admin/acme":          "prod.Admin.444444444444",
	"555555555555/Admin/acme":          "shared.Admin.acme", // the names ssopick has always written here
	"555555555555/Admin/globex":        "shared.Admin.globex",
	"666666666666/R/acme":              "mixed.R.666666666666.acme",
	"777777777777/R/acme":              "mixed.R.777777777777.acme",
	"666666666666/R/globex":            "mixed.R.globex",
	"888888888888/a,b/acme":            "x.a-b.888888888888",
	"888888888888/a=b/acme":            "x.a-b.888888888888-2",
	"111111111111/R/acme":              "y.R.111111111111",
	"121212121212/R/acme":              "y.R.121212121212",
	"999999999999/111111111111/acme":   "y.R.111111111111-2",
	"101010101010/ViewOnlyAccess/acme": "acme-audit.ViewOnlyAccess", // no collision, no suffix
}

func rowKey(r Row) string { return r.AccountID + "/" + r.RoleName + "/" + r.Session }

func TestProfileNamesAreUniqueAndIndependentOfRowOrder(t *testing.T) {
	t.Parallel()
	rows := collidingRows()
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		names := profileNames(rows)
		seen := map[string]bool{}
		for i, r := range rows {
			if seen[names[i]] {
				t.Fatalf("round %d: %s twice", round, names[i])
			}
			seen[names[i]] = true
			if want := wantNames[rowKey(r)]; names[i] != want {
				t.Errorf("round %d: %s named %s, want %s", round, rowKey(r), names[i], want)
			}
		}
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	}
}

func twoSessions() map[string]Session {
	return map[string]Session{
		"acme":   {Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1"},
		"globex": {Name: "globex", StartURL: "https://globex.awsapps.com/start", Region: "us-east-1"},
	}
}

func TestProfilesBlockHasEachSectionOnce(t *testing.T) {
	t.Parallel()
	for _, style := range []ProfileStyle{StyleSSO, StyleProcess} {
		block, skipped, err := ProfilesBlock(collidingRows(), twoSessions(), style, "/usr/local/bin/ssopick",
			map[string]bool{"prod.Admin.444444444444": true}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(skipped) != 1 || skipped[0].Name != "prod.Admin.444444444444" || !strings.Contains(skipped[0].Reason, "outside") {
			t.Errorf("%s: skipped %+v", style, skipped)
		}
		headers := regexp.MustCompile(`(?m)^\[profile ([^\]]+)\]$`).FindAllStringSubmatch(string(block), -1)
		seen := map[string]bool{}
		for _, h := range headers {
			if seen[h[1]] {
				t.Errorf("%s: [profile %s] twice", style, h[1])
			}
			seen[h[1]] = true
		}
		if len(headers) != len(collidingRows())-1 {
			t.Errorf("%s: %d profiles", style, len(headers))
		}
	}
}

func TestDamagedBlockChangesNothing(t *testing.T) {
	t.Parallel()
	mine := "[profile mine]\nregion = eu-west-1\n"
	block, _, _ := ProfilesBlock(collidingRows()[:1], twoSessions(), StyleSSO, "", nil, nil)
	lostEnd := strings.TrimSuffix(string(block), profilesEnd+"\n")
	for name, tc := range map[string]struct{ config, want string }{
		"lost END":        {mine + "\n" + lostEnd + "\n" + mine, "restore the \"# END ssopick profiles\" line"},
		"lost END at EOF": {mine + "\n" + lostEnd, "or delete the block"},
		"two blocks":      {string(block) + "\n" + mine + "\n" + string(block), "2 \"# BEGIN ssopick profiles\" lines"},
		"lost BEGIN":      {mine + strings.TrimPrefix(string(block), profilesBegin+"\n"), "restore the BEGIN line"},
		"END before":      {profilesEnd + "\n" + string(block), "without a \"# BEGIN ssopick profiles\" line before it"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "config")
			if err := os.WriteFile(path, []byte(tc.config), 0o600); err != nil {
				t.Fatal(err)
			}
			changed, err := WriteProfilesBlock(path, block)
			if err == nil || changed || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("changed %v, error %v", changed, err)
			}
			if strings.Count(err.Error(), "; ") != 1 || strings.Contains(err.Error(), "\n") {
				t.Errorf("not one sentence: %v", err)
			}
			if got, _ := os.ReadFile(path); string(got) != tc.config {
				t.Errorf("the file changed:\n%s", got)
			}
			if _, err := os.Stat(path + ".bak"); !os.IsNotExist(err) {
				t.Error("a backup was written")
			}
			if _, err := ProfilesOutsideBlock(path, []byte(tc.config)); err == nil {
				t.Error("ProfilesOutsideBlock accepted the damaged block")
			}
		})
	}
}

func TestBlockIsReplacedInPlace(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config")
	head, tail := "[default]\nregion = eu-west-1\n", "\n[profile mine]\nregion = ap-south-1\n\n[profile \"quoted\"]\n"
	first, _, _ := ProfilesBlock(collidingRows()[:2], twoSessions(), StyleSSO, "", nil, nil)
	if err := os.WriteFile(path, []byte(head+"\n"+string(first)+tail), 0o600); err != nil {
		t.Fatal(err)
	}
	second, _, _ := ProfilesBlock(collidingRows()[2:4], twoSessions(), StyleSSO, "", nil, nil)
	if changed, err := WriteProfilesBlock(path, second); err != nil || !changed {
		t.Fatal(changed, err)
	}
	if got, _ := os.ReadFile(path); string(got) != head+"\n"+string(second)+tail {
		t.Errorf("got\n%s", got)
	}
	taken, err := ProfilesOutsideBlock(path, []byte(head+"\n"+string(second)+tail))
	if err != nil || len(taken) != 3 || !taken["mine"] || !taken["quoted"] {
		t.Errorf("taken %v %v", taken, err)
	}
}

func TestSymlinkedConfigIsWrittenThrough(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	root := t.TempDir()
	dotfiles := filepath.Join(root, "dotfiles")
	home := filepath.Join(root, "home", ".aws")
	for _, d := range []string{dotfiles, home} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	target := filepath.Join(dotfiles, "aws-config")
	original := "[profile mine]\nregion = eu-west-1\n"
	if err := os.WriteFile(target, []byte(original), 0o644); err != nil {
		t.Fatal(err)
	}
	// A chain, with a relative link as GNU Stow makes: config -> config.link -> ../../dotfiles/aws-config.
	link := filepath.Join(home, "config")
	if err := os.Symlink(filepath.Join("..", "..", "dotfiles", "aws-config"), link+".link"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("config.link", link); err != nil {
		t.Fatal(err)
	}
	block, _, _ := ProfilesBlock(collidingRows()[:2], twoSessions(), StyleSSO, "", nil, nil)
	if _, err := WriteProfilesBlock(link, block); err != nil {
		t.Fatal(err)
	}
	if err := AddSSOSession(link, Session{Name: "initech", StartURL: "https://initech.awsapps.com/start", Region: "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{link, link + ".link"} {
		if fi, err := os.Lstat(l); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			t.Fatalf("%s is no longer a link: %v %v", l, fi.Mode(), err)
		}
	}
	if to, _ := os.Readlink(link); to != "config.link" {
		t.Errorf("the link points at %s", to)
	}
	got, _ := os.ReadFile(target)
	if !strings.HasPrefix(string(got), original) || !bytes.Contains(got, block) || !strings.Contains(string(got), "[sso-session initech]") {
		t.Errorf("the target holds\n%s", got)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o644 {
		t.Errorf("the target's mode is %v", fi.Mode().Perm())
	}
	// The backup lies beside the link, as ssopick reports it; the dotfiles
	// directory gets nothing new.
	if bak, err := os.ReadFile(link + ".bak"); err != nil || !bytes.Contains(bak, block) || strings.Contains(string(bak), "initech") {
		t.Errorf("backup %q %v", bak, err)
	}
	if entries, _ := os.ReadDir(dotfiles); len(entries) != 1 {
		t.Errorf("the dotfiles directory holds %v", entries)
	}

	// A dangling link (the dotfiles file is not there yet) is followed too.
	fresh := filepath.Join(root, "home", "fresh-config")
	if err := os.Symlink(filepath.Join(dotfiles, "new-config"), fresh); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteProfilesBlock(fresh, block); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(fresh); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Fatal("the dangling link was replaced")
	}
	if got, _ := os.ReadFile(filepath.Join(dotfiles, "new-config")); !bytes.Equal(got, block) {
		t.Errorf("new target %q", got)
	}
}

func TestConfigModeIsKeptButNeverLoosened(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	block, _, _ := ProfilesBlock(collidingRows()[:1], twoSessions(), StyleSSO, "", nil, nil)
	for before, want := range map[os.FileMode]os.FileMode{0o644: 0o644, 0o600: 0o600, 0o640: 0o640, 0o666: 0o644, 0o664: 0o644, 0o755: 0o644} {
		t.Run(fmt.Sprintf("%o", before), func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "config")
			if err := os.WriteFile(path, []byte("[default]\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, before); err != nil {
				t.Fatal(err)
			}
			if _, err := WriteProfilesBlock(path, block); err != nil {
				t.Fatal(err)
			}
			if fi, _ := os.Stat(path); fi.Mode().Perm() != want {
				t.Errorf("%o became %o, want %o", before, fi.Mode().Perm(), want)
			}
			if fi, _ := os.Stat(path + ".bak"); fi.Mode().Perm() != 0o600 {
				t.Errorf("backup mode %o", fi.Mode().Perm())
			}
		})
	}
	t.Run("new", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "config")
		if _, err := WriteProfilesBlock(path, block); err != nil {
			t.Fatal(err)
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("a new config is %o", fi.Mode().Perm())
		}
	})
	t.Run("read-only", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "config")
		if err := os.WriteFile(path, []byte("[default]\n"), 0o444); err != nil {
			t.Fatal(err)
		}
		if _, err := WriteProfilesBlock(path, block); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Fatalf("a read-only config was replaced: %v", err)
		}
		if got, _ := os.ReadFile(path); string(got) != "[default]\n" {
			t.Errorf("changed to %q", got)
		}
	})
}

func TestTokenAndRegistrationFilesBecomePrivate(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	c := TokenCache{Dir: t.TempDir(), LockDir: t.TempDir()}
	s := Session{Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1", Scopes: DefaultScopes}
	for _, path := range []string{c.TokenPath(s), c.RegistrationPath(s)} {
		if err := os.WriteFile(path, []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
			t.Fatal(err)
		}
	}
	if err := c.SaveToken(s, &Token{AccessToken: "a", ExpiresAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if err := c.SaveRegistration(s, &Registration{ClientID: "c", ClientSecret: "s", ExpiresAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{c.TokenPath(s), c.RegistrationPath(s)} {
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s is %o after a save over a 0644 file", filepath.Base(path), fi.Mode().Perm())
		}
	}
}

func TestCommandArgSurvivesShAndShlex(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/usr/local/bin/ssopick":     "/usr/local/bin/ssopick",
		"/Users/me/My Tools/ssopick": `/Users/me/My\ Tools/ssopick`,
		"a #b":                       `a\ \#b`,
		"it's":                       `it\'s`,
		"ViewOnlyAccess":             "ViewOnlyAccess",
	} {
		if got, err := commandArg("linux", in); err != nil || got != want {
			t.Errorf("%q quoted as %q (%v), want %q", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		`C:\Program Files\ssopick\ssopick.exe`: `"C:\Program Files\ssopick\ssopick.exe"`,
		`C:\tools\ssopick.exe`:                 `C:\tools\ssopick.exe`,
		`C:\a b\`:                              `"C:\a b\\"`,
		`C:\a&b\ssopick.exe`:                   `"C:\a&b\ssopick.exe"`,
	} {
		if got, err := commandArg("windows", in); err != nil || got != want {
			t.Errorf("windows: %q quoted as %q (%v), want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "a\nb", "a\x7fb"} {
		if _, err := commandArg("linux", bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	for _, bad := range []string{`a"b`, `%PATH%`} {
		if _, err := commandArg("windows", bad); err == nil {
			t.Errorf("windows: %q accepted", bad)
		}
	}

	args := []string{"/tmp/My Tools/ssopick", "a'b", `a"b`, `a\b`, "$HOME", "`id`", "$(id)", "a;b", "a #b", "a&b|c>d<e",
		"~/x", "*?[a]", "é ü", "(x)", "{a,b}", "!x", "a=b", "#start", ";start", "tab\there", "x\\", "'", "-a"}
	quoted := make([]string, len(args))
	for i, a := range args {
		var err error
		if quoted[i], err = commandArg("linux", a); err != nil {
			if strings.Contains(a, "\t") {
				continue // a tab is a control character: refused, fine
			}
			t.Fatal(err)
		}
	}
	var kept []string
	var line []string
	for i, q := range quoted {
		if q != "" {
			kept, line = append(kept, args[i]), append(line, q)
		}
	}
	check := func(tool string, out []byte, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v %s", tool, err, out)
		}
		if got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00"); strings.Join(got, "|") != strings.Join(kept, "|") {
			t.Errorf("%s split %q into\n%q, want\n%q", tool, strings.Join(line, " "), got, kept)
		}
	}
	if _, err := exec.LookPath("sh"); err == nil && runtime.GOOS != "windows" {
		// The Go SDK runs credential_process as sh -c VALUE.
		out, err := exec.Command("sh", "-c", `printf '%s\0' `+strings.Join(line, " ")).CombinedOutput()
		check("sh", out, err)
	}
	if err := exec.Command("python3", "-c", "import shlex").Run(); err == nil {
		// botocore splits it with shlex.split, POSIX mode.
		out, err := exec.Command("python3", "-c", `import shlex, sys; sys.stdout.write("\0".join(shlex.split(sys.argv[1])))`, strings.Join(line, " ")).CombinedOutput()
		check("shlex", out, err)
	}
}

func TestProcessProfileQuotesTheProgram(t *testing.T) {
	t.Parallel()
	sessions := twoSessions()
	sessions["my org"] = Session{Name: "my org", StartURL: "https://my.awsapps.com/start", Region: "eu-west-1"}
	rows := []Row{
		{AccountID: "111111111111", AccountName: "a", RoleName: "Admin", Session: "acme"},
		{AccountID: "222222222222", AccountName: "b", RoleName: "Admin", Session: "my org"},
	}
	block, skipped, err := profilesBlock("linux", rows, sessions, StyleProcess, "/opt/my tools/ssopick", nil, nil)
	if err != nil || len(skipped) != 0 {
		t.Fatal(err, skipped)
	}
	for _, want := range []string{
		"credential_process = /opt/my\\ tools/ssopick credential-process -a 111111111111 -r Admin --sso-session acme\n",
		"credential_process = /opt/my\\ tools/ssopick credential-process -a 222222222222 -r Admin --sso-session my\\ org\n",
	} {
		if !strings.Contains(string(block), want) {
			t.Errorf("missing %q in\n%s", want, block)
		}
	}
	// On Windows a quoted program and a quoted last argument would make a
	// value wrapped in quotes, which the Go SDK strips: that row is left out.
	block, skipped, err = profilesBlock("windows", rows, sessions, StyleProcess, `C:\Program Files\ssopick\ssopick.exe`, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(block), `credential_process = "C:\Program Files\ssopick\ssopick.exe" credential-process -a 111111111111 -r Admin --sso-session acme`) ||
		len(skipped) != 1 || skipped[0].Name != "b.Admin" || !strings.Contains(skipped[0].Reason, "quotes") {
		t.Errorf("windows: skipped %+v\n%s", skipped, block)
	}
	if _, _, err := profilesBlock("linux", rows, sessions, StyleProcess, "/opt/bad\npath/ssopick", nil, nil); err == nil || !strings.Contains(err.Error(), "--style sso") {
		t.Errorf("a program path with a line break: %v", err)
	}
}

func TestValuesThatWouldBreakTheINIAreLeftOut(t *testing.T) {
	t.Parallel()
	sessions := map[string]Session{
		"ok":      {Name: "ok", StartURL: "https://ok.awsapps.com/start", Region: "eu-west-1"},
		"inject":  {Name: "x\n[profile evil]", StartURL: "https://ok.awsapps.com/start", Region: "eu-west-1"},
		"comment": {StartURL: "https://ok.awsapps.com/start #x", Region: "eu-west-1"},
		"legacy":  {StartURL: "https://legacy.awsapps.com/start#/", Region: "eu-west-1"},
		"quoted":  {Name: `"q"`, StartURL: "https://ok.awsapps.com/start", Region: "eu-west-1"},
	}
	rows := []Row{
		{AccountID: "111111111111", AccountName: "fine", RoleName: "Admin", Session: "ok"},
		{AccountID: "111111111111", AccountName: "fine", RoleName: "Bad\r\nRole", Session: "ok"},
		{AccountID: "222222222222", AccountName: "inj", RoleName: "Admin", Session: "inject"},
		{AccountID: "333333333333", AccountName: "com", RoleName: "Admin", Session: "comment"},
		{AccountID: "444444444444", AccountName: "leg", RoleName: "Admin", Session: "legacy"},
		{AccountID: "555555555555", AccountName: "quo", RoleName: "Admin", Session: "quoted"},
		{AccountID: "666666666666", AccountName: "lost", RoleName: "Admin", Session: "gone"},
	}
	for _, style := range []ProfileStyle{StyleSSO, StyleProcess} {
		block, skipped, err := profilesBlock("linux", rows, sessions, style, "/usr/bin/ssopick", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		why := map[string]string{}
		for _, s := range skipped {
			why[s.Name] = s.Reason
		}
		for name, want := range map[string]string{
			"fine.Bad-Role": "line break", "inj.Admin": "line break", "com.Admin": "comment",
			"quo.Admin": "quotes", "lost.Admin": "not in the configuration",
		} {
			if !strings.Contains(why[name], want) {
				t.Errorf("%s: %s skipped for %q, want %q", style, name, why[name], want)
			}
		}
		if len(skipped) != 5 || strings.Contains(string(block), "evil") || strings.Count(string(block), "[profile ") != 2 {
			t.Errorf("%s: skipped %v\n%s", style, skipped, block)
		}
		for _, line := range strings.Split(strings.TrimSuffix(string(block), "\n"), "\n") {
			if line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "[profile ") && !regexp.MustCompile(`^[a-z_]+ = \S`).MatchString(line) {
				t.Errorf("%s: odd line %q", style, line)
			}
		}
	}
}

func TestAddSSOSessionRefusesValuesThatWouldBreakTheINI(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config")
	original := "[default]\nregion = eu-west-1\n"
	if err := os.WriteFile(path, []byte(original), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, s := range []Session{
		{Name: "my org", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1"},
		{Name: "a]b", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1"},
		{Name: "acme", StartURL: "https://acme.awsapps.com/start\n[profile x]", Region: "eu-west-1"},
		{Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1 ;x"},
		{Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1", Scopes: []string{"a,b"}},
	} {
		if err := AddSSOSession(path, s); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%+v: %v", s, err)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != original {
		t.Errorf("the file changed:\n%s", got)
	}
}
