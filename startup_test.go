package main

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Every command pays for the package initialisation of everything linked,
// `status` in a prompt included: ssopick's own packages must not compile
// regexps, parse templates or build tables at start (compile them on first
// use). Bytes allocated are counted by the runtime, not timed, so this
// holds on a busy machine.
func TestOwnPackagesInitialiseLightly(t *testing.T) {
	t.Parallel()
	const limit = 8 << 10
	cmd := exec.Command(ssopickBinary, "--version")
	cmd.Env = append(cmd.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("--version: %v\n%s", err, out)
	}
	line := regexp.MustCompile(`(?m)^init (main|github\.com/ssopick/ssopick\S*) @.*, (\d+) bytes, (\d+) allocs$`)
	found := 0
	for _, m := range line.FindAllStringSubmatch(string(out), -1) {
		found++
		if bytes, _ := strconv.Atoi(m[2]); bytes > limit {
			t.Errorf("package %s allocates %d bytes in %s allocations when the program starts; keep it under %d (sync.OnceValue for regexps and tables)", m[1], bytes, m[3], limit)
		}
	}
	if found == 0 {
		t.Fatalf("no inittrace lines for ssopick's packages:\n%s", strings.TrimSpace(string(out)))
	}
}
