package sandbox

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
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

// consoleLogin redeems a sign-in token once and shows the "console".
func (s *Sandbox) consoleLogin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	tok := s.signins[q.Get("SigninToken")]
	valid := tok != nil && !tok.redeemed && s.now().Before(tok.expiresAt)
	if valid {
		tok.redeemed = true
		s.stats.ConsoleLogins = append(s.stats.ConsoleLogins, ConsoleLogin{
			AccountID:   tok.creds.accountID,
			RoleName:    tok.creds.roleName,
			Issuer:      q.Get("Issuer"),
			Destination: q.Get("Destination"),
			At:          s.now(),
		})
	}
	s.mu.Unlock()
	if !valid {
		servePage(w, http.StatusBadRequest, "Sign-in failed", "The sign-in token is invalid, expired or already used. Request a new console URL.", "")
		return
	}
	acct := s.org.Account(tok.creds.accountID)
	details := template.HTML(fmt.Sprintf(`<dl><dt>Account</dt><dd id="account">%s (%s)</dd><dt>Role</dt><dd id="role">%s</dd><dt>Destination</dt><dd id="destination">%s</dd></dl>`,
		template.HTMLEscapeString(acct.Name), acct.ID, template.HTMLEscapeString(tok.creds.roleName), template.HTMLEscapeString(q.Get("Destination"))))
	servePage(w, http.StatusOK, "AWS console", "Signed in to the AWS console (sandbox).", details)
}

// consoleLogout emulates the console's sign-out
// (https://signin.aws.amazon.com/oauth?Action=logout).
func (s *Sandbox) consoleLogout(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("Action") != "logout" {
		http.Error(w, "Action must be logout", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	s.stats.ConsoleLogouts++
	s.mu.Unlock()
	servePage(w, http.StatusOK, "Signed out", "You have signed out of the AWS console.", "")
}
