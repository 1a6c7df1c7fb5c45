package aws

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// RoleCache keeps role credentials between processes, so that
// credential_process (which SDKs run once per client: thirty Terraform
// providers, thirty runs) asks the portal once per role and hour. Role
// secrets are never written to disk in clear: the backends are the OS
// keychain and a per-user agent that holds them in memory.
type RoleCache interface {
	// Get returns the entry under key; found is false when there is none.
	Get(key string) (entry CachedRole, found bool, err error)
	// Put stores entry under key, replacing any.
	Put(key string, entry CachedRole) error
	// Delete removes the entry under key, if any.
	Delete(key string) error
}

// CachedRole is a role's credentials as a RoleCache holds them.
type CachedRole struct {
	RoleCredentials
	// SignIn names the sign-in that fetched them (SignInID): they are not
	// served once that sign-in is gone (signed out, or signed in anew).
	SignIn string
}

// RoleCacheKey is the cache key of a role: session, account and role.
func RoleCacheKey(s Session, accountID, role string) string {
	return s.CacheKey() + "|" + accountID + "|" + role
}

// SignInID identifies the session's current sign-in without revealing
// anything of it: a hash of the start URL and the client the token was
// issued to (a new sign-in after `ssopick logout` registers a new client).
// ok is false when no token is cached: signed out, credentials cached
// before are not served.
func SignInID(tc TokenCache, s Session) (id string, ok bool) {
	tok, err := tc.LoadToken(s)
	if err != nil {
		return "", false
	}
	sum := sha256.Sum256([]byte(s.StartURL + "\n" + tok.ClientID))
	return hex.EncodeToString(sum[:12]), true
}

// usable reports whether e may answer for the sign-in id at now: it
// belongs to that sign-in and has more than credentialMargin left.
func (e CachedRole) usable(id string, now time.Time) bool {
	return e.SignIn == id && e.AccessKeyID != "" && e.Expiration.Sub(now) > credentialMargin
}

// LookupCachedRole answers for role in accountID of session s from cache
// alone, with no connection to anything: found is false unless the cached
// credentials have more than 5 minutes left at now and the sign-in that
// fetched them is still the session's. Signed out, the entry is removed.
func LookupCachedRole(cache RoleCache, tc TokenCache, s Session, accountID, role string, now time.Time) (RoleCredentials, bool, error) {
	if cache == nil {
		return RoleCredentials{}, false, nil
	}
	key := RoleCacheKey(s, accountID, role)
	id, signedIn := SignInID(tc, s)
	if !signedIn {
		return RoleCredentials{}, false, cache.Delete(key)
	}
	e, found, err := cache.Get(key)
	if err != nil || !found || !e.usable(id, now) {
		return RoleCredentials{}, false, err
	}
	return e.RoleCredentials, true, nil
}

// CachedRoleCredentials answers for role in accountID from cache (see
// LookupCachedRole); otherwise it calls fetch and caches what it returns.
// Processes asking for the same role at once take turns (a lock per
// role), so that only the first calls the portal and the others find its
// answer. hit says the cache answered. A cache that fails is reported to
// warn and otherwise ignored: the credentials come from the portal
// instead.
func (c *Conn) CachedRoleCredentials(ctx context.Context, cache RoleCache, accountID, role string,
	fetch func() (RoleCredentials, error), warn func(error)) (creds RoleCredentials, hit bool, err error) {
	if cache == nil || cache == NoRoleCache {
		creds, err = fetch()
		return creds, false, err
	}
	lookup := func() (RoleCredentials, bool) {
		creds, found, err := LookupCachedRole(cache, c.Auth.Cache, c.Session, accountID, role, c.now())
		if err != nil {
			warn(err)
		}
		return creds, found
	}
	key := RoleCacheKey(c.Session, accountID, role)
	lock := filepath.Join(c.Auth.Cache.LockDir, "role-"+strings.TrimSuffix(cacheFileName(key), ".json")+".lock")
	return fetchOnce(ctx, lock, lookup, fetch, func(creds RoleCredentials) {
		// The sign-in may be new (auto_login): tie them to the one now
		// cached.
		if id, ok := SignInID(c.Auth.Cache, c.Session); ok {
			if err := cache.Put(key, CachedRole{RoleCredentials: creds, SignIn: id}); err != nil {
				warn(err)
			}
		}
	})
}

// CredentialStoreVar forces the RoleCache backend: keychain, agent or none.
const CredentialStoreVar = "SSOPICK_CREDENTIAL_STORE"

// Backend names, as SSOPICK_CREDENTIAL_STORE takes them.
const (
	BackendKeychain = "keychain"
	BackendAgent    = "agent"
	BackendNone     = "none"
)

// RoleCacheOptions are what choosing a RoleCache takes.
type RoleCacheOptions struct {
	// Getenv reads SSOPICK_CREDENTIAL_STORE and XDG_RUNTIME_DIR.
	Getenv func(string) string
	// Paths place the agent's socket (beside the cache, when there is no
	// XDG_RUNTIME_DIR).
	Paths Paths
	// StartAgent starts `ssopick agent` for socket, detached; nil means
	// no agent can be started (only one already running is used).
	StartAgent func(socket string) error
}

// RoleCacheChoice is the backend chosen for this process, and why.
type RoleCacheChoice struct {
	Cache   RoleCache
	Backend string
	Reason  string
}

// OpenRoleCache chooses the backend once per process: the one
// SSOPICK_CREDENTIAL_STORE names; else the OS keychain when it answers a
// probe (on Linux: a Secret Service on the D-Bus session bus whose
// collection is unlocked, found without starting a bus); else the agent;
// else (Windows without a keychain) none. An unknown
// SSOPICK_CREDENTIAL_STORE is an error.
func OpenRoleCache(o RoleCacheOptions) (RoleCacheChoice, error) {
	getenv := o.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	agent := func(reason string) RoleCacheChoice {
		socket, err := AgentSocket(getenv, o.Paths)
		if err != nil {
			return RoleCacheChoice{Cache: NoRoleCache, Backend: BackendNone, Reason: reason + "; no agent: " + err.Error()}
		}
		cache := &agentCache{socket: socket, start: o.StartAgent}
		if o.Paths.Cache != "" {
			cache.startLock = filepath.Join(o.Paths.Cache, "locks", "agent-start.lock")
		}
		return RoleCacheChoice{Cache: cache, Backend: BackendAgent, Reason: reason}
	}
	switch v := getenv(CredentialStoreVar); v {
	case BackendKeychain:
		return RoleCacheChoice{Cache: keychainCache{}, Backend: BackendKeychain, Reason: CredentialStoreVar + "=" + v}, nil
	case BackendAgent:
		return agent(CredentialStoreVar + "=" + v), nil
	case BackendNone:
		return RoleCacheChoice{Cache: NoRoleCache, Backend: BackendNone, Reason: CredentialStoreVar + "=" + v}, nil
	case "":
	default:
		return RoleCacheChoice{}, fmt.Errorf("%s=%q is not keychain, agent or none; unset it to choose by itself", CredentialStoreVar, v)
	}
	if err := probeKeychain(); err != nil {
		return agent("no usable OS keychain: " + err.Error()), nil
	}
	return RoleCacheChoice{Cache: keychainCache{}, Backend: BackendKeychain, Reason: "the OS keychain answered"}, nil
}

// NoRoleCache caches nothing.
var NoRoleCache RoleCache = noRoleCache{}

type noRoleCache struct{}

func (noRoleCache) Get(string) (CachedRole, bool, error) { return CachedRole{}, false, nil }
func (noRoleCache) Put(string, CachedRole) error         { return nil }
func (noRoleCache) Delete(string) error                  { return nil }

// cachedRoleJSON is CachedRole as the keychain and the agent hold it:
// short names, as a keychain item's size is limited (about 2.5 kB on
// Windows).
type cachedRoleJSON struct {
	AccessKeyID     string    `json:"k"`
	SecretAccessKey string    `json:"s"`
	SessionToken    string    `json:"t"`
	Expiration      time.Time `json:"e"`
	SignIn          string    `json:"i"`
}

// MarshalJSON writes the short form.
func (e CachedRole) MarshalJSON() ([]byte, error) {
	return json.Marshal(cachedRoleJSON{e.AccessKeyID, e.SecretAccessKey, e.SessionToken, e.Expiration.UTC(), e.SignIn})
}

// UnmarshalJSON reads the short form.
func (e *CachedRole) UnmarshalJSON(b []byte) error {
	var w cachedRoleJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = CachedRole{RoleCredentials: RoleCredentials{AccessKeyID: w.AccessKeyID, SecretAccessKey: w.SecretAccessKey,
		SessionToken: w.SessionToken, Expiration: w.Expiration}, SignIn: w.SignIn}
	return nil
}
