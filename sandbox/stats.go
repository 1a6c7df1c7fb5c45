package sandbox

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"time"
)

// Stats are the sandbox's counters, served at GET /_sandbox/stats.
type Stats struct {
	// Calls counts API requests by operation (RegisterClient, ListAccounts, …).
	Calls map[string]int `json:"calls"`
	// Throttled counts 429 TooManyRequestsException answers.
	Throttled int `json:"throttled"`
	// Failed counts injected 500 InternalServerException answers.
	Failed int `json:"failed"`
	// Logins counts sign-ins completed by CreateToken (device code or
	// authorization code); Refreshes counts refresh_token grants.
	Logins    int `json:"logins"`
	Refreshes int `json:"refreshes"`
	// ConsoleLogins lists every successful Action=login, oldest first.
	ConsoleLogins []ConsoleLogin `json:"consoleLogins"`
	// ConsoleLogouts lists every sign-out from the console
	// (/oauth?Action=logout), oldest first, with the session cookie the
	// browser carried to it.
	ConsoleLogouts []ConsoleLogout `json:"consoleLogouts"`
}

// ConsoleLogin is one sign-in to the (emulated) AWS console.
type ConsoleLogin struct {
	AccountID   string `json:"accountId"`
	RoleName    string `json:"roleName"`
	Issuer      string `json:"issuer"`
	Destination string `json:"destination"`
	// PriorSession is the console session cookie the browser still sent
	// with this sign-in ("ACCOUNT/ROLE" of the session it was in), "" when
	// it sent none: a browser that signed out first sends none.
	PriorSession string    `json:"priorSession"`
	At           time.Time `json:"at"`
}

// ConsoleLogout is one sign-out from the (emulated) AWS console.
type ConsoleLogout struct {
	// CookieSession is the console session cookie the browser sent to the
	// sign-out ("ACCOUNT/ROLE"), "" when it sent none: then nothing was
	// signed out.
	CookieSession string    `json:"cookieSession"`
	At            time.Time `json:"at"`
}

func newStats() Stats {
	return Stats{Calls: map[string]int{}, ConsoleLogins: []ConsoleLogin{}, ConsoleLogouts: []ConsoleLogout{}}
}

// Stats returns a copy of the counters.
func (s *Sandbox) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.Calls = maps.Clone(s.stats.Calls)
	st.ConsoleLogins = slices.Clone(s.stats.ConsoleLogins)
	st.ConsoleLogouts = slices.Clone(s.stats.ConsoleLogouts)
	return st
}

func (s *Sandbox) serveStats(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(s.Stats())
}
