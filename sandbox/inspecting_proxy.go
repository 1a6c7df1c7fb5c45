package sandbox

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// InspectingProxy is an HTTP forward proxy (what HTTPS_PROXY names) that
// behaves like a corporate TLS-inspecting proxy: it accepts CONNECT to any
// host, terminates the TLS itself with a certificate for that host signed by
// its own CA, and forwards the decrypted requests to one backend over plain
// HTTP. Plain http:// proxy requests go to the same backend. Clients only
// get through if they trust CAPEM, as AWS_CA_BUNDLE makes them.
//
// Every host maps to the backend, so tests use names such as
// https://sandbox.test: Go's proxy settings never proxy 127.0.0.1.
type InspectingProxy struct {
	ln        net.Listener
	outer     *http.Server // the proxy as clients see it: CONNECT and absolute URIs
	inner     *http.Server // HTTP inside the intercepted TLS connections
	tunnels   *connListener
	transport *http.Transport
	requests  atomic.Int64

	caCert *x509.Certificate
	caKey  *ecdsa.PrivateKey
	caPEM  []byte

	mu    sync.Mutex
	leafs map[string]*tls.Certificate // by host name
}

// StartInspectingProxy starts a TLS-inspecting proxy on 127.0.0.1 that
// forwards to backend ("127.0.0.1:PORT" or "http://127.0.0.1:PORT").
func StartInspectingProxy(backend string) (*InspectingProxy, error) {
	target, err := backendURL(backend)
	if err != nil {
		return nil, err
	}
	caCert, caKey, err := newProxyCA()
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("inspecting proxy: listen: %w", err)
	}
	p := &InspectingProxy{
		ln:      ln,
		tunnels: newConnListener(ln.Addr()),
		// No Proxy: the proxy must not send its own traffic through the
		// HTTPS_PROXY of the test that started it.
		transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: time.Minute},
		caCert:    caCert,
		caKey:     caKey,
		caPEM:     pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caCert.Raw}),
		leafs:     map[string]*tls.Certificate{},
	}
	forward := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			// An inspecting proxy is transparent: the backend sees the
			// host name the client asked for.
			pr.Out.Host = pr.In.Host
		},
		Transport:     p.transport,
		FlushInterval: -1, // stream, as a proxy must
		ErrorLog:      quietLog,
	}
	count := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.requests.Add(1)
		forward.ServeHTTP(w, r)
	})
	p.inner = &http.Server{Handler: count, ReadHeaderTimeout: 10 * time.Second, ErrorLog: quietLog}
	p.outer = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			switch {
			case r.Method == http.MethodConnect:
				p.intercept(w, r)
			case r.URL.IsAbs():
				count.ServeHTTP(w, r)
			default:
				http.Error(w, "this is a proxy: send CONNECT or an absolute URI", http.StatusBadRequest)
			}
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          quietLog,
	}
	go func() { _ = p.outer.Serve(ln) }()
	go func() { _ = p.inner.Serve(p.tunnels) }()
	return p, nil
}

// intercept answers a CONNECT with 200 and hands the tunnel, wrapped in TLS
// with a certificate for the requested host, to the inner server.
func (p *InspectingProxy) intercept(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	leaf, err := p.leaf(strings.ToLower(host))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if _, err := io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n"); err != nil {
		_ = conn.Close()
		return
	}
	// The client may send its ClientHello before reading the 200, so bytes
	// already buffered by the proxy's reader belong to the tunnel.
	tunnel := &bufferedConn{Conn: conn, r: brw.Reader}
	p.tunnels.push(tls.Server(tunnel, &tls.Config{
		Certificates: []tls.Certificate{*leaf},
		NextProtos:   []string{"http/1.1"},
		MinVersion:   tls.VersionTLS12,
	}))
}

// leaf returns the certificate for host, made on first use.
func (p *InspectingProxy) leaf(host string) (*tls.Certificate, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if c := p.leafs[host]; c != nil {
		return c, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: host},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = []net.IP{ip}
	} else {
		tmpl.DNSNames = []string{host}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.caCert, &key.PublicKey, p.caKey)
	if err != nil {
		return nil, fmt.Errorf("inspecting proxy: certificate for %s: %w", host, err)
	}
	c := &tls.Certificate{Certificate: [][]byte{der, p.caCert.Raw}, PrivateKey: key}
	p.leafs[host] = c
	return c, nil
}

func newProxyCA() (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{Organization: []string{"ssopick sandbox"}, CommonName: "ssopick sandbox inspecting proxy CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("inspecting proxy: CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	return cert, key, err
}

func randomSerial() *big.Int {
	return new(big.Int).SetBytes(randomBytes(16))
}

// URL is the proxy's address, what HTTPS_PROXY is set to.
func (p *InspectingProxy) URL() string { return "http://" + p.ln.Addr().String() }

// CAPEM is the proxy's CA certificate in PEM.
func (p *InspectingProxy) CAPEM() []byte { return append([]byte(nil), p.caPEM...) }

// WriteCA writes CAPEM to path, a file for AWS_CA_BUNDLE.
func (p *InspectingProxy) WriteCA(path string) error {
	return os.WriteFile(path, p.caPEM, 0o644)
}

// Requests is how many requests the proxy has forwarded to the backend.
func (p *InspectingProxy) Requests() int { return int(p.requests.Load()) }

// Close stops the proxy and drops every connection, tunnels included.
func (p *InspectingProxy) Close() error {
	err := errors.Join(p.outer.Close(), p.inner.Close())
	p.transport.CloseIdleConnections()
	return err
}

// backendURL reads "host:port" or "http://host:port".
func backendURL(backend string) (*url.URL, error) {
	if !strings.Contains(backend, "://") {
		backend = "http://" + backend
	}
	u, err := url.Parse(backend)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("backend %q: want host:port", backend)
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host}, nil
}

// quietLog drops the servers' own log lines: handshake failures from
// clients that do not trust the CA are what tests provoke on purpose.
var quietLog = log.New(io.Discard, "", 0)

// connListener is a net.Listener fed by push: it lets an http.Server serve
// connections that did not come from a socket it accepted.
type connListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
}

func newConnListener(addr net.Addr) *connListener {
	return &connListener{addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

func (l *connListener) push(c net.Conn) {
	select {
	case l.conns <- c:
	case <-l.done:
		_ = c.Close()
	}
}

func (l *connListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, net.ErrClosed
	}
}

func (l *connListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *connListener) Addr() net.Addr { return l.addr }

// bufferedConn is a connection whose first bytes were already read into r.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(b []byte) (int, error) { return c.r.Read(b) }
