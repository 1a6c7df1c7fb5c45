package sandbox

import (
	"bufio"
	"context"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// FlakyProxy sits in front of a backend and cuts requests off with a TCP
// reset, as a flaky network or an overloaded middlebox does.
//
// It is HTTP-aware, and a request (not a connection) is the unit of
// failure: because clients keep connections alive, deciding per connection
// would let one lucky connection carry every request. For each request read
// from a client connection it draws from a PCG sequence seeded with the
// seed: with probability resetRate it resets the connection after the
// request's head has arrived (SO_LINGER 0, then close: the client sees
// "connection reset by peer" while waiting for the answer); otherwise it
// forwards the request to the backend and writes the answer back on the
// same connection.
//
// Go's http.Transport silently retries idempotent requests (GET, HEAD…)
// that fail on a reused connection, so a test that wants to see every reset
// should count them with Resets or send POSTs.
type FlakyProxy struct {
	ln        net.Listener
	backend   *url.URL
	resetRate float64
	transport *http.Transport
	ctx       context.Context // cancelled by Close, ends requests to the backend
	cancel    context.CancelFunc
	wg        sync.WaitGroup

	mu          sync.Mutex
	rng         *mrand.Rand
	conns       map[net.Conn]struct{}
	closed      bool
	resets      int
	connections int
}

// StartFlakyProxy starts a flaky proxy on 127.0.0.1 in front of backend
// ("127.0.0.1:PORT" or "http://127.0.0.1:PORT").
func StartFlakyProxy(backend string, resetRate float64, seed uint64) (*FlakyProxy, error) {
	target, err := backendURL(backend)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("flaky proxy: listen: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &FlakyProxy{
		ln:        ln,
		backend:   target,
		resetRate: resetRate,
		// No Proxy: the proxy must not send its own traffic through the
		// HTTPS_PROXY of the test that started it.
		transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: time.Minute},
		ctx:       ctx,
		cancel:    cancel,
		rng:       mrand.New(mrand.NewPCG(seed, seed^0xf1a4)),
		conns:     map[net.Conn]struct{}{},
	}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

func (p *FlakyProxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		if !p.track(c) {
			_ = c.Close()
			return
		}
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			defer p.untrack(c)
			p.serve(c)
		}()
	}
}

func (p *FlakyProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	p.connections++
	return true
}

func (p *FlakyProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	_ = c.Close()
}

// serve carries requests on one client connection until it closes, a
// request asks it to, or a reset is drawn.
func (p *FlakyProxy) serve(c net.Conn) {
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		if p.drawReset() {
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0) // close sends RST instead of FIN
			}
			return
		}
		if !p.forward(c, req) {
			return
		}
	}
}

func (p *FlakyProxy) drawReset() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rng.Float64() >= p.resetRate {
		return false
	}
	p.resets++
	return true
}

// forward sends req to the backend and writes the answer to c. It reports
// whether the connection can carry another request.
func (p *FlakyProxy) forward(c net.Conn, req *http.Request) bool {
	req = req.WithContext(p.ctx)
	req.RequestURI = "" // a client request must not have one
	req.URL.Scheme = p.backend.Scheme
	req.URL.Host = p.backend.Host
	resp, err := p.transport.RoundTrip(req)
	if err != nil {
		bad := &http.Response{
			StatusCode: http.StatusBadGateway, ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
			Body:   http.NoBody, Close: true,
		}
		_ = bad.Write(c)
		return false
	}
	defer resp.Body.Close()
	if err := resp.Write(c); err != nil {
		return false
	}
	return !req.Close && !resp.Close
}

// URL is the proxy's base URL, to use in place of the backend's.
func (p *FlakyProxy) URL() string { return "http://" + p.ln.Addr().String() }

// Resets is how many requests were cut off with a reset.
func (p *FlakyProxy) Resets() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.resets
}

// Connections is how many client connections the proxy accepted.
func (p *FlakyProxy) Connections() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.connections
}

// Close stops the proxy, drops every connection and waits for its
// goroutines to end.
func (p *FlakyProxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		_ = c.Close()
	}
	p.mu.Unlock()
	err := p.ln.Close()
	p.cancel()
	p.wg.Wait()
	p.transport.CloseIdleConnections()
	return err
}
