package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const defaultPageSize = 20

// roleCredentials are temporary keys handed out by GetRoleCredentials, or
// by STS AssumeRole.
type roleCredentials struct {
	accessKeyID, secretKey, sessionToken string
	accountID, roleName                  string
	expiresAt                            time.Time
	// sessionName is the RoleSessionName of credentials AssumeRole issued:
	// their identity is roleName/sessionName. It is empty for the SSO
	// permission set's credentials, whose identity is the reserved role.
	sessionName string
}

// portal wraps a portal operation with what every portal call goes through:
// the throttle, injected failures, and the bearer token check.
func (s *Sandbox) portal(op func(http.ResponseWriter, *http.Request, *accessToken)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.limiter != nil && !s.limiter.Allow() {
			s.mu.Lock()
			s.stats.Throttled++
			s.mu.Unlock()
			errTooManyRequest.write(w)
			return
		}
		s.mu.Lock()
		fail := s.opts.FailRate > 0 && s.failRNG.Float64() < s.opts.FailRate
		if fail {
			s.stats.Failed++
		}
		tok := s.tokens[r.Header.Get("x-amz-sso_bearer_token")]
		valid := tok != nil && !tok.revoked && !tok.session.revoked && s.now().Before(tok.expiresAt)
		s.mu.Unlock()
		switch {
		case fail:
			errInternal.write(w)
		case !valid:
			errUnauthorized.write(w)
		default:
			op(w, r, tok)
		}
	}
}

// pageBounds reads max_result and next_token for the listing named scope.
func (s *Sandbox) pageBounds(r *http.Request, scope string) (offset, size int, perr *portalError) {
	q := r.URL.Query()
	size = defaultPageSize
	if v, ok := q["max_result"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > 100 {
			e := portalInvalidRequest("max_result must be an integer between 1 and 100")
			return 0, 0, &e
		}
		size = n
	}
	if tok := q.Get("next_token"); tok != "" {
		o, ok := s.parsePageToken(scope, tok)
		if !ok {
			e := portalInvalidRequest("Invalid next_token")
			return 0, 0, &e
		}
		offset = o
	}
	return offset, size, nil
}

// pageToken is opaque to clients: the offset, bound to its listing by a MAC
// so a token from one listing is refused by another.
func (s *Sandbox) pageToken(scope string, offset int) string {
	payload := fmt.Sprintf("%s|%d", scope, offset)
	return base64.RawURLEncoding.EncodeToString(append([]byte(payload+"|"), s.pageMAC(payload)...))
}

func (s *Sandbox) parsePageToken(scope, token string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	i := strings.LastIndexByte(string(raw[:max(0, len(raw)-8)]), '|')
	if i < 0 || len(raw)-i-1 != 8 {
		return 0, false
	}
	payload := string(raw[:i])
	if !hmac.Equal(raw[i+1:], s.pageMAC(payload)) || !strings.HasPrefix(payload, scope+"|") {
		return 0, false
	}
	offset, err := strconv.Atoi(strings.TrimPrefix(payload, scope+"|"))
	return offset, err == nil && offset >= 0
}

func (s *Sandbox) pageMAC(payload string) []byte {
	m := hmac.New(sha256.New, s.pageKey)
	m.Write([]byte(payload))
	return m.Sum(nil)[:8]
}

// page slices n items at offset and returns the next token, if any.
func (s *Sandbox) page(scope string, n, offset, size int) (from, to int, next string) {
	from = min(offset, n)
	to = min(from+size, n)
	if to < n {
		next = s.pageToken(scope, to)
	}
	return from, to, next
}

func (s *Sandbox) listAccounts(w http.ResponseWriter, r *http.Request, _ *accessToken) {
	offset, size, perr := s.pageBounds(r, "accounts")
	if perr != nil {
		perr.write(w)
		return
	}
	from, to, next := s.page("accounts", len(s.org.Accounts), offset, size)
	list := make([]map[string]string, 0, to-from)
	for _, a := range s.org.Accounts[from:to] {
		list = append(list, map[string]string{"accountId": a.ID, "accountName": a.Name, "emailAddress": a.Email})
	}
	body := map[string]any{"accountList": list}
	if next != "" {
		body["nextToken"] = next
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Sandbox) listAccountRoles(w http.ResponseWriter, r *http.Request, _ *accessToken) {
	id := r.URL.Query().Get("account_id")
	if id == "" {
		portalInvalidRequest("account_id is required").write(w)
		return
	}
	acct := s.org.Account(id)
	if acct == nil {
		errNoAccess.write(w)
		return
	}
	scope := "roles/" + id
	offset, size, perr := s.pageBounds(r, scope)
	if perr != nil {
		perr.write(w)
		return
	}
	from, to, next := s.page(scope, len(acct.Roles), offset, size)
	list := make([]map[string]string, 0, to-from)
	for _, role := range acct.Roles[from:to] {
		list = append(list, map[string]string{"roleName": role, "accountId": id})
	}
	body := map[string]any{"roleList": list}
	if next != "" {
		body["nextToken"] = next
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Sandbox) getRoleCredentials(w http.ResponseWriter, r *http.Request, _ *accessToken) {
	q := r.URL.Query()
	id, role := q.Get("account_id"), q.Get("role_name")
	if id == "" || role == "" {
		portalInvalidRequest("account_id and role_name are required").write(w)
		return
	}
	if !s.org.HasRole(id, role) {
		errNoAccess.write(w)
		return
	}
	c := &roleCredentials{
		accessKeyID:  "ASIA" + randomUpper(16),
		secretKey:    randomToken("", 30),
		sessionToken: randomToken("IQoJb3JpZ2luX2VjE", 300),
		accountID:    id,
		roleName:     role,
		expiresAt:    s.now().Add(s.opts.CredentialLifetime).Truncate(time.Second),
	}
	s.mu.Lock()
	s.creds[c.accessKeyID] = c
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"roleCredentials": map[string]any{
		"accessKeyId":     c.accessKeyID,
		"secretAccessKey": c.secretKey,
		"sessionToken":    c.sessionToken,
		"expiration":      c.expiresAt.UnixMilli(),
	}})
}

// logout ends the sign-in session the token belongs to: its access tokens
// and its refresh token stop working.
func (s *Sandbox) logout(w http.ResponseWriter, _ *http.Request, tok *accessToken) {
	s.mu.Lock()
	tok.session.revoked = true
	s.mu.Unlock()
	w.Header().Set("X-Amzn-RequestId", newRequestID())
	w.WriteHeader(http.StatusOK)
}

// lookupCredentials finds live credentials by key id; the caller holds s.mu.
func (s *Sandbox) lookupCredentials(keyID string) (*roleCredentials, bool) {
	c := s.creds[keyID]
	if c == nil {
		return nil, false
	}
	return c, s.now().Before(c.expiresAt)
}
