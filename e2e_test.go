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
