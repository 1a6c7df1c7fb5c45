package launch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// OneShot serves a URL that holds a secret (a console sign-in URL) to the
// browser without putting it in any process's argv: the browser is given a
// random loopback URL that answers once, redirecting to the secret one, and
// then stops.
type OneShot struct {
	// URL is what to hand to the browser.
	URL    string
	served chan struct{}
	srv    *http.Server
}

// ServeOnce starts a one-shot redirect (302) to target on 127.0.0.1. The
// target may be the console's sign-in or, to switch accounts, its
// sign-out with the sign-in as redirect_uri (aws.LogoutURL): either way the
// browser goes there as a top-level navigation, so the console's cookies
// go with it.
func ServeOnce(target string) (*OneShot, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback for the browser: %w", err)
	}
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
		ln.Close()
		return nil, err
	}
	path := "/" + hex.EncodeToString(secret)
	o := &OneShot{URL: "http://" + ln.Addr().String() + path, served: make(chan struct{})}
	var (
		mu   sync.Mutex
		used bool
	)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+path, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		first := !used
		used = true
		mu.Unlock()
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		if !first {
			http.Error(w, "This one-time link to the AWS console has been used. Run ssopick console again for a new one.", http.StatusGone)
			return
		}
		http.Redirect(w, r, target, http.StatusFound)
		close(o.served)
	})
	o.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = o.srv.Serve(ln) }()
	return o, nil
}

// Wait blocks until the browser has fetched the URL, ctx ends, or timeout
// passes, then stops serving.
func (o *OneShot) Wait(ctx context.Context, timeout time.Duration) error {
	defer o.srv.Close()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case <-o.served:
		// Give the browser a moment to read the response.
		time.Sleep(200 * time.Millisecond)
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return fmt.Errorf("the browser did not open the console link within %v", timeout)
	}
}

// FirefoxContainer wraps u in the ext+container: form that the Firefox
// "Open external links in a container" add-on opens in the named container.
func FirefoxContainer(name, u string) string {
	return "ext+container:" + url.Values{"name": {name}, "url": {u}}.Encode()
}
