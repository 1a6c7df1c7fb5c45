package sandbox

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"time"
)

// captivePage is what a hotel or airport Wi-Fi shows before sign-in.
const captivePage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Welcome to Guest Wi-Fi</title></head>
<body><h1>Welcome to Guest Wi-Fi</h1>
<p>Please accept the terms of use to connect to the Internet.</p>
<form method="post" action="/login"><label><input type="checkbox" name="accept"> I accept</label>
<button>Connect</button></form>
</body></html>
`

// CaptivePortal answers every request, whatever its path or method, with
// 200 and a Wi-Fi login page, as a captive portal intercepting traffic
// does: a client must not take that page for the service's answer.
type CaptivePortal struct {
	ln  net.Listener
	srv *http.Server
}

// StartCaptivePortal starts a captive portal on 127.0.0.1.
func StartCaptivePortal() (*CaptivePortal, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("captive portal: listen: %w", err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, captivePage)
		}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          quietLog,
	}
	go func() { _ = srv.Serve(ln) }()
	return &CaptivePortal{ln: ln, srv: srv}, nil
}

// URL is the portal's base URL; any path under it gets the page.
func (c *CaptivePortal) URL() string { return "http://" + c.ln.Addr().String() }

// Close stops the portal, dropping open connections.
func (c *CaptivePortal) Close() error { return c.srv.Close() }
