package main

// Real-browser tests: Debian's chromium, headless, driven through the
// DevTools protocol by chromedp, one browser profile per test so that
// cookies persist across navigations as in a person's browser. The console
// is served as http://localhost:PORT (SSOPICK_FEDERATION_ENDPOINT), a
// different site from the one-shot link's http://127.0.0.1:PORT, as
// signin.aws.amazon.com is; the sandbox's console sets its session cookie
// with a browser's default attributes (no SameSite, so Lax).

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/ssopick/ssopick/launch"
	"github.com/ssopick/ssopick/sandbox"
)

// chromeSlots bounds the browsers running at once: the root package's
// tests run many at a time, and each Chromium is a handful of processes.
var chromeSlots = make(chan struct{}, 2)

// chromiumPath is Debian's chromium, or the test is skipped.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	t.Skip("chromium is not installed, so the real-browser tests are skipped (Debian: apt-get install chromium; .ci/run installs it)")
	return ""
}

// chrome is one headless Chromium with a profile of its own.
type chrome struct {
	t   *testing.T
	ctx context.Context

	mu   sync.Mutex
	docs []string // top-level and frame document requests, in order
	out  bytes.Buffer
}

// syncWriter guards the browser's output, written by chromedp's reader.
type syncWriter struct{ c *chrome }

func (w syncWriter) Write(p []byte) (int, error) {
	w.c.mu.Lock()
	defer w.c.mu.Unlock()
	return w.c.out.Write(p)
}

// newChrome starts Chromium for the test: headless, with a fresh profile
// (--user-data-dir) that it keeps for the whole test.
func newChrome(t *testing.T) *chrome {
	t.Helper()
	path := chromiumPath(t)
	chromeSlots <- struct{}{}
	t.Cleanup(func() { <-chromeSlots })
	profile, err := os.MkdirTemp("", "ssopick-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	// Chromium's helper processes may still be writing the profile for a
	// moment after the browser exits: retry rather than fail the test.
	t.Cleanup(func() {
		for range 50 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	c := &chrome{t: t}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Everything here is on loopback: no proxy from the environment.
		chromedp.Flag("no-proxy-server", true),
		chromedp.UserDataDir(profile),
		chromedp.CombinedOutput(syncWriter{c}),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), 3*time.Minute)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok && e.Type == network.ResourceTypeDocument {
			c.mu.Lock()
			c.docs = append(c.docs, e.Request.URL)
			c.mu.Unlock()
		}
	}))
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancelTimeout() })
	c.ctx = bctx
	start := time.Now()
	// The first command starts the browser and opens its tab.
	if _, err := chromedp.Run(bctx, chromedp.Location()); err != nil {
		t.Fatalf("start %s: %v\n%s", path, err, c.output())
	}
	v, err := chromedp.CallBrowser(bctx, browser.GetVersion, cdp.Empty{})
	if err != nil {
		t.Fatalf("%s: Browser.getVersion: %v", path, err)
	}
	t.Logf("%s started in %v", v.Product, time.Since(start).Round(time.Millisecond))
	return c
}

func (c *chrome) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

// mark is where the document log is now; since(mark) is what came after.
func (c *chrome) mark() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.docs)
}

func (c *chrome) since(mark int) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.docs[mark:]...)
}

// page is what the browser shows.
type page struct {
	URL, Title, Text string
	Account, Role    string // the sandbox console's fields
	Destination      string
}

// open navigates the tab to u, as a person pasting it in the address bar
// would, and reads the page it ends on. The error is a navigation that
// failed (nothing answered).
func (c *chrome) open(u string) (page, error) {
	err := chromedp.Do(c.ctx, chromedp.Navigate(u))
	return c.read(), err
}

// mustOpen is open for a navigation that must load a page.
func (c *chrome) mustOpen(u string) page {
	c.t.Helper()
	p, err := c.open(u)
	if err != nil {
		c.t.Fatalf("navigate to %s: %v (the tab shows %s)", u, err, p.URL)
	}
	return p
}

func (c *chrome) read() page {
	eval := func(expr string) string {
		v, _ := chromedp.Run(c.ctx, chromedp.Evaluate[string](expr))
		return v
	}
	byID := func(id string) string {
		return eval(`(function(){var e=document.getElementById("` + id + `");return e?e.textContent:""})()`)
	}
	return page{
		URL:         eval(`document.location.toString()`),
		Title:       eval(`document.title`),
		Text:        eval(`document.body?document.body.innerText:""`),
		Account:     byID("account"),
		Role:        byID("role"),
		Destination: byID("destination"),
	}
}

// background is ssopick running while the test drives the browser.
type background struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stdout bytes.Buffer
	stderr bytes.Buffer
	done   chan struct{}
	code   int
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *bytes.Buffer
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// start runs ssopick with args in the background, as binEnv.try does.
func (e *binEnv) start(t *testing.T, args ...string) *background {
	t.Helper()
	b := &background{cmd: exec.Command(ssopickBinary, args...), done: make(chan struct{})}
	b.cmd.Env = e.env
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	b.cmd.Stdout = lockedWriter{&b.mu, &b.stdout}
	b.cmd.Stderr = lockedWriter{&b.mu, &b.stderr}
	if err := b.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := b.cmd.Wait()
		b.code = 0
		if ee, ok := err.(*exec.ExitError); ok {
			b.code = ee.ExitCode()
		} else if err != nil {
			b.code = -1
		}
		close(b.done)
	}()
	t.Cleanup(func() {
		select {
		case <-b.done:
		default:
			_ = b.cmd.Process.Kill()
			<-b.done
		}
	})
	return b
}

func (b *background) output() (string, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stdout.String(), b.stderr.String()
}

// wait waits for ssopick to end and returns its stdout, stderr and status.
func (b *background) wait(t *testing.T, timeout time.Duration) (string, string, int) {
	t.Helper()
	select {
	case <-b.done:
	case <-time.After(timeout):
		_, stderr := b.output()
		t.Fatalf("ssopick %s still runs after %v:\n%s", strings.Join(b.cmd.Args[1:], " "), timeout, stderr)
	}
	stdout, stderr := b.output()
	return stdout, stderr, b.code
}

// handOffBrowser sets $BROWSER to a script that hands the URL it is given
// (its last argument) to the test, which opens it in Chromium. The
// returned function waits for the next URL.
func handOffBrowser(t *testing.T, e *binEnv) func(*background) string {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "url")
	script := filepath.Join(dir, "browser")
	writeExecutable(t, script, []byte("#!/bin/sh\n# The test's browser: hands the URL (the last argument) to the test.\nfor u; do :; done\n"+
		"printf '%s\\n' \"$u\" > '"+file+".tmp' && mv '"+file+".tmp' '"+file+"'\n"))
	setEnv(e, "BROWSER", script)
	return func(b *background) string {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for time.Now().Before(deadline) {
			if raw, err := os.ReadFile(file); err == nil {
				_ = os.Remove(file)
				return strings.TrimSpace(string(raw))
			}
			select {
			case <-b.done:
				_, stderr := b.output()
				t.Fatalf("ssopick ended (exit %d) without opening a browser:\n%s", b.code, stderr)
			case <-time.After(20 * time.Millisecond):
			}
		}
		_, stderr := b.output()
		t.Fatalf("ssopick opened no browser within a minute:\n%s", stderr)
		return ""
	}
}

// setEnv sets one variable of e's environment.
func setEnv(e *binEnv, key, value string) {
	for i, kv := range e.env {
		if strings.HasPrefix(kv, key+"=") {
			e.env[i] = key + "=" + value
			return
		}
	}
	e.env = append(e.env, key+"="+value)
}

// consoleOnLocalhost moves the console federation to http://localhost:PORT
// (the sandbox's port): another site than the one-shot link's 127.0.0.1.
// It returns that origin.
func consoleOnLocalhost(t *testing.T, e *binEnv) string {
	t.Helper()
	u, err := url.Parse(e.srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	origin := "http://localhost:" + u.Port()
	setEnv(e, "SSOPICK_FEDERATION_ENDPOINT", origin+"/federation")
	return origin
}

// session is a console session as the sandbox's cookie names it.
type session struct{ accountID, role string }

func (s session) String() string { return s.accountID + "/" + s.role }

func (s session) args() []string { return []string{"-a", s.accountID, "-r", s.role} }

var oneShotLink = regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/[0-9a-f]{32}$`)

func TestBrowserSignInWithPKCE(t *testing.T) {
	t.Parallel()
	c := newChrome(t)
	began := time.Now()
	e := newBinEnv(t)
	handed := handOffBrowser(t, e)
	login := e.start(t, "login")
	authorize := handed(login)

	// The authorization page: the sandbox's /authorize with PKCE (S256)
	// and a loopback redirect.
	au, err := url.Parse(authorize)
	if err != nil || !strings.HasPrefix(authorize, e.srv.URL()+"/authorize?") {
		t.Fatalf("the browser was given %q, not the sandbox's authorization page", authorize)
	}
	q := au.Query()
	redirect := q.Get("redirect_uri")
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" ||
		!regexp.MustCompile(`^http://127\.0\.0\.1:[0-9]+/oauth/callback$`).MatchString(redirect) {
		t.Errorf("authorization request %s", authorize)
	}

	mark := c.mark()
	p := c.mustOpen(authorize)
	// The browser went from the authorization page to ssopick's loopback
	// callback with a code and the same state, and shows ssopick's page.
	docs := c.since(mark)
	if len(docs) != 2 || docs[0] != authorize || !strings.HasPrefix(docs[1], redirect+"?") {
		t.Errorf("navigations %q, want the authorization page then the callback", docs)
	}
	cb, _ := url.Parse(p.URL)
	if !strings.HasPrefix(p.URL, redirect+"?") || cb.Query().Get("code") == "" || cb.Query().Get("state") != q.Get("state") {
		t.Errorf("the sign-in ended on %s", p.URL)
	}
	if !strings.Contains(p.Title, "Signed in") || !strings.Contains(p.Text, "You can close this tab") ||
		!strings.Contains(p.Text, "no longer waiting") || !strings.Contains(p.Text, "ssopick login") {
		t.Errorf("the page at the end (%q) does not say the tab can be closed and what to do if ssopick no longer waits:\n%s", p.Title, p.Text)
	}
	_, stderr, code := login.wait(t, time.Minute)
	if code != 0 || !strings.Contains(stderr, "Signed in to acme") {
		t.Fatalf("ssopick login: exit %d\n%s", code, stderr)
	}
	if st := e.srv.Stats(); st.Logins != 1 || st.Calls["Authorize"] != 1 {
		t.Errorf("sandbox saw %d sign-ins and %d authorization requests, want 1 and 1", st.Logins, st.Calls["Authorize"])
	}
	// The sign-in is usable: the catalogue lists without asking again.
	if out := e.run(t, ssopickBinary, "list"); !strings.Contains(out, "acme-audit") {
		t.Errorf("ssopick list after the browser sign-in:\n%s", out)
	}
	// Once ssopick stops waiting, nothing answers on the callback: the page
	// above is the only place to say what to do then.
	if again, err := c.open(p.URL); err == nil {
		t.Errorf("the callback still answers after ssopick ended: %s\n%s", again.URL, again.Text)
	}
	if st := e.srv.Stats(); st.Logins != 1 {
		t.Errorf("%d sign-ins after revisiting the callback", st.Logins)
	}
	t.Logf("sign-in in the browser: %v", time.Since(began).Round(time.Millisecond))
}

func TestBrowserConsoleLinkLandsOnTheRoleOnce(t *testing.T) {
	t.Parallel()
	c := newChrome(t)
	began := time.Now()
	e, acct := signedInEnv(t)
	origin := consoleOnLocalhost(t, e)
	handed := handOffBrowser(t, e)
	run := e.start(t, "console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--service", "s3", "--region", "eu-west-1")
	link := handed(run)
	if !oneShotLink.MatchString(link) {
		t.Fatalf("the browser was given %q, not a one-shot loopback link", link)
	}
	mark := c.mark()
	p := c.mustOpen(link)
	if docs := c.since(mark); len(docs) != 2 || docs[0] != link || !strings.HasPrefix(docs[1], origin+"/federation?Action=login&") {
		t.Errorf("navigations %q, want the one-shot link then the console sign-in", docs)
	}
	if !strings.HasPrefix(p.URL, origin+"/federation?") || p.Role != "ViewOnlyAccess" || !strings.Contains(p.Account, acct.ID) ||
		p.Destination != "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1" || !strings.Contains(p.Text, "Signed in to the AWS console") {
		t.Errorf("the browser landed on %s:\n%s", p.URL, p.Text)
	}
	_, stderr, code := run.wait(t, time.Minute)
	if code != 0 || !strings.Contains(stderr, "Opened the AWS console as ViewOnlyAccess") {
		t.Errorf("ssopick console: exit %d\n%s", code, stderr)
	}
	logins := e.srv.Stats().ConsoleLogins
	if len(logins) != 1 || logins[0].AccountID != acct.ID || logins[0].RoleName != "ViewOnlyAccess" || logins[0].PriorSession != "" {
		t.Errorf("console logins %+v", logins)
	}

	// A second visit to the link is refused: ssopick no longer serves it.
	if again, err := c.open(link); err == nil {
		t.Errorf("a second visit to the one-shot link loaded %s:\n%s", again.URL, again.Text)
	} else {
		t.Logf("second visit after ssopick ended: %v", err)
	}
	// While it still serves (ssopick waits for the first visit only), a
	// second visit gets a page saying the link has been used.
	once, err := launch.ServeOnce(origin + "/start")
	if err != nil {
		t.Fatal(err)
	}
	if first := c.mustOpen(once.URL); !strings.HasPrefix(first.URL, origin+"/start") {
		t.Errorf("first visit to a one-shot link landed on %s", first.URL)
	}
	if again := c.mustOpen(once.URL); again.URL != once.URL || !strings.Contains(again.Text, "has been used") {
		t.Errorf("second visit to a one-shot link: %s\n%s", again.URL, again.Text)
	}
	if err := once.Wait(context.Background(), time.Second); err != nil {
		t.Error(err)
	}
	if n := len(e.srv.Stats().ConsoleLogins); n != 1 {
		t.Errorf("%d console logins after the second visits, want 1", n)
	}
	t.Logf("console link in the browser: %v", time.Since(began).Round(time.Millisecond))
}

// consoleForm gets the URL for the browser from `ssopick console` in one of
// its forms: opened (through $BROWSER), printed (--print-url) or copied
// (--copy-url to a fake xclip). finish checks how ssopick ended once the
// browser has been there.
type consoleForm func(t *testing.T, args ...string) (u string, finish func())

func formOf(t *testing.T, e *binEnv, form string) consoleForm {
	t.Helper()
	switch form {
	case "opened":
		handed := handOffBrowser(t, e)
		return func(t *testing.T, args ...string) (string, func()) {
			run := e.start(t, append([]string{"console"}, args...)...)
			link := handed(run)
			if !oneShotLink.MatchString(link) {
				t.Fatalf("the browser was given %q, not a one-shot loopback link", link)
			}
			return link, func() {
				if _, stderr, code := run.wait(t, time.Minute); code != 0 || !strings.Contains(stderr, "Opened the AWS console") {
					t.Errorf("ssopick console %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
				}
			}
		}
	case "printed":
		return func(t *testing.T, args ...string) (string, func()) {
			out := e.run(t, ssopickBinary, append([]string{"console", "--print-url"}, args...)...)
			return strings.TrimSpace(out), func() {}
		}
	case "copied":
		// A clipboard: DISPLAY set and an xclip first on PATH that keeps
		// what it is given.
		dir := t.TempDir()
		clip := filepath.Join(dir, "clipboard")
		writeExecutable(t, filepath.Join(dir, "xclip"), []byte("#!/bin/sh\n# A fake xclip: keeps what is copied (-in) for the test.\n"+
			"case \" $* \" in *' -in '*|*' -i '*) cat > '"+clip+".tmp' && mv '"+clip+".tmp' '"+clip+"' ;; *) cat '"+clip+"' 2>/dev/null ;; esac\n"))
		setEnv(e, "PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
		setEnv(e, "DISPLAY", ":99")
		return func(t *testing.T, args ...string) (string, func()) {
			_ = os.Remove(clip)
			out, stderr, code := e.try(ssopickBinary, append([]string{"console", "--copy-url"}, args...)...)
			if code != 0 || out != "" || !strings.Contains(stderr, "Copied the console link to the clipboard") {
				t.Fatalf("ssopick console --copy-url: exit %d, stdout %q\n%s", code, out, stderr)
			}
			raw, err := os.ReadFile(clip)
			if err != nil {
				t.Fatalf("nothing reached the clipboard: %v", err)
			}
			return strings.TrimSpace(string(raw)), func() {}
		}
	}
	t.Fatalf("unknown form %q", form)
	return nil
}

func TestBrowserLogoutFirstSwitchesTheConsoleSession(t *testing.T) {
	t.Parallel()
	for _, form := range []string{"opened", "printed", "copied"} {
		t.Run(form, func(t *testing.T) {
			t.Parallel()
			c := newChrome(t)
			began := time.Now()
			e, _ := signedInEnv(t)
			org := e.srv.Organisation()
			first := session{org.Accounts[1].ID, "ViewOnlyAccess"}
			second := session{org.Accounts[2].ID, "ReadOnlyAccess"}
			origin := consoleOnLocalhost(t, e)
			get := formOf(t, e, form)

			// Signed in to the console as the first role.
			u, finish := get(t, first.args()...)
			if p := c.mustOpen(u); p.Role != first.role || !strings.Contains(p.Account, first.accountID) {
				t.Fatalf("first sign-in landed on %s:\n%s", p.URL, p.Text)
			}
			finish()

			// --logout-first to the second: the sign-out, then the sign-in.
			u, finish = get(t, append(second.args(), "--logout-first")...)
			if form != "opened" {
				lu, err := url.Parse(u)
				if err != nil || !strings.HasPrefix(u, origin+"/oauth?") || lu.Query().Get("Action") != "logout" ||
					!strings.HasPrefix(lu.Query().Get("redirect_uri"), origin+"/federation?Action=login&") {
					t.Fatalf("the %s URL is %q, not the console's sign-out going on to the sign-in", form, u)
				}
			}
			mark := c.mark()
			p := c.mustOpen(u)
			finish()
			if p.Role != second.role || !strings.Contains(p.Account, second.accountID) || strings.Contains(p.Text, "still signed in") {
				t.Errorf("--logout-first landed on %s:\n%s", p.URL, p.Text)
			}
			// Top-level navigations all the way: no page of ssopick's own.
			docs := c.since(mark)
			if form == "opened" {
				if len(docs) == 0 || docs[0] != u {
					t.Errorf("navigations %q do not start at the one-shot link", docs)
				} else {
					docs = docs[1:]
				}
			}
			if len(docs) != 2 || !strings.HasPrefix(docs[0], origin+"/oauth?Action=logout&redirect_uri=") || !strings.HasPrefix(docs[1], origin+"/federation?Action=login&") {
				t.Errorf("navigations %q, want the sign-out then the sign-in", docs)
			}

			// The sign-out carried the first role's cookie; the new sign-in
			// came with none.
			st := e.srv.Stats()
			if len(st.ConsoleLogouts) != 1 || st.ConsoleLogouts[0].CookieSession != first.String() {
				t.Errorf("sign-outs %+v, want one carrying %s", st.ConsoleLogouts, first)
			}
			if len(st.ConsoleLogins) != 2 || st.ConsoleLogins[0].PriorSession != "" ||
				st.ConsoleLogins[1].AccountID != second.accountID || st.ConsoleLogins[1].RoleName != second.role || st.ConsoleLogins[1].PriorSession != "" {
				t.Errorf("console logins %+v: the second must be %s with no prior session", st.ConsoleLogins, second)
			}
			t.Logf("%s form in the browser: %v", form, time.Since(began).Round(time.Millisecond))
		})
	}
}

// TestBrowserWithoutLogoutFirstTheOldSessionStays is the control: it shows
// that the browser keeps the console's cookie across sign-ins (so the
// tests above would see a sign-out that did not happen), and that a
// sign-out loaded in a hidden frame of the loopback page, as ssopick used
// to do, reaches the console without the cookie.
func TestBrowserWithoutLogoutFirstTheOldSessionStays(t *testing.T) {
	t.Parallel()
	c := newChrome(t)
	began := time.Now()
	e, _ := signedInEnv(t)
	org := e.srv.Organisation()
	first := session{org.Accounts[1].ID, "ViewOnlyAccess"}
	second := session{org.Accounts[2].ID, "ReadOnlyAccess"}
	origin := consoleOnLocalhost(t, e)
	printed := func(s session) string {
		return strings.TrimSpace(e.run(t, ssopickBinary, append([]string{"console", "--print-url"}, s.args()...)...))
	}

	c.mustOpen(printed(first))
	// The old --logout-first: a page on 127.0.0.1 that loads the sign-out
	// in a hidden iframe, then goes on.
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>old</title><iframe src="%s/oauth?Action=logout" style="display:none"></iframe>`, origin)
	}))
	defer old.Close()
	if !strings.HasPrefix(old.URL, "http://127.0.0.1:") {
		t.Fatalf("the frame's page is on %s, not 127.0.0.1", old.URL)
	}
	c.mustOpen(old.URL)
	var logouts []sandbox.ConsoleLogout
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if logouts = e.srv.Stats().ConsoleLogouts; len(logouts) > 0 {
			break
		}
	}
	if len(logouts) != 1 || logouts[0].CookieSession != "" {
		t.Errorf("sign-outs %+v: a cross-site frame should reach the sign-out without the console cookie", logouts)
	}
	p := c.mustOpen(printed(second))
	if !strings.Contains(p.Text, "still signed in") {
		t.Errorf("the console page does not say the browser was still signed in:\n%s", p.Text)
	}
	logins := e.srv.Stats().ConsoleLogins
	if len(logins) != 2 || logins[1].PriorSession != first.String() {
		t.Errorf("console logins %+v: the second should still carry %s", logins, first)
	}
	t.Logf("control in the browser: %v", time.Since(began).Round(time.Millisecond))
}
