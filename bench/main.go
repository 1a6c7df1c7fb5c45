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
	flag.Parse()
	if err := run(*quick, *skipCold); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(quick, skipCold bool) error {
	work, err := os.MkdirTemp("", "ssopick-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
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

	rows := 20000
	reps := 20
	if quick {
		reps = 5
	}
	home, err := cachedHome(work, rows)
	if err != nil {
		return err
	}
	f, err := startup(bin, home, reps)
	if err != nil {
		return err
	}
	figures = append(figures, f...)
	f, err = firstFrameAndMemory(bin, home, reps)
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
	conn, err := aws.Connect(ctx, s, aws.Environment{
		Getenv: func(k string) string { return endpoints[k] },
		Paths:  aws.Paths{AWSConfig: filepath.Join(work, "none"), AWSCredentials: filepath.Join(work, "none"), SSOCache: dir, Cache: dir},
	})
	if err != nil {
		return nil, err
	}
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

// cachedHome is a HOME whose ssopick cache holds a fresh catalogue of n
// rows for [sso-session bench], so runs answer without the network.
func cachedHome(work string, n int) (string, error) {
	home := filepath.Join(work, "home")
	org := sandbox.NewOrganisation(n/2, 7)
	var rows []aws.Row
	for _, a := range org.Accounts {
		for _, r := range a.Roles {
			if len(rows) < n {
				rows = append(rows, aws.Row{AccountID: a.ID, AccountName: a.Name, Email: a.Email, RoleName: r, Session: "bench"})
			}
		}
	}
	aws.SortRows(rows)
	s := aws.Session{Name: "bench", StartURL: "https://bench.awsapps.com/start", Region: "us-east-1"}
	if err := aws.AddSSOSession(filepath.Join(home, ".aws", "config"), s); err != nil {
		return "", err
	}
	cache := aws.CatalogueCache{Dir: filepath.Join(home, ".cache", "ssopick")}
	if err := cache.Save(s, &aws.Catalogue{Session: "bench", StartURL: s.StartURL, FetchedAt: time.Now(), Rows: rows}); err != nil {
		return "", err
	}
	// The same rows as text, for fzf.
	var text strings.Builder
	for _, r := range rows {
		text.WriteString(r.SearchText() + "\n")
	}
	return home, os.WriteFile(filepath.Join(work, "rows.txt"), []byte(text.String()), 0o600)
}

func benchEnv(home string) []string {
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".state"), "TERM=xterm-256color"}
}

// timeRuns runs a command reps times and returns the median wall time.
func timeRuns(reps int, env []string, name string, args ...string) (time.Duration, error) {
	var times []time.Duration
	for range reps {
		cmd := exec.Command(name, args...)
		cmd.Env = env
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil && !strings.Contains(name, "fzf") {
			return 0, fmt.Errorf("%s %v: %v\n%.300s", name, args, err, out)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}

const query = "pay prod adm"

func startup(bin, home string, reps int) ([]figure, error) {
	env := benchEnv(home)
	version, err := timeRuns(reps, env, bin, "--version")
	if err != nil {
		return nil, err
	}
	listJSON, err := timeRuns(reps, env, bin, "list", "--json")
	if err != nil {
		return nil, err
	}
	listQuery, err := timeRuns(reps, env, bin, "list", query)
	if err != nil {
		return nil, err
	}
	figures := []figure{
		{name: "start-up: `ssopick --version` (process baseline)", measured: millis(version), limit: "–"},
		{name: "start-up: `ssopick list --json`, 20,000 cached rows", measured: millis(listJSON), limit: "50 ms", ratio: listJSON.Seconds() / 0.050,
			note: fmt.Sprintf("%.1f× the baseline", listJSON.Seconds()/version.Seconds())},
	}
	fzf, err := exec.LookPath("fzf")
	if err != nil {
		figures = append(figures, figure{name: "start-up: `ssopick list " + query + "`", measured: millis(listQuery), limit: "fzf not installed"})
		return figures, nil
	}
	rowsFile := filepath.Join(filepath.Dir(home), "rows.txt")
	fzfTime, err := timeRuns(reps, env, "sh", "-c", fzf+" --filter '"+query+"' < "+rowsFile+" > /dev/null")
	if err != nil {
		return nil, err
	}
	return append(figures,
		figure{name: "start-up: `fzf --filter '" + query + "'`, same rows as text", measured: millis(fzfTime), limit: "–"},
		figure{name: "start-up: `ssopick list " + query + "`, 20,000 cached rows", measured: millis(listQuery), limit: millis(fzfTime) + " (fzf)", ratio: listQuery.Seconds() / fzfTime.Seconds()},
	), nil
}

// firstFrameAndMemory runs the picker in tmux over the cached catalogue:
// the probe reports the time to the first frame with rows; after typing a
// query, the peak RSS is read from /proc.
func firstFrameAndMemory(bin, home string, reps int) ([]figure, error) {
	if _, err := exec.LookPath("tmux"); err != nil {
		return []figure{{name: "first frame", measured: "tmux not installed"}}, nil
	}
	probe := filepath.Join(filepath.Dir(home), "first-frame")
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
		env := append(benchEnv(home), fmt.Sprintf("SSOPICK_FIRST_FRAME_PROBE=%s:%d", probe, time.Now().UnixNano()))
		name := fmt.Sprintf("run%d", i)
		args := append([]string{"new-session", "-d", "-s", name, "-x", "120", "-y", "40", "env", "-i"}, env...)
		if out, err := tmux(append(args, bin)...); err != nil {
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
		{name: "first frame: process start to the picker drawn, 20,000 cached rows", measured: fmt.Sprintf("%.1f ms", median), limit: "80 ms", ratio: median / 80,
			note: fmt.Sprintf("median of %d runs in tmux", len(times))},
		{name: "memory: peak RSS of the picker, 20,000 rows, after typing", measured: fmt.Sprintf("%.1f MB", float64(peak)/1024), limit: "60 MB", ratio: float64(peak) / 1024 / 60},
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
