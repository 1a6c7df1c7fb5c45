package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// loginURL is a federation sign-in URL (Action=login) for the role, on the
// harness's host.
func (h *harness) loginURL(access, accountID, role string) string {
	h.t.Helper()
	rc := h.get("/federation/credentials?account_id="+accountID+"&role_name="+url.QueryEscape(role), access).body["roleCredentials"].(map[string]any)
	session, _ := json.Marshal(map[string]any{"sessionId": rc["accessKeyId"], "sessionKey": rc["secretAccessKey"], "sessionToken": rc["sessionToken"]})
	tok := h.get("/federation?Action=getSigninToken&Session="+url.QueryEscape(string(session)), "").str("SigninToken")
	if tok == "" {
		h.t.Fatal("no sign-in token")
	}
	return h.url + "/federation?" + url.Values{"Action": {"login"}, "Issuer": {"ssopick"}, "Destination": {"https://us-east-1.console.aws.amazon.com/console/home?region=us-east-1"}, "SigninToken": {tok}}.Encode()
}

// browserish is an HTTP client that keeps cookies, as a browser profile
// does, and does not follow redirects, so each step can be looked at.
type browserish struct {
	t      *testing.T
	client *http.Client
}

func newBrowserish(t *testing.T) *browserish {
	jar, _ := cookiejar.New(nil)
	return &browserish{t: t, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browserish) get(u string) (*http.Response, string) {
	b.t.Helper()
	resp, err := b.client.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func TestConsoleSessionCookieAndSignOut(t *testing.T) {
	h := newHarness(t, Options{})
	access := h.signIn().str("accessToken")
	acct := h.sb.Organisation().Accounts[1]
	if len(acct.Roles) < 2 {
		t.Fatalf("account %s has roles %v; the test needs two", acct.ID, acct.Roles)
	}
	first, second := acct.Roles[0], acct.Roles[1]
	b := newBrowserish(t)

	// Sign-in sets the session cookie with a browser's default attributes.
	resp, page := b.get(h.loginURL(access, acct.ID, first))
	if resp.StatusCode != 200 {
		t.Fatalf("login: %d %s", resp.StatusCode, page)
	}
	set := resp.Header.Values("Set-Cookie")
	if len(set) != 1 || !strings.HasPrefix(set[0], consoleCookie+"="+acct.ID+"/") || !strings.Contains(set[0], "Path=/") ||
		!strings.Contains(set[0], "HttpOnly") || strings.Contains(strings.ToLower(set[0]), "samesite") || strings.Contains(set[0], "Domain=") {
		t.Errorf("Set-Cookie %q: want the session, Path=/, HttpOnly, no SameSite, host-only", set)
	}
	if !strings.Contains(page, `<dd id="session">`+acct.ID+"/"+first+"</dd>") || strings.Contains(page, "prior-session") {
		t.Errorf("first console page:\n%s", page)
	}

	// The sign-out ends the session and goes on to a sign-in on its host.
	next := h.loginURL(access, acct.ID, second)
	resp, _ = b.get(h.url + "/oauth?Action=logout&redirect_uri=" + url.QueryEscape(next))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != next {
		t.Fatalf("sign-out: %d to %q, want 302 to the sign-in", resp.StatusCode, resp.Header.Get("Location"))
	}
	if c := resp.Header.Get("Set-Cookie"); !strings.HasPrefix(c, consoleCookie+"=;") || !strings.Contains(c, "Max-Age=0") {
		t.Errorf("sign-out Set-Cookie %q does not clear the session", c)
	}
	resp, page = b.get(next)
	if resp.StatusCode != 200 || strings.Contains(page, "prior-session") {
		t.Errorf("sign-in after sign-out: %d\n%s", resp.StatusCode, page)
	}

	// Without a sign-out, the next sign-in still carries the session.
	resp, page = b.get(h.loginURL(access, acct.ID, first))
	if resp.StatusCode != 200 || !strings.Contains(page, `id="prior-session"`) || !strings.Contains(page, acct.ID+"/"+second) {
		t.Errorf("sign-in over a session: %d\n%s", resp.StatusCode, page)
	}

	// A redirect to another host is refused, and nothing is signed out.
	for _, foreign := range []string{"https://evil.example/federation?Action=login", "/federation", "javascript:alert(1)", strings.Replace(h.url, "127.0.0.1:", "127.0.0.1:1", 1) + "/x"} {
		resp, page = b.get(h.url + "/oauth?Action=logout&redirect_uri=" + url.QueryEscape(foreign))
		if resp.StatusCode != 400 || !strings.Contains(page, "not this sign-in host") || resp.Header.Get("Location") != "" || resp.Header.Get("Set-Cookie") != "" {
			t.Errorf("redirect_uri %q: %d %q\n%s", foreign, resp.StatusCode, resp.Header.Get("Location"), page)
		}
	}
	// A sign-out on its own shows a page.
	resp, page = b.get(h.url + "/oauth?Action=logout")
	if resp.StatusCode != 200 || !strings.Contains(page, "signed out") {
		t.Errorf("plain sign-out: %d\n%s", resp.StatusCode, page)
	}
	// And one with no session carries no cookie.
	b.get(h.url + "/oauth?Action=logout")

	st := h.sb.Stats()
	var priors, carried []string
	for _, l := range st.ConsoleLogins {
		priors = append(priors, l.PriorSession)
	}
	for _, l := range st.ConsoleLogouts {
		carried = append(carried, l.CookieSession)
	}
	wantPriors := []string{"", "", acct.ID + "/" + second}
	wantCarried := []string{acct.ID + "/" + first, acct.ID + "/" + first, ""}
	if strings.Join(priors, ",") != strings.Join(wantPriors, ",") || strings.Join(carried, ",") != strings.Join(wantCarried, ",") {
		t.Errorf("logins' prior sessions %q (want %q), sign-outs' cookies %q (want %q)", priors, wantPriors, carried, wantCarried)
	}
	raw := h.get("/_sandbox/stats", "").raw
	if !strings.Contains(raw, `"consoleLogouts": [`) || !strings.Contains(raw, `"priorSession": "`+acct.ID+"/"+second+`"`) || !strings.Contains(raw, `"cookieSession": "`+acct.ID+"/"+first+`"`) {
		t.Errorf("stats JSON:\n%s", raw)
	}
}
