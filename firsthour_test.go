package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/shlex"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/launch"
	"github.com/ssopick/ssopick/sandbox"
	"github.com/ssopick/ssopick/ui"
)

// The first hour with ssopick (issue "The first hour"): what each command
// says, shows and accepts is true.

// helpFactory is a factory for building the command tree, not running it.
func helpFactory() *factory {
	return &factory{IO: IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, Getenv: func(string) string { return "" }, Environ: os.Environ}
}

// walk calls fn for cmd and every command below it.
func walk(cmd *cobra.Command, fn func(*cobra.Command)) {
	fn(cmd)
	for _, c := range cmd.Commands() {
		walk(c, fn)
	}
}

func TestRoleFlagErrorsFitTheCommand(t *testing.T) {
	t.Parallel()
	e := newTestEnv(t, sandbox.Options{})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"exec", "-a", "acme-audit", "--", "true"}, "ssopick exec needs -r ROLE as well as -a; `ssopick list acme-audit` shows the roles"},
		{[]string{"exec", "--", "true"}, "ssopick exec needs -a ACCOUNT and -r ROLE; `ssopick list` shows"},
		{[]string{"env", "-r", "ViewOnlyAccess"}, "ssopick env needs -a ACCOUNT as well as -r; `ssopick list ViewOnlyAccess` shows the accounts"},
		{[]string{"env", "-a", "acme prod"}, "needs -r ROLE as well as -a; `ssopick list` shows"},
		{[]string{"env"}, "ssopick env needs -a ACCOUNT and -r ROLE"},
		{[]string{"credential-process", "-a", "123456789012"}, "ssopick credential-process needs -r ROLE"},
		{[]string{"console", "-a", "acme-audit"}, "-a ACCOUNT and -r ROLE go together; give both, or neither to pick from the list"},
		{[]string{"shell", "-r", "ViewOnlyAccess"}, "-a ACCOUNT and -r ROLE go together; give both, or neither to pick from the list"},
	} {
		err := e.run(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
		cannotPick := slices.Contains([]string{"exec", "env", "credential-process"}, tc.args[0])
		if err != nil && cannotPick && regexp.MustCompile(`\bpick|from the list`).MatchString(err.Error()) {
			t.Errorf("%v: %q offers the picker, which %s does not have", tc.args, err, tc.args[0])
		}
	}
}

func TestSessionFlagsOnlyOnCommandsThatUseThem(t *testing.T) {
	t.Parallel()
	root := newRootCmd(helpFactory())
	uses := []string{"ssopick", "console", "shell", "exec", "env", "credential-process", "profiles", "login", "logout", "list", "token"}
	walk(root, func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" {
			return
		}
		for _, flag := range []string{"sso-session", "start-url", "sso-region"} {
			has := c.Flags().Lookup(flag) != nil
			if want := slices.Contains(uses, c.Name()); has != want {
				t.Errorf("%s: --%s offered %v, want %v", c.CommandPath(), flag, has, want)
			}
		}
	})
	if root.PersistentFlags().HasAvailableFlags() {
		t.Errorf("the root has persistent flags, shown on every command: %s", root.PersistentFlags().FlagUsages())
	}
	// Root --help lists only flags bare ssopick takes.
	var help bytes.Buffer
	root.SetOut(&help)
	root.SetArgs([]string{"--help"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(help.String(), "Global Flags") {
		t.Errorf("root help has global flags:\n%s", help.String())
	}
	for _, m := range regexp.MustCompile(`(?m)^\s+(?:-\w, )?--([\w-]+)`).FindAllStringSubmatch(help.String(), -1) {
		if root.LocalFlags().Lookup(m[1]) == nil {
			t.Errorf("root help shows --%s, which bare ssopick does not take", m[1])
		}
	}
	// A session flag before the command still reaches it.
	e := newTestEnv(t, sandbox.Options{})
	if err := e.run(t, "--sso-session", "nope", "list"); err == nil || !strings.Contains(err.Error(), `"nope" (from --sso-session)`) {
		t.Errorf("ssopick --sso-session nope list: %v", err)
	}
}

// exampleInvocations are the ssopick command lines in an example: after a
// #-comment is cut, each "ssopick …" up to a pipe, redirection, $(…)'s end,
// && or ;. Lines with a placeholder (… or ...) are left out.
func exampleInvocations(example string) [][]string {
	var out [][]string
	for _, line := range strings.Split(example, "\n") {
		if i := strings.Index(line, " # "); i >= 0 {
			line = line[:i]
		}
		if strings.Contains(line, "…") || strings.Contains(line, "...") {
			continue
		}
		for _, m := range regexp.MustCompile(`(?:^|[\s("])ssopick\s([^|>)&;]*)`).FindAllStringSubmatch(line, -1) {
			words, err := shlex.Split(strings.TrimRight(m[1], `"`))
			if err == nil {
				out = append(out, words)
			}
		}
	}
	return out
}

// TestExamplesAreRealCommandLines: every example of every command names
// commands and flags that exist, with values they accept.
func TestExamplesAreRealCommandLines(t *testing.T) {
	t.Parallel()
	n := 0
	walk(newRootCmd(helpFactory()), func(c *cobra.Command) {
		for _, args := range exampleInvocations(c.Example) {
			n++
			root := newRootCmd(helpFactory()) // flags keep what they parsed
			cmd, rest, err := root.Find(args)
			if err != nil {
				t.Errorf("%s example `ssopick %s`: %v", c.CommandPath(), strings.Join(args, " "), err)
				continue
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Errorf("%s example `ssopick %s`: %v", c.CommandPath(), strings.Join(args, " "), err)
				continue
			}
			if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
				t.Errorf("%s example `ssopick %s`: %v", c.CommandPath(), strings.Join(args, " "), err)
			}
		}
	})
	if n < 30 {
		t.Errorf("only %d example command lines found", n)
	}
}

// TestConsoleLinkAndSignInURLWords: help says "sign-in URL" for the
// Identity Center sign-in and "console link" for the console's login link,
// never the other way round or loosely.
func TestConsoleLinkAndSignInURLWords(t *testing.T) {
	t.Parallel()
	walk(newRootCmd(helpFactory()), func(c *cobra.Command) {
		texts := []string{c.Short, c.Long, c.Example}
		c.LocalFlags().VisitAll(func(fl *pflag.Flag) { texts = append(texts, fl.Usage) })
		for _, text := range texts {
			for _, bad := range []string{"console URL to open", "console sign-in", "console login URL", "sign-in link", "login URL"} {
				if strings.Contains(text, bad) {
					t.Errorf("%s: %q says %q", c.CommandPath(), text, bad)
				}
			}
		}
	})
}

func TestManPageHasKeysFilesEnvironmentAndPreferences(t *testing.T) {
	t.Parallel()
	f := helpFactory()
	out := &bytes.Buffer{}
	f.Out = out
	root := newRootCmd(f)
	root.SetArgs([]string{"man"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	page := out.String()
	section := func(name string) string {
		_, rest, ok := strings.Cut(page, "\n.SH "+name+"\n")
		if !ok {
			t.Fatalf("no %s section", name)
		}
		body, _, _ := strings.Cut(rest, "\n.SH ")
		return body
	}
	keys, files, env, prefs := section("KEYS"), section("FILES"), section("ENVIRONMENT"), section("PREFERENCES")

	list, actions, signIn := ui.KeyHelp()
	for _, k := range slices.Concat(list, actions, signIn) {
		if !strings.Contains(keys, roffEscape(k[0])+"\n"+roffEscape(k[1])) {
			t.Errorf("KEYS lacks %q %q", k[0], k[1])
		}
	}

	// FILES: each path of aws.Paths, with the variables that move it.
	fields := reflect.TypeFor[aws.Paths]()
	for i := range fields.NumField() {
		name := fields.Field(i).Name
		j := slices.IndexFunc(manFiles, func(m manFile) bool { return m.Field == name })
		if j < 0 {
			t.Errorf("FILES has no entry for aws.Paths.%s", name)
			continue
		}
		if !strings.Contains(files, roffEscape(manFiles[j].Path)) {
			t.Errorf("FILES does not show %s", manFiles[j].Path)
		}
	}
	asked := map[string]bool{}
	base := aws.DefaultPaths(func(k string) string { asked[k] = true; return "" }, "/home/x")
	for v := range asked {
		moved := aws.DefaultPaths(func(k string) string {
			if k == v {
				return "/moved/by/" + v
			}
			return ""
		}, "/home/x")
		bv, mv := reflect.ValueOf(base), reflect.ValueOf(moved)
		for i := range fields.NumField() {
			if bv.Field(i).Interface() == mv.Field(i).Interface() {
				continue
			}
			j := slices.IndexFunc(manFiles, func(m manFile) bool { return m.Field == fields.Field(i).Name })
			if j < 0 || !strings.Contains(manFiles[j].Path, "$"+v) {
				t.Errorf("FILES: %s moves %s, and its entry does not say so", v, fields.Field(i).Name)
			}
		}
	}

	// ENVIRONMENT: every variable the code reads or sets.
	documented := func(vars []manVar, name string) bool {
		return slices.ContainsFunc(vars, func(v manVar) bool { return slices.Contains(v.Names, name) })
	}
	for _, name := range sourceVariables(t) {
		if !documented(manVarsRead, name) && !documented(manVarsSet, name) {
			t.Errorf("ENVIRONMENT lacks %s, which the code names; add it to manVarsRead or manVarsSet in cmd_man.go", name)
		}
	}
	id := launch.Identity{Region: "eu-west-1"}
	for _, kv := range launch.Variables(launch.Credentials{}, id) {
		if !documented(manVarsSet, kv[0]) {
			t.Errorf("ENVIRONMENT does not say ssopick sets %s", kv[0])
		}
	}
	for _, name := range append(launch.Unset(id), launch.ShellMarker) {
		if !documented(manVarsSet, name) {
			t.Errorf("ENVIRONMENT does not say ssopick sets or removes %s", name)
		}
	}
	for _, v := range slices.Concat(manVarsRead, manVarsSet) {
		for _, name := range v.Names {
			if !strings.Contains(env, roffEscape(name)) {
				t.Errorf("ENVIRONMENT does not show %s", name)
			}
		}
	}

	// PREFERENCES: every key of config.toml, and only those.
	var tomlKeys []string
	var collect func(t reflect.Type, prefix string)
	collect = func(typ reflect.Type, prefix string) {
		for i := range typ.NumField() {
			fl := typ.Field(i)
			tag, _, _ := strings.Cut(fl.Tag.Get("toml"), ",")
			if tag == "" || tag == "-" {
				continue
			}
			ft := fl.Type
			if ft.Kind() == reflect.Slice {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				collect(ft, prefix+tag+".")
			} else {
				tomlKeys = append(tomlKeys, prefix+tag)
			}
		}
	}
	collect(reflect.TypeFor[Preferences](), "")
	for _, k := range tomlKeys {
		if !slices.ContainsFunc(manPreferences, func(p manPreference) bool { return p.Key == k }) {
			t.Errorf("PREFERENCES lacks %s", k)
		}
	}
	for _, p := range manPreferences {
		if !slices.Contains(tomlKeys, p.Key) {
			t.Errorf("PREFERENCES documents %s, which config.toml does not have", p.Key)
		}
		if !strings.Contains(prefs, roffEscape(p.Key)) {
			t.Errorf("PREFERENCES does not show %s", p.Key)
		}
	}

	// groff reads it without a warning.
	if _, err := exec.LookPath("groff"); err == nil {
		cmd := exec.Command("groff", "-man", "-Tutf8", "-ww", "-z")
		cmd.Stdin = strings.NewReader(page)
		if msg, err := cmd.CombinedOutput(); err != nil || len(msg) > 0 {
			t.Errorf("groff: %v\n%s", err, msg)
		}
	}
}

// sourceVariables are the environment variables the program's code names:
// in Getenv-like calls, and as AWS_… and SSOPICK_… string literals (ones it
// sets or removes), outside tests, the sandbox and the benchmarks.
func sourceVariables(t *testing.T) []string {
	t.Helper()
	calls := regexp.MustCompile(`(?i:getenv|lookupenv|firstenv)\(((?:"[A-Za-z_][A-Za-z0-9_]*"(?:,\s*)?)+)\)`)
	literal := regexp.MustCompile(`"((?:AWS|SSOPICK)_[A-Z0-9_]*[A-Z0-9])"`)
	name := regexp.MustCompile(`"([A-Za-z_][A-Za-z0-9_]*)"`)
	seen := map[string]bool{}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (path == "sandbox" || path == "bench" || strings.HasPrefix(d.Name(), ".") && path != ".") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range calls.FindAllStringSubmatch(string(src), -1) {
			for _, n := range name.FindAllStringSubmatch(m[1], -1) {
				seen[strings.ToUpper(n[1])] = true
			}
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	if len(out) < 20 {
		t.Fatalf("found only %v", out)
	}
	return out
}

func TestGoRunBinaryIsRecognised(t *testing.T) {
	t.Parallel()
	cache, set := t.TempDir(), t.TempDir()
	// A cache set with `go env -w` is read from Go's env file.
	envFile := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(envFile, []byte("GOFLAGS=-mod=mod\nGOCACHE="+set+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string {
		return map[string]string{"GOCACHE": cache, "GOENV": envFile}[k]
	}
	for path, want := range map[string]bool{
		"/tmp/go-build1684039211/b001/exe/ssopick":          true,
		filepath.Join(cache, "a1", "0123abcd-d", "ssopick"): true,
		"/home/me/.cache/go-build/a1/0123abcd-d/ssopick":    true,
		"/usr/local/bin/ssopick":                            false,
		"/opt/homebrew/Cellar/ssopick/1.2.0/bin/ssopick":    false,
		"/home/me/go/bin/ssopick":                           false,
		filepath.Join(set, "b2", "4567-d", "ssopick"):       true,
	} {
		if got := goRunBinary(path, getenv); got != want {
			t.Errorf("goRunBinary(%s) = %v, want %v", path, got, want)
		}
	}
}

// TestReadmeInstallLinesWorkOnAFreshMachine runs the README's completion
// and manual lines in an empty home, where no directory exists yet.
func TestReadmeInstallLinesWorkOnAFreshMachine(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, install, _ := strings.Cut(string(raw), "\n## Install\n")
	install, _, _ = strings.Cut(install, "\n## ")
	var block string
	for _, part := range strings.Split(install, "```sh\n")[1:] {
		code, _, _ := strings.Cut(part, "```")
		if strings.Contains(code, "ssopick completion") {
			block = code
		}
	}
	if block == "" {
		t.Fatal("the Install section has no completion block")
	}
	home := t.TempDir()
	bin := filepath.Dir(ssopickBinary)
	cmd := exec.Command("bash", "-e", "-c", block)
	cmd.Env = []string{"HOME=" + home, "PATH=" + bin + ":/usr/bin:/bin"}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s\n%s", err, block, out)
	}
	targets := regexp.MustCompile(`> (~/\S+)`).FindAllStringSubmatch(block, -1)
	if len(targets) < 4 {
		t.Fatalf("only %d files written by:\n%s", len(targets), block)
	}
	for _, m := range targets {
		path := filepath.Join(home, strings.TrimPrefix(m[1], "~/"))
		if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", m[1], err)
		}
	}
	// What the README says about finding the page.
	if _, err := exec.LookPath("man"); err == nil {
		if err := os.MkdirAll(filepath.Join(home, ".local", "bin"), 0o755); err != nil {
			t.Fatal(err)
		}
		for _, env := range [][]string{
			{"PATH=" + filepath.Join(home, ".local", "bin") + ":/usr/bin:/bin"},
			{"PATH=/usr/bin:/bin", "MANPATH=" + filepath.Join(home, ".local", "share", "man") + ":"},
		} {
			man := exec.Command("man", "-w", "ssopick")
			man.Env = append([]string{"HOME=" + home}, env...)
			if out, err := man.CombinedOutput(); err != nil || !strings.HasPrefix(string(out), home) {
				t.Errorf("man -w ssopick with %v: %v %s", env, err, out)
			}
		}
	}
}

// TestReadmeLinksStayInTheRepository: a link in the README goes to a file
// of the repository, or to a library's or project's home page.
func TestReadmeLinksStayInTheRepository(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	// Code spans and blocks hold no links.
	text := regexp.MustCompile("(?s)```.*?```|`[^`]*`").ReplaceAllString(string(raw), "")
	home := regexp.MustCompile(`^https://(github\.com/[\w.-]+/[\w.-]+|pkg\.go\.dev/[\w./-]+|charm\.land)/?$`)
	links := regexp.MustCompile(`\]\(([^)\s]+)\)`).FindAllStringSubmatch(text, -1)
	if len(links) == 0 {
		t.Fatal("no links found")
	}
	for _, m := range links {
		target := m[1]
		switch {
		case strings.HasPrefix(target, "#"):
		case strings.Contains(target, "://"):
			if !home.MatchString(target) {
				t.Errorf("%s points outside the repository, and is not a project's home page", target)
			}
		default:
			path, _, _ := strings.Cut(target, "#")
			if _, err := os.Stat(path); err != nil {
				t.Errorf("link to %s: %v", target, err)
			}
		}
	}
}
