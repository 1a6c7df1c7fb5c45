package sandbox

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// signinTokenLifetime is how long a console sign-in token may be redeemed.
const signinTokenLifetime = 15 * time.Minute

type signinToken struct {
	creds     *roleCredentials
	expiresAt time.Time
	redeemed  bool
}

// federation emulates https://signin.aws.amazon.com/federation.
func (s *Sandbox) federation(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Query().Get("Action") {
	case "getSigninToken":
		s.getSigninToken(w, r)
	case "login":
		s.consoleLogin(w, r)
	default:
		http.Error(w, "Action must be getSigninToken or login", http.StatusBadRequest)
	}
}

func (s *Sandbox) getSigninToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if d := q.Get("SessionDuration"); d != "" {
		n, err := strconv.Atoi(d)
		if err != nil || n < 900 || n > 43200 {
			http.Error(w, "SessionDuration must be between 900 and 43200 seconds", http.StatusBadRequest)
			return
		}
	}
	var sess struct {
		SessionID    string `json:"sessionId"`
		SessionKey   string `json:"sessionKey"`
		SessionToken string `json:"sessionToken"`
	}
	if err := json.Unmarshal([]byte(q.Get("Session")), &sess); err != nil {
		http.Error(w, "Session must be a JSON object with sessionId, sessionKey and sessionToken", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	creds, live := s.lookupCredentials(sess.SessionID)
	if creds == nil || !live || creds.secretKey != sess.SessionKey || creds.sessionToken != sess.SessionToken {
		http.Error(w, "The credentials in Session are invalid or expired", http.StatusBadRequest)
		return
	}
	tok := randomToken("", 120)
	s.signins[tok] = &signinToken{creds: creds, expiresAt: s.now().Add(signinTokenLifetime)}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"SigninToken": tok})
}

// consoleCookie is the console's session cookie. The sandbox sets it as
// the console does for a browser, with no SameSite attribute (Lax in
// Chromium by default), HttpOnly and Path=/, on the host the browser
// signed in at; its value names the session's role, "ACCOUNT/ROLE".
const consoleCookie = "aws-console-session"

// consoleSession is the console session the browser's request carries,
// "ACCOUNT/ROLE", or "" when it carries none.
func consoleSession(r *http.Request) string {
	c, err := r.Cookie(consoleCookie)
	if err != nil || c.Value == "" {
		return ""
	}
	if acct, role, ok := strings.Cut(c.Value, "/"); ok {
		if name, err := url.QueryUnescape(role); err == nil {
			return acct + "/" + name
		}
	}
	return c.Value
}

// sessionCookie is the console session cookie for a role, or with role ""
// the one that clears it.
func sessionCookie(r *http.Request, accountID, role string) *http.Cookie {
	c := &http.Cookie{Name: consoleCookie, Path: "/", HttpOnly: true, Secure: r.TLS != nil}
	if role == "" {
		c.MaxAge = -1
	} else {
		// Role names may hold +=,.@-: escaped, the value needs no quotes.
		c.Value = accountID + "/" + url.QueryEscape(role)
	}
	return c
}

// consoleLogin redeems a sign-in token once, starts a console session (the
// cookie) and shows the "console". A browser still signed in to another
// session says so with its cookie; the sign-in records it (PriorSession).
func (s *Sandbox) consoleLogin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	prior := consoleSession(r)
	s.mu.Lock()
	tok := s.signins[q.Get("SigninToken")]
	valid := tok != nil && !tok.redeemed && s.now().Before(tok.expiresAt)
	if valid {
		tok.redeemed = true
		s.stats.ConsoleLogins = append(s.stats.ConsoleLogins, ConsoleLogin{
			AccountID:    tok.creds.accountID,
			RoleName:     tok.creds.roleName,
			Issuer:       q.Get("Issuer"),
			Destination:  q.Get("Destination"),
			PriorSession: prior,
			At:           s.now(),
		})
	}
	s.mu.Unlock()
	if !valid {
		servePage(w, http.StatusBadRequest, "Sign-in failed", "The sign-in token is invalid, expired or already used. Request a new console URL.", "")
		return
	}
	acct := s.org.Account(tok.creds.accountID)
	session := acct.ID + "/" + tok.creds.roleName
	http.SetCookie(w, sessionCookie(r, acct.ID, tok.creds.roleName))
	details := fmt.Sprintf(`<dl><dt>Account</dt><dd id="account">%s (%s)</dd><dt>Role</dt><dd id="role">%s</dd><dt>Destination</dt><dd id="destination">%s</dd><dt>Console session</dt><dd id="session">%s</dd></dl>`,
		template.HTMLEscapeString(acct.Name), acct.ID, template.HTMLEscapeString(tok.creds.roleName), template.HTMLEscapeString(q.Get("Destination")), template.HTMLEscapeString(session))
	if prior != "" {
		// The AWS console keeps one session per browser: signing in while
		// signed in as another role does not switch cleanly.
		details += fmt.Sprintf(`<p id="prior-session">This browser was still signed in to the console as %s. Sign out first (ssopick console --logout-first) to switch roles cleanly.</p>`,
			template.HTMLEscapeString(prior))
	}
	servePage(w, http.StatusOK, "AWS console", "Signed in to the AWS console (sandbox).", template.HTML(details))
}

// consoleLogout emulates the console's sign-out
// (https://signin.aws.amazon.com/oauth?Action=logout&redirect_uri=U): it
// ends the browser's console session (clears the cookie) and sends the
// browser on to U, which must be on the sandbox's own host, as the real one
// sends browsers only to AWS hosts.
func (s *Sandbox) consoleLogout(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("Action") != "logout" {
		http.Error(w, "Action must be logout", http.StatusBadRequest)
		return
	}
	redirect := q.Get("redirect_uri")
	if redirect != "" {
		if host, ok := s.ownURL(r, redirect); !ok {
			servePage(w, http.StatusBadRequest, "Sign-out refused",
				fmt.Sprintf("The redirect_uri goes to %s, which is not this sign-in host (%s): the console's sign-out sends the browser on only to its own host. Nothing was signed out.", host, r.Host), "")
			return
		}
	}
	session := consoleSession(r)
	s.mu.Lock()
	s.stats.ConsoleLogouts = append(s.stats.ConsoleLogouts, ConsoleLogout{CookieSession: session, At: s.now()})
	s.mu.Unlock()
	http.SetCookie(w, sessionCookie(r, "", ""))
	if redirect != "" {
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, redirect, http.StatusFound)
		return
	}
	servePage(w, http.StatusOK, "Signed out", "You have signed out of the AWS console.", "")
}

// ownURL says whether raw is an absolute http(s) URL on the host r came to
// (or the sandbox's base URL's host), and names the host it is on.
func (s *Sandbox) ownURL(r *http.Request, raw string) (host string, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return "no host (not an absolute http URL)", false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return u.Host, true
	}
	if base, err := url.Parse(s.BaseURL()); err == nil && base.Host != "" && strings.EqualFold(u.Host, base.Host) {
		return u.Host, true
	}
	return u.Host, false
}
