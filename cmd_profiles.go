package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/ui"
)

func newProfilesCmd(f *factory) *cobra.Command {
	var (
		write   bool
		style   string
		refresh bool
	)
	cmd := &cobra.Command{
		Use:   "profiles [--write] [--style sso|process]",
		Short: "Print, or write into ~/.aws/config, one profile per account and role",
		Long: `Print one AWS config profile per account and role you may use, named
<account-name>.<role>; where two rows would share a name, the account id
(two accounts of one name) or the session (one name in two sessions) is
appended. Each profile's region is its account's [[account_region]]
preference, else the region preference, else the SSO region. With --write
they go into ~/.aws/config inside a marked block that ssopick owns: writing
again updates it (roles that vanished are pruned) and never changes a byte
outside it; the previous file is kept as config.bak.
A symlinked config is written through to the file it points at. --style sso
uses the AWS CLI's sso_session settings; --style process runs ssopick
credential-process by the path of this ssopick (the one on your PATH when
that is this program), so it needs an installed ssopick, not one run by
go run.`,
		Example: `  ssopick profiles
  ssopick profiles --write
  ssopick profiles --write --style process`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st := aws.ProfileStyle(style)
			if st != aws.StyleSSO && st != aws.StyleProcess {
				return fmt.Errorf("unknown --style %q; use sso or process", style)
			}
			program := "ssopick"
			if st == aws.StyleProcess {
				var err error
				if program, err = processProgram(f.Getenv); err != nil {
					return err
				}
			}
			// A damaged block is refused before any sign-in or network call.
			if _, err := profilesTaken(f.Paths.AWSConfig); err != nil {
				return err
			}
			s, err := f.openSessions(cmd.Context(), f.ErrIsTerminal)
			if err != nil {
				return err
			}
			lo := aws.ListOptions{Freshness: aws.StaleWhileRefresh, MaxAge: f.maxAge()}
			if refresh {
				lo.Freshness = aws.Forced
			}
			rows, err := s.Rows(cmd.Context(), lo)
			if err != nil {
				return err
			}
			bySession := map[string]aws.Session{}
			for _, c := range s.Conns {
				bySession[c.Session.Label()] = c.Session
			}
			taken, err := profilesTaken(f.Paths.AWSConfig) // again: the list may have taken a sign-in
			if err != nil {
				return err
			}
			block, skipped, err := aws.ProfilesBlock(rows, bySession, st, program, taken, f.Prefs.profileRegion)
			if err != nil {
				return err
			}
			for _, sk := range skipped {
				fmt.Fprintf(f.ErrOut, "Skipped [profile %s]: %s.\n", ui.Visible(sk.Name), ui.Visible(sk.Reason))
			}
			if !write {
				_, err := f.Out.Write(block)
				return err
			}
			changed, err := aws.WriteProfilesBlock(f.Paths.AWSConfig, block)
			if err != nil {
				return err
			}
			if changed {
				fmt.Fprintf(f.ErrOut, "Wrote %d profiles to %s (previous file: %s.bak).\n", len(rows)-len(skipped), f.Paths.AWSConfig, f.Paths.AWSConfig)
			} else {
				fmt.Fprintf(f.ErrOut, "%s is up to date.\n", f.Paths.AWSConfig)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&write, "write", false, "write the profiles into the AWS config file")
	cmd.Flags().StringVar(&style, "style", "sso", "how profiles get credentials: sso or process")
	cmd.Flags().BoolVar(&refresh, "refresh", false, "fetch the list from IAM Identity Center first")
	return cmd
}

// stableProgramPath is the path a process-style profile runs ssopick by:
// the ssopick found on PATH when it is this very program (a Homebrew, nix
// or mise link such as /opt/homebrew/bin/ssopick, which survives upgrades,
// where os.Executable names the versioned directory behind it), else
// os.Executable, else plain "ssopick".
func stableProgramPath() string {
	self, err := os.Executable()
	if err != nil {
		return "ssopick"
	}
	onPath, err := exec.LookPath("ssopick")
	if err != nil {
		return self
	}
	return sameProgram(self, onPath)
}

// processProgram is the program process-style profiles run: the stable
// path of this ssopick, unless it is a binary of `go run` in the Go build
// cache or a go-build temporary directory, which goes away; then the
// ssopick on PATH, if any, else an error that says how to install one.
func processProgram(getenv func(string) string) (string, error) {
	self, err := os.Executable()
	if err != nil || !goRunBinary(self, getenv) {
		return stableProgramPath(), nil
	}
	if onPath, err := exec.LookPath("ssopick"); err == nil && filepath.IsAbs(onPath) && !goRunBinary(onPath, getenv) {
		return filepath.Clean(onPath), nil
	}
	return "", fmt.Errorf("--style process needs an installed ssopick, and this one was built by go run, in a directory Go cleans away; install it with `go install github.com/ssopick/ssopick@latest` or from a release, then run `ssopick profiles --style process` again")
}

// goRunBinary reports whether path is an executable `go run` built: in a
// go-build temporary directory, or under the Go build cache (its default
// place is a go-build directory too; else $GOCACHE, else the one set with
// `go env -w`), where newer Go keeps some.
func goRunBinary(path string, getenv func(string) string) bool {
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
	}
	for _, part := range strings.Split(filepath.ToSlash(filepath.Dir(path)), "/") {
		if strings.HasPrefix(part, "go-build") {
			return true
		}
	}
	under := func(dir string) bool {
		rel, err := filepath.Rel(dir, path)
		return dir != "" && dir != "off" && err == nil && filepath.IsLocal(rel)
	}
	if under(getenv("GOCACHE")) {
		return true
	}
	// A cache set with `go env -w GOCACHE=…` is in Go's env file, read
	// here rather than asked of `go env`: that would start Go's telemetry
	// uploader, which outlives it and writes into the home directory.
	return under(goEnvFileValue(getenv, "GOCACHE"))
}

// goEnvFileValue is key's value in the file `go env -w` writes: $GOENV,
// else go/env in the user's config directory; "" when unset.
func goEnvFileValue(getenv func(string) string, key string) string {
	path := getenv("GOENV")
	if path == "off" {
		return ""
	}
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return ""
		}
		path = filepath.Join(dir, "go", "env")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(raw)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), key+"="); ok {
			return v
		}
	}
	return ""
}

// sameProgram is onPath when it is an absolute path to the same file as
// self, else self.
func sameProgram(self, onPath string) string {
	if !filepath.IsAbs(onPath) {
		return self
	}
	a, err1 := os.Stat(self)
	b, err2 := os.Stat(onPath)
	if err1 != nil || err2 != nil || !os.SameFile(a, b) {
		return self
	}
	return filepath.Clean(onPath)
}

// profilesTaken are the profile names defined outside ssopick's block in
// the config at path; a damaged block is an error.
func profilesTaken(path string) (map[string]bool, error) {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return aws.ProfilesOutsideBlock(path, old)
}
