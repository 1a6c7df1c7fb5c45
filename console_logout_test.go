package main

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// TestConsoleLogoutFirstURLSignsOutThenIn follows the --print-url
// --logout-first URL with an HTTP client that keeps cookies, as a browser
// profile does: the sign-out gets the previous role's console cookie and
// the sign-in that follows none. It needs no browser (browser_test.go does
// the same in Chromium, for every form).
func TestConsoleLogoutFirstURLSignsOutThenIn(t *testing.T) {
	t.Parallel()
	e, acct := signedInEnv(t)
	jar, _ := cookiejar.New(nil)
	var hops []string
	client := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		hops = append(hops, r.URL.Path+"?Action="+r.URL.Query().Get("Action"))
		return nil
	}}
	visit := func(u string) {
		t.Helper()
		resp, err := client.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("%s: HTTP %d", u, resp.StatusCode)
		}
	}
	visit(strings.TrimSpace(e.run(t, ssopickBinary, "console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--print-url")))

	printed := strings.TrimSpace(e.run(t, ssopickBinary, "console", "-a", acct.ID, "-r", "SecurityAudit", "--print-url", "--logout-first"))
	u, err := url.Parse(printed)
	if err != nil || !strings.HasPrefix(printed, e.srv.URL()+"/oauth?") || u.Query().Get("Action") != "logout" ||
		!strings.HasPrefix(u.Query().Get("redirect_uri"), e.srv.URL()+"/federation?Action=login&") {
		t.Fatalf("--print-url --logout-first printed %q, not the sandbox's sign-out going on to the sign-in", printed)
	}
	hops = nil
	visit(printed)
	if strings.Join(hops, " ") != "/federation?Action=login" {
		t.Errorf("the sign-out redirected through %q, want straight to the sign-in", hops)
	}
	st := e.srv.Stats()
	if len(st.ConsoleLogouts) != 1 || st.ConsoleLogouts[0].CookieSession != acct.ID+"/ViewOnlyAccess" {
		t.Errorf("sign-outs %+v, want one carrying %s/ViewOnlyAccess", st.ConsoleLogouts, acct.ID)
	}
	if len(st.ConsoleLogins) != 2 || st.ConsoleLogins[1].RoleName != "SecurityAudit" || st.ConsoleLogins[1].PriorSession != "" {
		t.Errorf("console logins %+v: the second must be SecurityAudit with no prior session", st.ConsoleLogins)
	}

	// Without --logout-first, the old session is still there at the sign-in.
	visit(strings.TrimSpace(e.run(t, ssopickBinary, "console", "-a", acct.ID, "-r", "ViewOnlyAccess", "--print-url")))
	if st := e.srv.Stats(); len(st.ConsoleLogins) != 3 || st.ConsoleLogins[2].PriorSession != acct.ID+"/SecurityAudit" {
		t.Errorf("console logins %+v: the third should carry the SecurityAudit session", st.ConsoleLogins)
	}
}
