package launch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html/template"
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

// ServeOnce starts a one-shot redirect to target on 127.0.0.1. With
// logoutFirst set, the page first signs the browser out of the console at
// logoutURL, so the new sign-in replaces the old session.
func ServeOnce(target, logoutURL string) (*OneShot, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback for the browser: %w", err)
	}
	secret := make([]byte, 16)
	if _, err := rand.Read(secret); err != nil {
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
		if !first {
			http.Error(w, "This link has been used; ask ssopick for a new one.", http.StatusGone)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		if logoutURL == "" {
			http.Redirect(w, r, target, http.StatusFound)
		} else {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			_ = logoutThenGo().Execute(w, struct{ Logout, Target string }{logoutURL, target})
		}
		close(o.served)
	})
	o.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = o.srv.Serve(ln) }()
	return o, nil
}

// logoutThenGo loads the console's sign-out, then continues to the
// sign-in. The console sets its cookies per browser, so signing out first
// is how one browser switches accounts.
var logoutThenGo = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("go").Parse(`<!doctype html>
<title>ssopick</title>
<p>Signing out of the previous console session…</p>
<iframe src="{{.Logout}}" style="display:none" referrerpolicy="no-referrer"></iframe>
<script>setTimeout(function(){ window.location.replace({{.Target}}); }, 1500);</script>
<noscript><a href="{{.Target}}">Continue to the AWS console</a></noscript>
`))
})

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
