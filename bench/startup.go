package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// command is one process to time: argv and its environment. A shell
// command line (for fzf's redirections) is argv sh -c LINE.
type command struct {
	argv []string
	env  []string
}

func (c command) run() (time.Duration, error) {
	cmd := exec.Command(c.argv[0], c.argv[1:]...)
	cmd.Env = c.env
	start := time.Now()
	out, err := cmd.CombinedOutput()
	d := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%s: %v\n%.300s", strings.Join(c.argv, " "), err, out)
	}
	return d, nil
}

// paired is the outcome of timing A against B.
type paired struct {
	a, b  time.Duration // medians
	ratio float64       // median of the pairwise ratios A/B
}

// timePaired runs A and B in turn, reps times each after one warm-up
// pair, and takes the ratio pair by pair, so that the machine's speed
// drifting during the run (these machines are shared) moves both sides of
// each ratio alike.
func timePaired(reps int, a, b command) (paired, error) {
	var as, bs []time.Duration
	var ratios []float64
	for i := range reps + 1 {
		da, err := a.run()
		if err != nil {
			return paired{}, err
		}
		db, err := b.run()
		if err != nil {
			return paired{}, err
		}
		if i == 0 {
			continue
		}
		as, bs = append(as, da), append(bs, db)
		ratios = append(ratios, da.Seconds()/db.Seconds())
	}
	return paired{a: median(as), b: median(bs), ratio: median(ratios)}, nil
}

// timeAlone is the median of reps runs of c after one warm-up run.
func timeAlone(reps int, c command) (time.Duration, error) {
	var ds []time.Duration
	for i := range reps + 1 {
		d, err := c.run()
		if err != nil {
			return 0, err
		}
		if i > 0 {
			ds = append(ds, d)
		}
	}
	return median(ds), nil
}

func median[T float64 | time.Duration](v []T) T {
	v = slices.Clone(v)
	slices.Sort(v)
	return v[len(v)/2]
}

func benchEnv(home string, extra ...string) []string {
	return append([]string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".state"), "TERM=xterm-256color"}, extra...)
}

// buildYardsticks builds the two programs start-up is held against, from
// the project's own go.mod: a hello-world and the stack's floor.
func buildYardsticks(work string) (hello, floor string, err error) {
	hello, floor = filepath.Join(work, "hello"), filepath.Join(work, "floor")
	for pkg, out := range map[string]string{"./bench/hello": hello, "./bench/floor": floor} {
		if b, err := exec.Command("go", "build", "-o", out, pkg).CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("build %s: %v\n%s", pkg, err, b)
		}
	}
	return hello, floor, nil
}

// processFigures holds ssopick --version and status (the prompt's
// command) against the stack's floor, and the floor against a
// hello-world.
func processFigures(bin, work string, reps int) ([]figure, error) {
	hello, floor, err := buildYardsticks(work)
	if err != nil {
		return nil, err
	}
	env := benchEnv(filepath.Join(work, "empty-home"))
	// What an ssopick shell exports, with keys that end in an hour.
	statusEnv := append(benchEnv(filepath.Join(work, "empty-home")),
		"SSOPICK_ROLE_NAME=ViewOnlyAccess", "SSOPICK_ACCOUNT_NAME=acme-prod-pay", "SSOPICK_ACCOUNT_ID=123456789012",
		"AWS_CREDENTIAL_EXPIRATION="+time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	floorCmd := command{argv: []string{floor}, env: env}
	stack, err := timePaired(reps, floorCmd, command{argv: []string{hello}, env: env})
	if err != nil {
		return nil, err
	}
	version, err := timePaired(reps, command{argv: []string{bin, "--version"}, env: env}, floorCmd)
	if err != nil {
		return nil, err
	}
	status, err := timePaired(reps, command{argv: []string{bin, "status", "--short"}, env: statusEnv}, floorCmd)
	if err != nil {
		return nil, err
	}
	return []figure{
		{name: "start-up: the stack's floor (does nothing, links Bubble Tea, Lip Gloss, Cobra, the SDK)", measured: millis(stack.a), limit: millis(stack.b) + " (hello-world)",
			note: fmt.Sprintf("%.2f× a hello-world; no target, the yardstick below", stack.ratio)},
		{name: "start-up: `ssopick --version`", measured: millis(version.a), limit: "1.15× the floor", ratio: version.ratio / 1.15,
			note: fmt.Sprintf("%.2f× the floor (%s)", version.ratio, millis(version.b))},
		{name: "start-up: `ssopick status --short` (the prompt's command)", measured: millis(status.a), limit: "1.15× the floor", ratio: status.ratio / 1.15,
			note: fmt.Sprintf("%.2f× the floor (%s)", status.ratio, millis(status.b))},
	}, nil
}

// listFigures times list --json, and list QUERY against fzf --filter
// over the same rows as text, for each of the data set's queries.
func listFigures(bin string, d dataset, reps int, jsonLimit time.Duration) ([]figure, error) {
	env := benchEnv(d.home)
	listJSON, err := timeAlone(reps, command{argv: []string{bin, "list", "--json"}, env: env})
	if err != nil {
		return nil, err
	}
	shape := fmt.Sprintf("%s rows, %d bytes a row", thousands(d.rows), d.meanLen)
	figures := []figure{{name: fmt.Sprintf("`ssopick list --json`, %s", shape), measured: millis(listJSON), limit: millis(jsonLimit),
		ratio: listJSON.Seconds() / jsonLimit.Seconds()}}
	fzf, err := exec.LookPath("fzf")
	if err != nil {
		return append(figures, figure{name: "`ssopick list QUERY` against fzf", measured: "fzf not installed (Debian package fzf)"}), nil
	}
	for _, q := range d.queries {
		// fzf exits 1 when nothing matches; every query here matches.
		line := fmt.Sprintf("%s --filter '%s' < %s > /dev/null", fzf, q, d.rowsFile)
		p, err := timePaired(reps, command{argv: append([]string{bin, "list"}, strings.Fields(q)...), env: env}, command{argv: []string{"sh", "-c", line}, env: env})
		if err != nil {
			return nil, err
		}
		figures = append(figures, figure{name: fmt.Sprintf("`ssopick list %s` against `fzf --filter '%s'`, %s", q, q, shape),
			measured: millis(p.a), limit: "1.0× fzf (" + millis(p.b) + ")", ratio: p.ratio})
	}
	return figures, nil
}

func thousands(n int) string {
	if n < 1000 {
		return fmt.Sprint(n)
	}
	return fmt.Sprintf("%d,%03d", n/1000, n%1000)
}
