// Command bench measures ssopick against its limits and a peer, all in one
// run on one machine, and prints one Markdown table: each row a figure, the
// limit or target it is held to, and the ratio.
//
//	go run ./bench            # everything (about 4 minutes)
//	go run ./bench -quick     # smaller catalogues, for a smoke run
//	go run ./bench -skip-cold # only the local figures (under a minute)
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/sandbox"
)

// figure is one row of the table.
type figure struct {
	name     string
	measured string
	limit    string
	ratio    float64 // measured / limit; 0 when not applicable
	note     string
}

func main() {
	quick := flag.Bool("quick", false, "smaller catalogues and fewer repetitions")
	skipCold := flag.Bool("skip-cold", false, "skip the cold catalogue runs (the slow part)")
	keep := flag.String("keep", "", "work in this directory and keep it (the data sets' HOMEs, for profiling)")
	flag.Parse()
	if err := pinToTwoCores(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	if err := run(*quick, *skipCold, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// pinToTwoCores runs the bench again under taskset on a machine with more
// than two cores: the targets are set for the two-core development
// machine, and a process's start-up scales with the cores it may use (the
// runtime starts a worker per core).
func pinToTwoCores() error {
	if runtime.NumCPU() <= 2 {
		return nil
	}
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return fmt.Errorf("%d cores and no taskset (Debian package util-linux) to pin the bench to two", runtime.NumCPU())
	}
	cmd := exec.Command(taskset, append([]string{"-c", "0,1", os.Args[0]}, os.Args[1:]...)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			os.Exit(exit.ExitCode())
		}
		return err
	}
	os.Exit(0)
	return nil
}

func run(quick, skipCold bool, keep string) error {
	work := keep
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "ssopick-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	} else if err := os.MkdirAll(work, 0o700); err != nil {
		return err
	}
	bin := filepath.Join(work, "ssopick")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return fmt.Errorf("build ssopick: %v\n%s", err, out)
	}

	var figures []figure
	cold := []struct {
		accounts int
		rps      float64
	}{{1000, 10}, {1000, 20}, {1000, 50}, {5000, 200}}
	if quick {
		cold = []struct {
			accounts int
			rps      float64
		}{{200, 20}, {500, 100}}
	}
	if skipCold {
		cold = nil
	}
	for _, c := range cold {
		f, err := coldCatalogue(work, c.accounts, c.rps)
		if err != nil {
			return err
		}
		figures = append(figures, f...)
	}

	reps := 20
	if quick {
		reps = 5
	}
	f, err := processFigures(bin, work, reps)
	if err != nil {
		return err
	}
	figures = append(figures, f...)
	const rows = 20000
	short, err := newDataset(work, "short", shortRows(rows), shortQueries)
	if err != nil {
		return err
	}
	long, err := newDataset(work, "long", longRows(rows), longQueries)
	if err != nil {
		return err
	}
	for _, d := range []dataset{short, long} {
		f, err := listFigures(bin, d, reps, 25*time.Millisecond)
		if err != nil {
			return err
		}
		figures = append(figures, f...)
	}
	f, err = firstFrameAndMemory(bin, short, reps)
	if err != nil {
		return err
	}
	figures = append(figures, f...)
	f, err = keystroke()
	if err != nil {
		return err
	}
	figures = append(figures, f...)
	printTable(figures)
	return nil
}

// coldCatalogue lists a fresh organisation with 20 ms latency under a
// throttle the client is not told about.
func coldCatalogue(work string, accounts int, rps float64) ([]figure, error) {
	const latency = 20 * time.Millisecond
	srv, err := sandbox.Start(sandbox.Options{Accounts: accounts, Latency: latency, ThrottleRPS: rps, AutoApprove: true, Seed: 1}, "")
	if err != nil {
		return nil, err
	}
	defer srv.Close()
	dir, err := os.MkdirTemp(work, "cold-")
	if err != nil {
		return nil, err
	}
	s := aws.Session{Name: "bench", StartURL: srv.StartURL(), Region: srv.Region()}
	ctx := context.Background()
	endpoints := map[string]string{"AWS_ENDPOINT_URL_SSO_OIDC": srv.URL(), "AWS_ENDPOINT_URL_SSO": srv.URL()}
	conn := aws.Connect(s, aws.Environment{
		Getenv: func(k string) string { return endpoints[k] },
		Paths:  aws.Paths{AWSConfig: filepath.Join(work, "none"), AWSCredentials: filepath.Join(work, "none"), SSOCache: dir, Cache: dir},
	})
	if _, err := conn.Auth.SignInWithDeviceCode(ctx, func(aws.DeviceCode) {}); err != nil {
		return nil, err
	}
	start := time.Now()
	cat, err := conn.Fetch(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("cold catalogue of %d accounts at %v rps: %w", accounts, rps, err)
	}
	wall := time.Since(start)
	pages := (accounts + 99) / 100
	bound := time.Duration(math.Max(float64(time.Duration(pages)*latency), float64(pages+accounts)/rps*float64(time.Second)))
	st := srv.Stats()
	failed := srv.Organisation().RoleCount() - len(cat.Rows)
	return []figure{{
		name:     fmt.Sprintf("catalogue, cold: %d accounts, %.0f req/s throttle, 20 ms latency", accounts, rps),
		measured: seconds(wall),
		limit:    seconds(bound),
		ratio:    wall.Seconds() / bound.Seconds(),
		note:     fmt.Sprintf("%d calls, %d × 429, %d failed rows", st.Calls["ListAccounts"]+st.Calls["ListAccountRoles"], st.Throttled, failed),
	}}, nil
}

// firstFrameAndMemory runs the picker in tmux over the cached catalogue:
// the probe reports the time to the first frame with rows; after typing a
// query, the peak RSS is read from /proc.
func firstFrameAndMemory(bin string, d dataset, reps int) ([]figure, error) {
	if _, err := exec.LookPath("tmux"); err != nil {
		return []figure{{name: "first frame", measured: "tmux not installed"}}, nil
	}
	probe := filepath.Join(filepath.Dir(d.home), "first-frame")
	socket := fmt.Sprintf("ssopick-bench-%d", os.Getpid())
	tmux := func(args ...string) (string, error) {
		out, err := exec.Command("tmux", append([]string{"-L", socket}, args...)...).CombinedOutput()
		return string(out), err
	}
	defer tmux("kill-server")
	// A session that outlives the measured ones keeps the server up
	// between runs.
	if out, err := tmux("new-session", "-d", "-s", "keep", "sleep", "3600"); err != nil {
		return nil, fmt.Errorf("tmux: %v %s", err, out)
	}
	var peak int
	for i := range reps {
		// The start time is taken in the pane, by the shell that then
		// becomes ssopick: tmux's own start of the pane (30–40 ms on the
		// development machine) is not ssopick's.
		line := "exec env -i"
		for _, kv := range benchEnv(d.home) {
			line += " " + shellQuote(kv)
		}
		line += " SSOPICK_FIRST_FRAME_PROBE=" + shellQuote(probe) + ":${EPOCHREALTIME/./}000 " + shellQuote(bin)
		name := fmt.Sprintf("run%d", i)
		if out, err := tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", "bash", "-c", line); err != nil {
			return nil, fmt.Errorf("tmux: %v %s", err, out)
		}
		if err := waitForLines(probe, i+1, 10*time.Second); err != nil {
			return nil, err
		}
		if i == 0 {
			pid, _ := tmux("display-message", "-p", "-t", name, "#{pane_pid}")
			for _, k := range []string{"p", "a", "y", "Space", "p", "r", "o", "d", "Space", "a", "d", "m", "BSpace", "BSpace", "BSpace", "Escape"} {
				_, _ = tmux("send-keys", "-t", name, k)
				time.Sleep(30 * time.Millisecond)
			}
			peak = vmHWM(strings.TrimSpace(pid))
		}
		_, _ = tmux("kill-session", "-t", name)
	}
	times, err := readFloats(probe)
	if err != nil {
		return nil, err
	}
	slices.Sort(times)
	median := times[len(times)/2]
	return []figure{
		{name: "first frame: process start to the picker drawn, " + thousands(d.rows) + " short rows", measured: fmt.Sprintf("%.1f ms", median), limit: "40 ms", ratio: median / 40,
			note: fmt.Sprintf("median of %d runs in tmux", len(times))},
		{name: "memory: peak RSS of the picker, " + thousands(d.rows) + " short rows, after typing", measured: fmt.Sprintf("%.1f MB", float64(peak)/1024), limit: "40 MB", ratio: float64(peak) / 1024 / 40},
	}, nil
}

// keystroke runs the ui package's BenchmarkKeystroke.
func keystroke() ([]figure, error) {
	out, err := exec.Command("go", "test", "./ui", "-run", "^$", "-bench", "^BenchmarkKeystroke$", "-benchtime", "3000x").CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("BenchmarkKeystroke: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`([\d.]+) p50-ms\s+([\d.]+) p99-ms`).FindStringSubmatch(string(out))
	if m == nil {
		return nil, fmt.Errorf("BenchmarkKeystroke printed no percentiles:\n%s", out)
	}
	p50, _ := strconv.ParseFloat(m[1], 64)
	p99, _ := strconv.ParseFloat(m[2], 64)
	return []figure{
		{name: "keystroke: Update+View per typed character, 20,000 rows, median", measured: fmt.Sprintf("%.2f ms", p50), limit: "–"},
		{name: "keystroke: Update+View per typed character, 20,000 rows, p99", measured: fmt.Sprintf("%.2f ms", p99), limit: "8 ms", ratio: p99 / 8},
	}, nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func waitForLines(file string, n int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if v, _ := readFloats(file); len(v) >= n {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the picker drew no frame within %v (probe %s)", timeout, file)
}

func readFloats(file string) ([]float64, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, err := strconv.ParseFloat(strings.TrimSpace(sc.Text()), 64); err == nil {
			out = append(out, v)
		}
	}
	return out, sc.Err()
}

// vmHWM is the peak resident set of a process in KiB.
func vmHWM(pid string) int {
	raw, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(raw)
	if m == nil {
		return 0
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return kb
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
func millis(d time.Duration) string  { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

func printTable(figures []figure) {
	host, _ := os.Hostname()
	fmt.Printf("ssopick bench, %s, %s/%s, %d CPUs, %s\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), host)
	fmt.Println("| figure | measured | limit / target | ratio | notes |")
	fmt.Println("| --- | --- | --- | --- | --- |")
	for _, f := range figures {
		ratio := "–"
		if f.ratio > 0 {
			ratio = fmt.Sprintf("%.2f×", f.ratio)
		}
		fmt.Printf("| %s | %s | %s | %s | %s |\n", f.name, f.measured, f.limit, ratio, f.note)
	}
}
