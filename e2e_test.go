package main

import (
	"bufio"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// ssopickBinary is built once per test run for tests that need a real
// process: signals, terminals, exit codes.
var ssopickBinary string

func TestMain(m *testing.M) {
	flag.Parse()
	// These tests wait on processes, sandboxes and terminals far more than
	// they compute: run more at once than there are CPUs, unless -parallel
	// says otherwise.
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		_ = flag.Set("test.parallel", strconv.Itoa(max(8, runtime.GOMAXPROCS(0))))
	}
	dir, err := os.MkdirTemp("", "ssopick-e2e-")
	if err != nil {
		panic(err)
	}
	ssopickBinary = filepath.Join(dir, "ssopick")
	build := exec.Command("go", "build", "-o", ssopickBinary, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		panic("build ssopick: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestSandboxCommandServesAndStopsOnCtrlC(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(ssopickBinary, "sandbox", "--accounts", "2000", "--throttle-rps", "20")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()

	var base string
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(lines.Text()), "export AWS_ENDPOINT_URL_SSO="); ok {
			base = v
			break
		}
	}
	if base == "" {
		t.Fatal("the sandbox did not print AWS_ENDPOINT_URL_SSO")
	}
	go io.Copy(io.Discard, stdout)
	resp, err := http.Get(base + "/_sandbox/stats")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stats: %v %v", resp, err)
	}
	resp.Body.Close()

	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("sandbox exited with %v after Ctrl-C, want status 0", err)
	}
}

// writeExecutable creates an executable at path with content. The tests
// run in parallel, and a file this process writes can still be open for
// writing in a child forked meanwhile (until that child execs), which
// makes running it fail with "text file busy" (Go issue 22315). So the
// executable is created by install(1), in a process of its own: none of
// ours ever holds it open for writing.
func writeExecutable(t *testing.T, path string, content []byte) {
	t.Helper()
	staged := filepath.Join(t.TempDir(), "staged")
	if err := os.WriteFile(staged, content, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("install", "-m", "0755", staged, path).CombinedOutput(); err != nil {
		t.Fatalf("install %s: %v %s", path, err, out)
	}
}
