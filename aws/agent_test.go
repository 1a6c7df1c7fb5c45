//go:build !windows

package aws

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// runAgent serves an agent on a socket in a new directory until the test
// ends; done is closed when ServeAgent returns.
func runAgent(t *testing.T, idle time.Duration) (socket string, done <-chan error) {
	t.Helper()
	socket = filepath.Join(t.TempDir(), "agent", "sock")
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan error, 1)
	go func() { ch <- ServeAgent(ctx, socket, idle, "") }()
	t.Cleanup(cancel)
	waitForSocket(t, socket)
	return socket, ch
}

func waitForSocket(t *testing.T, socket string) {
	t.Helper()
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if c, err := net.Dial("unix", socket); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("no agent on %s", socket)
}

func entry(life time.Duration) CachedRole {
	return CachedRole{RoleCredentials: RoleCredentials{AccessKeyID: "ASIA1", SecretAccessKey: "s", SessionToken: "t",
		Expiration: time.Now().Add(life).UTC().Round(0)}, SignIn: "id"}
}

func TestAgentKeepsWhatItIsGiven(t *testing.T) {
	t.Parallel()
	socket, _ := runAgent(t, time.Minute)
	a := &agentCache{socket: socket}
	if _, found, err := a.Get("k"); found || err != nil {
		t.Fatalf("empty agent: %v %v", found, err)
	}
	e := entry(time.Hour)
	if err := a.Put("k", e); err != nil {
		t.Fatal(err)
	}
	got, found, err := a.Get("k")
	if !found || err != nil || got.AccessKeyID != e.AccessKeyID || !got.Expiration.Equal(e.Expiration) || got.SignIn != "id" {
		t.Errorf("Get %+v %v %v", got, found, err)
	}
	if err := a.Delete("k"); err != nil {
		t.Fatal(err)
	}
	if _, found, _ := a.Get("k"); found {
		t.Error("deleted entry found")
	}
	if err := a.Put("old", entry(-time.Second)); err == nil {
		t.Error("the agent took an expired entry")
	}
	fi, err := os.Stat(filepath.Dir(socket))
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("socket directory %v %v", fi.Mode(), err)
	}
	if fi, err := os.Stat(socket); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("socket %v %v", fi.Mode(), err)
	}
}

func TestAgentAnswersBadRequestsWithAnError(t *testing.T) {
	t.Parallel()
	socket, _ := runAgent(t, time.Minute)
	for req, want := range map[string]string{"{nonsense\n": "malformed request", `{"op":"list"}` + "\n": `unknown op \"list\"`} {
		c, err := net.Dial("unix", socket)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(c, req)
		raw, _ := io.ReadAll(c)
		c.Close()
		if !strings.Contains(string(raw), want) {
			t.Errorf("%q: answered %s", req, raw)
		}
	}
}

func TestNoAgentIsNoEntry(t *testing.T) {
	t.Parallel()
	a := &agentCache{socket: filepath.Join(t.TempDir(), "none", "sock")}
	if _, found, err := a.Get("k"); found || err != nil {
		t.Errorf("Get with no agent: %v %v", found, err)
	}
	if err := a.Delete("k"); err != nil {
		t.Errorf("Delete with no agent: %v", err)
	}
	if err := a.Put("k", entry(time.Hour)); err == nil {
		t.Error("Put with no agent and no way to start one succeeded")
	}
}

func TestAgentIsStartedOnceOnDemand(t *testing.T) {
	t.Parallel()
	socket := filepath.Join(t.TempDir(), "agent", "sock")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var starts atomic.Int32
	start := func(s string) error {
		starts.Add(1)
		go func() { _ = ServeAgent(ctx, s, time.Minute, "") }() // as StartDetached would
		return nil
	}
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			a := &agentCache{socket: socket, start: start}
			if err := a.Put("k", entry(time.Hour)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := starts.Load(); n != 1 {
		t.Errorf("%d agents started for 10 clients, want 1", n)
	}
	if _, found, _ := (&agentCache{socket: socket}).Get("k"); !found {
		t.Error("the entry is not there")
	}
}

func TestOnlyOneAgentServesASocket(t *testing.T) {
	t.Parallel()
	socket, _ := runAgent(t, time.Minute)
	a := &agentCache{socket: socket}
	if err := a.Put("k", entry(time.Hour)); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- ServeAgent(context.Background(), socket, time.Minute, "") }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("second agent: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("a second agent serves the same socket")
	}
	if _, found, _ := a.Get("k"); !found {
		t.Error("the first agent lost its entry")
	}
}

// exitWithin bounds how long an agent takes to notice it must go: one
// tick, and as much again for a machine busy with parallel tests.
var exitWithin = 2*agentTick + 2*time.Second

func TestAgentExits(t *testing.T) {
	t.Parallel()
	waitExit := func(t *testing.T, done <-chan error, within time.Duration) {
		t.Helper()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("ServeAgent: %v", err)
			}
		case <-time.After(within):
			t.Fatalf("the agent still runs after %v", within)
		}
	}
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		socket, done := runAgent(t, 200*time.Millisecond)
		waitExit(t, done, 2*time.Second)
		if _, err := os.Stat(socket); !os.IsNotExist(err) {
			t.Errorf("the socket is left behind: %v", err)
		}
	})
	t.Run("everything expired", func(t *testing.T) {
		t.Parallel()
		socket, done := runAgent(t, 2*time.Second) // swept every 500ms
		a := &agentCache{socket: socket}
		if err := a.Put("k", entry(300*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(350 * time.Millisecond)
		if _, found, _ := a.Get("k"); found {
			t.Error("an expired entry was served")
		}
		waitExit(t, done, 1500*time.Millisecond)
	})
	t.Run("socket removed", func(t *testing.T) {
		t.Parallel()
		socket, done := runAgent(t, time.Minute) // checked every agentTick
		if err := os.RemoveAll(filepath.Dir(socket)); err != nil {
			t.Fatal(err)
		}
		waitExit(t, done, exitWithin)
	})
	t.Run("cache removed", func(t *testing.T) {
		t.Parallel()
		cache := filepath.Join(t.TempDir(), "cache")
		if err := os.Mkdir(cache, 0o700); err != nil {
			t.Fatal(err)
		}
		socket := filepath.Join(t.TempDir(), "agent", "sock")
		done := make(chan error, 1)
		go func() { done <- ServeAgent(context.Background(), socket, time.Minute, cache) }()
		waitForSocket(t, socket)
		if err := os.Remove(cache); err != nil {
			t.Fatal(err)
		}
		waitExit(t, done, exitWithin)
	})
	t.Run("the home of a cache that could not be made removed", func(t *testing.T) {
		t.Parallel()
		home := filepath.Join(t.TempDir(), "home")
		if err := os.Mkdir(home, 0o700); err != nil {
			t.Fatal(err)
		}
		socket := filepath.Join(t.TempDir(), "agent", "sock")
		done := make(chan error, 1)
		go func() {
			done <- ServeAgent(context.Background(), socket, time.Minute, filepath.Join(home, ".cache", "ssopick"))
		}()
		waitForSocket(t, socket)
		if err := os.RemoveAll(home); err != nil {
			t.Fatal(err)
		}
		waitExit(t, done, exitWithin)
		if entries, _ := os.ReadDir(filepath.Dir(socket)); len(entries) != 0 {
			t.Errorf("left behind: %v", entries)
		}
	})
}

func TestAgentDirectoryMustBePrivate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "loose")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := privateDir(dir, false); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("our own loose directory is left %v", fi.Mode().Perm())
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if err := privateDir(link, false); err == nil {
		t.Error("a symlink was taken for the agent's directory")
	}
	a := &agentCache{socket: filepath.Join(link, "sock")}
	if err := a.Put("k", entry(time.Hour)); err == nil {
		t.Error("Put through a symlinked directory succeeded")
	}
}

func TestAgentChecksItsPeer(t *testing.T) {
	t.Parallel()
	socket, _ := runAgent(t, time.Minute)
	c, err := net.Dial("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := checkPeer(c.(*net.UnixConn)); err != nil {
		t.Errorf("same user refused: %v", err)
	}
	uid, err := peerUID(c.(*net.UnixConn))
	if err != nil && err != errPeerUnknown || err == nil && uid != os.Getuid() {
		t.Errorf("peer uid %d %v", uid, err)
	}
}

func TestAgentSocketPlaces(t *testing.T) {
	t.Parallel()
	env := func(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }
	p := Paths{Cache: "/home/me/.cache/ssopick"}
	runtime := t.TempDir()
	got, err := AgentSocket(env(map[string]string{"XDG_RUNTIME_DIR": runtime}), p)
	if err != nil || !strings.HasPrefix(got, filepath.Join(runtime, "ssopick", "agent-")) || !strings.HasSuffix(got, ".sock") {
		t.Errorf("with XDG_RUNTIME_DIR: %q %v", got, err)
	}
	other, _ := AgentSocket(env(map[string]string{"XDG_RUNTIME_DIR": runtime}), Paths{Cache: "/elsewhere"})
	if other == got {
		t.Error("two caches share an agent")
	}
	tmp := filepath.Join(os.TempDir(), fmt.Sprintf("ssopick-%d", os.Getuid()))
	if got, err := AgentSocket(env(nil), p); err != nil || filepath.Dir(got) != tmp {
		t.Errorf("without XDG_RUNTIME_DIR: %q %v", got, err)
	}
	// A runtime directory whose ssopick directory is not a directory is
	// passed over.
	blocked := t.TempDir()
	if err := os.WriteFile(filepath.Join(blocked, "ssopick"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := AgentSocket(env(map[string]string{"XDG_RUNTIME_DIR": blocked}), p); err != nil || filepath.Dir(got) != tmp {
		t.Errorf("blocked runtime directory: %q %v", got, err)
	}
	long := "/" + strings.Repeat("d", 120)
	if got, err := AgentSocket(env(map[string]string{"XDG_RUNTIME_DIR": long}), p); err != nil || filepath.Dir(got) != tmp {
		t.Errorf("long runtime directory: %q %v", got, err)
	}
}
