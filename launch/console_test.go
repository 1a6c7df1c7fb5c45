package launch

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestOneShotRedirectsOnce(t *testing.T) {
	target := "https://signin.aws.amazon.com/federation?Action=login&SigninToken=SECRET"
	o, err := ServeOnce(target)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(o.URL, "http://127.0.0.1:") || strings.Contains(o.URL, "SECRET") || len(o.URL) < len("http://127.0.0.1:1/")+32 {
		t.Fatalf("one-shot URL %q", o.URL)
	}
	resp, err := noRedirect.Get(o.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != target || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("first visit: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	again, err := noRedirect.Get(o.URL)
	if err == nil {
		again.Body.Close()
		if again.StatusCode != http.StatusGone {
			t.Errorf("second visit: %d, want 410", again.StatusCode)
		}
	}
	if err := o.Wait(context.Background(), time.Second); err != nil {
		t.Errorf("wait: %v", err)
	}
	if _, err := http.Get(o.URL); err == nil {
		t.Error("still serving after Wait")
	}
}

func TestOneShotSignsOutFirstAsATopLevelRedirect(t *testing.T) {
	// --logout-first hands ServeOnce the console's sign-out with the
	// sign-in as redirect_uri: the loopback link redirects there (no page
	// of its own, no frame), so the sign-out is the browser's own
	// navigation and carries the console's cookie.
	target := "https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri=" +
		url.QueryEscape("https://signin.aws.amazon.com/federation?Action=login&SigninToken=SECRET&Destination=x")
	o, err := ServeOnce(target)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := noRedirect.Get(o.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != target {
		t.Errorf("first visit: %d %q, want 302 to %q", resp.StatusCode, resp.Header.Get("Location"), target)
	}
	if strings.Contains(string(body), "<iframe") || strings.Contains(string(body), "<script") {
		t.Errorf("the one-shot link serves a page of its own: %s", body)
	}
	if err := o.Wait(context.Background(), time.Second); err != nil {
		t.Error(err)
	}
}

func TestOneShotTimesOut(t *testing.T) {
	o, err := ServeOnce("https://x")
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Wait(context.Background(), 10*time.Millisecond); err == nil || !strings.Contains(err.Error(), "did not open") {
		t.Errorf("unvisited link: %v", err)
	}
}

func TestFirefoxContainer(t *testing.T) {
	got := FirefoxContainer("acme prod", "http://127.0.0.1:1/abc")
	if got != "ext+container:name=acme+prod&url=http%3A%2F%2F127.0.0.1%3A1%2Fabc" {
		t.Errorf("container URL %q", got)
	}
}

func TestBrowserCommandGetsTheURLLast(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "argv")
	script := filepath.Join(dir, "browser")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s|' \"$@\" > "+log+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"BROWSER": script + " --profile 'work one'"}
	b := Browser{Getenv: func(k string) string { return env[k] }}
	if !b.CanOpen() {
		t.Fatal("$BROWSER set but CanOpen is false")
	}
	if err := b.Open("http://127.0.0.1:9/x"); err != nil {
		t.Fatal(err)
	}
	// Open does not wait for the browser; the script writes soon after.
	var got []byte
	for range 200 {
		if got, _ = os.ReadFile(log); len(got) > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if string(got) != "--profile|work one|http://127.0.0.1:9/x|" {
		t.Errorf("argv %q", got)
	}
	if (Browser{Command: "'unterminated", Getenv: func(string) string { return "" }}).Open("x") == nil {
		t.Error("an unparsable command was accepted")
	}
	headless := Browser{Getenv: func(k string) string { return map[string]string{"SSH_CONNECTION": "1 2 3 4"}[k] }}
	if headless.CanOpen() {
		t.Error("a bare SSH session claims it can open a browser")
	}
}
