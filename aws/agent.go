//go:build !windows

package aws

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// The agent keeps role credentials in memory for a user who has no OS
// keychain (a headless server, a container, CI). It is `ssopick agent`,
// started on demand (StartAgent) and detached, one per user and cache
// directory. It listens on a Unix socket in a directory only the user can
// enter (0700, owned by them), checks that each peer runs as the same user
// where the system says (SO_PEERCRED on Linux, LOCAL_PEERCRED on macOS),
// and exits when it has been idle for AgentIdle, when everything it held
// has expired, or when its socket is removed. Its protocol is one JSON
// request and one JSON response per connection.

// AgentIdle is how long the agent waits for a request before it exits.
const AgentIdle = 15 * time.Minute

// agentTick is how often the agent drops expired entries and checks
// whether it should exit.
var agentTick = 5 * time.Second

const (
	// maxSocketPath: sun_path holds 108 bytes on Linux, 104 on macOS.
	maxSocketPath = 100
	// agentTimeout bounds one request, from either side.
	agentTimeout = 5 * time.Second
	// agentStartWait is how long a client waits for an agent it started.
	agentStartWait = 3 * time.Second
	// maxAgentRequest and maxAgentEntries bound what the agent takes in.
	maxAgentRequest = 64 << 10
	maxAgentEntries = 10000
)

type agentRequest struct {
	Op    string      `json:"op"` // get, put or delete
	Key   string      `json:"key"`
	Entry *CachedRole `json:"entry,omitempty"`
}

type agentResponse struct {
	Found bool        `json:"found,omitempty"`
	Entry *CachedRole `json:"entry,omitempty"`
	Error string      `json:"error,omitempty"`
}

// AgentSocket is where the agent for these paths listens:
// $XDG_RUNTIME_DIR/ssopick/agent-HASH.sock; else $TMPDIR/ssopick-UID/
// agent-HASH.sock, as ssh-agent's sockets live in /tmp (a home directory
// on NFS may not hold sockets); else, when that directory belongs to
// someone else, beside the cache (~/.cache/ssopick/agent/sock). HASH is of
// the cache directory, so that each cache has its own agent. Paths too
// long for a socket are passed over.
func AgentSocket(getenv func(string) string, p Paths) (string, error) {
	sum := sha256.Sum256([]byte(p.Cache))
	name := "agent-" + hex.EncodeToString(sum[:6]) + ".sock"
	var candidates []string
	if rt := getenv("XDG_RUNTIME_DIR"); filepath.IsAbs(rt) {
		candidates = append(candidates, filepath.Join(rt, "ssopick", name))
	}
	candidates = append(candidates, filepath.Join(os.TempDir(), "ssopick-"+strconv.Itoa(os.Getuid()), name))
	if p.Cache != "" {
		candidates = append(candidates, filepath.Join(p.Cache, "agent", "sock"))
	}
	for _, c := range candidates {
		if len(c) > maxSocketPath {
			continue
		}
		if _, err := os.Lstat(filepath.Dir(c)); err == nil && privateDir(filepath.Dir(c), false) != nil {
			continue // someone else's, or not a directory
		}
		return c, nil
	}
	return "", errors.New("no private directory with a short enough path for the agent's socket")
}

// privateDir checks that dir is a directory (not a link) owned by this
// user that nobody else can enter, creating it (0700) when create is set.
// One of ours with a looser mode is made 0700.
func privateDir(dir string, create bool) error {
	if create {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("%s belongs to another user; remove it", dir)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("%s is open to other users (mode %v): %w", dir, fi.Mode().Perm(), err)
		}
	}
	return nil
}

// errPeerUnknown: the system cannot say who is at the other end of a
// socket; the directory's mode is the only guard.
var errPeerUnknown = errors.New("peer credentials are not available here")

// checkPeer refuses a connection whose other end runs as another user.
func checkPeer(c *net.UnixConn) error {
	uid, err := peerUID(c)
	switch {
	case errors.Is(err, errPeerUnknown):
		return nil
	case err != nil:
		return fmt.Errorf("check the agent's peer: %w", err)
	case uid != os.Getuid():
		return fmt.Errorf("the other end of the agent's socket runs as user %d, not %d", uid, os.Getuid())
	}
	return nil
}

// agent is the server's state.
type agent struct {
	mu      sync.Mutex
	entries map[string]CachedRole
	last    time.Time // the last request
	held    bool      // it has held something since it started
	now     func() time.Time
}

func (a *agent) handle(req agentRequest) agentResponse {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	a.last = now
	switch req.Op {
	case "get":
		if e, ok := a.entries[req.Key]; ok && now.Before(e.Expiration) {
			return agentResponse{Found: true, Entry: &e}
		}
		return agentResponse{}
	case "put":
		if req.Entry == nil || !now.Before(req.Entry.Expiration) {
			return agentResponse{Error: "put takes an entry that has not expired"}
		}
		if _, ok := a.entries[req.Key]; !ok && len(a.entries) >= maxAgentEntries {
			return agentResponse{Error: "the agent is full"}
		}
		a.entries[req.Key] = *req.Entry
		a.held = true
		return agentResponse{}
	case "delete":
		delete(a.entries, req.Key)
		return agentResponse{}
	}
	return agentResponse{Error: fmt.Sprintf("unknown op %q", req.Op)}
}

// sweep drops expired entries and reports whether the agent should exit:
// idle too long, or everything it held has gone.
func (a *agent) sweep(idle time.Duration) (exit bool, why string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	for k, e := range a.entries {
		if !now.Before(e.Expiration) {
			delete(a.entries, k)
		}
	}
	switch {
	case now.Sub(a.last) >= idle:
		return true, "idle"
	case a.held && len(a.entries) == 0:
		return true, "everything it held has expired"
	}
	return false, ""
}

func (a *agent) serve(c *net.UnixConn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(agentTimeout))
	if checkPeer(c) != nil {
		return
	}
	var req agentRequest
	var resp agentResponse
	if err := json.NewDecoder(io.LimitReader(c, maxAgentRequest)).Decode(&req); err != nil {
		resp = agentResponse{Error: "malformed request"}
	} else {
		resp = a.handle(req)
	}
	_ = json.NewEncoder(c).Encode(resp)
}

// ServeAgent serves role credentials on socket until the agent has been
// idle for idle, everything it held has expired, the socket (or its
// directory) is removed, the cache directory it serves (cacheDir, when
// given; or its nearest ancestor there is) is removed, or ctx ends.
// Another agent already serving the socket is not an error: this one
// returns at once. It leaves no file behind.
func ServeAgent(ctx context.Context, socket string, idle time.Duration, cacheDir string) error {
	if idle <= 0 {
		idle = AgentIdle
	}
	if err := privateDir(filepath.Dir(socket), true); err != nil {
		return err
	}
	// One agent per socket: one that answers there already serves it. A
	// socket nobody answers on was left by an agent that was killed.
	if c, err := net.DialTimeout("unix", socket, time.Second); err == nil {
		c.Close()
		return nil
	}
	_ = os.Remove(socket)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: socket, Net: "unix"})
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil // another agent bound it a moment ago
	}
	if err != nil {
		return fmt.Errorf("listen on %s: %w", socket, err)
	}
	// The socket is removed below, only while it is still this one's.
	ln.SetUnlinkOnClose(false)
	if err := os.Chmod(socket, 0o600); err != nil {
		ln.Close()
		return err
	}
	mine, err := os.Stat(socket)
	if err != nil {
		ln.Close()
		return err
	}
	defer func() {
		ln.Close()
		if fi, err := os.Stat(socket); err == nil && os.SameFile(fi, mine) {
			_ = os.Remove(socket)
		}
	}()

	// What the agent serves ends with the cache directory (a temporary
	// HOME, say): watch it, or its nearest ancestor that exists.
	var watched string
	var cache os.FileInfo
	for dir := cacheDir; dir != "" && cache == nil; {
		if fi, err := os.Stat(dir); err == nil {
			watched, cache = dir, fi
		} else if parent := filepath.Dir(dir); parent != dir {
			dir = parent
		} else {
			break
		}
	}
	a := &agent{entries: map[string]CachedRole{}, now: time.Now}
	a.last = a.now()
	accepted := make(chan error, 1)
	go func() {
		for {
			c, err := ln.AcceptUnix()
			if err != nil {
				accepted <- err
				return
			}
			go a.serve(c)
		}
	}()
	tick := time.NewTicker(min(agentTick, max(idle/4, 10*time.Millisecond)))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-accepted:
			return fmt.Errorf("serve %s: %w", socket, err)
		case <-tick.C:
			if exit, _ := a.sweep(idle); exit {
				return nil
			}
			if fi, err := os.Stat(socket); err != nil || !os.SameFile(fi, mine) {
				return nil // removed: nobody can reach this agent
			}
			if fi, err := os.Stat(watched); cache != nil && (err != nil || !os.SameFile(fi, cache)) {
				return nil // the cache it serves is gone (a temporary HOME, say)
			}
		}
	}
}

// errNoAgent: no agent serves the socket.
var errNoAgent = errors.New("no agent is running")

// agentCache is the RoleCache held by the agent.
type agentCache struct {
	socket string
	// startLock is the lock file taken to start an agent (beside the
	// cache, so that nothing is left beside the socket).
	startLock string
	start     func(socket string) error
}

func (a *agentCache) Get(key string) (CachedRole, bool, error) {
	resp, err := a.call(agentRequest{Op: "get", Key: key}, false)
	if errors.Is(err, errNoAgent) {
		return CachedRole{}, false, nil // nothing is held anywhere
	}
	if err != nil || !resp.Found || resp.Entry == nil {
		return CachedRole{}, false, err
	}
	return *resp.Entry, true, nil
}

func (a *agentCache) Put(key string, e CachedRole) error {
	_, err := a.call(agentRequest{Op: "put", Key: key, Entry: &e}, true)
	return err
}

func (a *agentCache) Delete(key string) error {
	_, err := a.call(agentRequest{Op: "delete", Key: key}, false)
	if errors.Is(err, errNoAgent) {
		return nil
	}
	return err
}

// call sends one request; with start, an agent is started when none runs.
func (a *agentCache) call(req agentRequest, start bool) (agentResponse, error) {
	c, err := a.dial()
	if err != nil && start && a.start != nil {
		c, err = a.startAndDial()
	}
	if err != nil {
		return agentResponse{}, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(agentTimeout))
	if err := checkPeer(c); err != nil {
		return agentResponse{}, err
	}
	if err := json.NewEncoder(c).Encode(req); err != nil {
		return agentResponse{}, fmt.Errorf("talk to the agent: %w", err)
	}
	var resp agentResponse
	if err := json.NewDecoder(io.LimitReader(c, maxAgentRequest)).Decode(&resp); err != nil {
		return agentResponse{}, fmt.Errorf("talk to the agent: %w", err)
	}
	if resp.Error != "" {
		return agentResponse{}, fmt.Errorf("the agent: %s", resp.Error)
	}
	return resp, nil
}

// dial connects to a running agent, through a directory that is private.
func (a *agentCache) dial() (*net.UnixConn, error) {
	dir := filepath.Dir(a.socket)
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		return nil, errNoAgent
	}
	if err := privateDir(dir, false); err != nil {
		return nil, fmt.Errorf("the agent's directory: %w", err)
	}
	c, err := net.DialTimeout("unix", a.socket, agentTimeout)
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", errNoAgent, err)
	}
	return c.(*net.UnixConn), nil
}

// startAndDial starts an agent and connects to it. A lock keeps processes
// that find none at the same moment from starting one each.
func (a *agentCache) startAndDial() (*net.UnixConn, error) {
	if err := privateDir(filepath.Dir(a.socket), true); err != nil {
		return nil, fmt.Errorf("the agent's directory: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), agentStartWait+agentTimeout)
	defer cancel()
	lock := a.startLock
	if lock == "" {
		lock = a.socket + ".start"
	}
	unlock, err := lockFile(ctx, lock)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if c, err := a.dial(); err == nil {
		return c, nil // another process started it meanwhile
	}
	if err := a.start(a.socket); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(agentStartWait)
	for {
		c, err := a.dial()
		if err == nil || time.Now().After(deadline) {
			return c, err
		}
		time.Sleep(5 * time.Millisecond)
	}
}
