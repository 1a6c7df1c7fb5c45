package launch

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// CredentialServer hands a role's current credentials to the processes of
// a shell or command through the container-credentials interface that
// every AWS SDK and the AWS CLI read: AWS_CONTAINER_CREDENTIALS_FULL_URI
// (a loopback URL) and AWS_CONTAINER_AUTHORIZATION_TOKEN. Each request
// asks fetch for the credentials, which renews them before they expire, so
// a shell opened in the morning still works in the afternoon.
//
// The token is random per server and dies with it; it is not a secret of
// the role, only the key to this process's loopback port.
type CredentialServer struct {
	// URL and Token are what the children are given.
	URL, Token string

	fetch func(context.Context) (Credentials, error)
	mu    sync.Mutex // one renewal at a time
	srv   *http.Server
}

// ServeCredentials starts a credential server on 127.0.0.1 answering with
// what fetch returns.
func ServeCredentials(fetch func(context.Context) (Credentials, error)) (*CredentialServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on loopback for the credentials server: %w", err)
	}
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return nil, err
	}
	path := make([]byte, 8)
	if _, err := rand.Read(path); err != nil {
		return nil, err
	}
	s := &CredentialServer{
		URL:   "http://" + ln.Addr().String() + "/credentials/" + hex.EncodeToString(path),
		Token: hex.EncodeToString(secret),
		fetch: fetch,
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /credentials/"+hex.EncodeToString(path), s.serve)
	s.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	return s, nil
}

// containerCredentials is the answer the SDKs' container provider reads.
type containerCredentials struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
	Token           string `json:"Token"`
	Expiration      string `json:"Expiration"`
}

func (s *CredentialServer) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(s.Token)) != 1 {
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"code": "Unauthorized", "message": "wrong or missing authorization token"})
		return
	}
	s.mu.Lock()
	c, err := s.fetch(r.Context())
	s.mu.Unlock()
	if err != nil {
		// The SDKs show this message; it says what to do (run ssopick
		// login), and never carries a secret.
		w.WriteHeader(http.StatusInternalServerError)
		_ = json.NewEncoder(w).Encode(map[string]string{"code": "CredentialsUnavailable", "message": "ssopick: " + err.Error()})
		return
	}
	_ = json.NewEncoder(w).Encode(containerCredentials{
		AccessKeyID:     c.AccessKeyID,
		SecretAccessKey: c.SecretAccessKey,
		Token:           c.SessionToken,
		Expiration:      c.Expiration.UTC().Format(time.RFC3339),
	})
}

// Close stops serving.
func (s *CredentialServer) Close() error { return s.srv.Close() }
