package aws

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// memCache is a RoleCache in a map, counting what it is asked.
type memCache struct {
	mu              sync.Mutex
	m               map[string]CachedRole
	gets, puts, del int
	getErr          error
}

func (c *memCache) Get(key string) (CachedRole, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gets++
	if c.getErr != nil {
		return CachedRole{}, false, c.getErr
	}
	e, ok := c.m[key]
	return e, ok, nil
}

func (c *memCache) Put(key string, e CachedRole) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.puts++
	if c.m == nil {
		c.m = map[string]CachedRole{}
	}
	c.m[key] = e
	return nil
}

func (c *memCache) Delete(key string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.del++
	delete(c.m, key)
	return nil
}

// signedInConn is a Conn whose token cache holds a sign-in by clientID,
// with the clock at *now.
func signedInConn(t *testing.T, dir, clientID string, now *time.Time) *Conn {
	t.Helper()
	s := Session{Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1"}
	tc := TokenCache{Dir: filepath.Join(dir, "sso"), LockDir: filepath.Join(dir, "locks")}
	if clientID != "" {
		tok := &Token{StartURL: s.StartURL, Region: s.Region, AccessToken: "aoa-" + clientID, ExpiresAt: now.Add(8 * time.Hour), ClientID: clientID}
		if err := tc.SaveToken(s, tok); err != nil {
			t.Fatal(err)
		}
	}
	return &Conn{Session: s, Auth: &Auth{Session: s, Cache: tc}, Now: func() time.Time { return *now }}
}

func TestCachedRoleCredentialsAnswerWithinTheirLife(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	c := signedInConn(t, dir, "client-1", &now)
	cache := &memCache{}
	fetches := 0
	fetch := func() (RoleCredentials, error) {
		fetches++
		return RoleCredentials{AccessKeyID: "ASIA" + strings.Repeat("X", fetches), SecretAccessKey: "secret", SessionToken: "token", Expiration: now.Add(time.Hour)}, nil
	}
	var warnings []error
	warn := func(err error) { warnings = append(warnings, err) }
	get := func() (RoleCredentials, bool) {
		t.Helper()
		creds, hit, err := c.CachedRoleCredentials(context.Background(), cache, "111122223333", "Admin", fetch, warn)
		if err != nil {
			t.Fatal(err)
		}
		return creds, hit
	}

	first, hit := get()
	if hit || fetches != 1 || cache.puts != 1 {
		t.Fatalf("first call: hit %v, %d fetches, %d puts", hit, fetches, cache.puts)
	}
	if e := cache.m["acme|111122223333|Admin"]; e.AccessKeyID != first.AccessKeyID || e.SignIn == "" {
		t.Errorf("cached %+v", e)
	}
	if again, hit := get(); !hit || fetches != 1 || again != first {
		t.Errorf("second call: hit %v, %d fetches", hit, fetches)
	}
	// 5 minutes before expiry they are fetched anew, as credentialMargin.
	now = now.Add(54 * time.Minute)
	if _, hit := get(); !hit {
		t.Error("6 minutes left: not answered from cache")
	}
	now = now.Add(2 * time.Minute)
	if _, hit := get(); hit || fetches != 2 {
		t.Errorf("4 minutes left: hit %v, %d fetches", hit, fetches)
	}
	// A new sign-in (a new client after a logout) does not get the old
	// sign-in's credentials.
	c = signedInConn(t, dir, "client-2", &now)
	if _, hit := get(); hit || fetches != 3 {
		t.Errorf("after a new sign-in: hit %v, %d fetches", hit, fetches)
	}
	// Signed out: the entry is removed and fetch (which fails) is asked.
	if err := c.Auth.Cache.DeleteToken(c.Session); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.CachedRoleCredentials(context.Background(), cache, "111122223333", "Admin",
		func() (RoleCredentials, error) { return RoleCredentials{}, ErrSignInRequired }, warn)
	if !errors.Is(err, ErrSignInRequired) || len(cache.m) != 0 {
		t.Errorf("signed out: %v, cache %v", err, cache.m)
	}
	if len(warnings) != 0 {
		t.Errorf("warnings: %v", warnings)
	}
}

func TestBrokenRoleCacheFallsBackToThePortal(t *testing.T) {
	t.Parallel()
	now := time.Now()
	c := signedInConn(t, t.TempDir(), "client-1", &now)
	cache := &memCache{getErr: errors.New("the keyring is gone")}
	var warnings []error
	creds, hit, err := c.CachedRoleCredentials(context.Background(), cache, "111122223333", "Admin",
		func() (RoleCredentials, error) {
			return RoleCredentials{AccessKeyID: "ASIA1", Expiration: now.Add(time.Hour)}, nil
		},
		func(err error) { warnings = append(warnings, err) })
	if err != nil || hit || creds.AccessKeyID != "ASIA1" || len(warnings) == 0 {
		t.Errorf("creds %+v hit %v err %v warnings %v", creds, hit, err, warnings)
	}
}

func TestParallelCallersFetchOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Now()
	signedInConn(t, dir, "client-1", &now)
	cache := &memCache{}
	var fetches atomic.Int32
	var wg sync.WaitGroup
	for range 20 {
		// A Conn each, as separate processes have: the lock is a file.
		c := signedInConn(t, dir, "", &now)
		wg.Go(func() {
			_, _, err := c.CachedRoleCredentials(context.Background(), cache, "111122223333", "Admin", func() (RoleCredentials, error) {
				fetches.Add(1)
				time.Sleep(50 * time.Millisecond)
				return RoleCredentials{AccessKeyID: "ASIA1", Expiration: time.Now().Add(time.Hour)}, nil
			}, func(err error) { t.Error(err) })
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := fetches.Load(); n != 1 {
		t.Errorf("%d fetches for 20 callers, want 1", n)
	}
}

func TestNoRoleCacheAlwaysFetches(t *testing.T) {
	t.Parallel()
	now := time.Now()
	c := signedInConn(t, t.TempDir(), "client-1", &now)
	fetches := 0
	for range 2 {
		_, hit, _ := c.CachedRoleCredentials(context.Background(), NoRoleCache, "111122223333", "Admin", func() (RoleCredentials, error) {
			fetches++
			return RoleCredentials{Expiration: now.Add(time.Hour)}, nil
		}, nil)
		if hit {
			t.Error("NoRoleCache answered")
		}
	}
	if fetches != 2 {
		t.Errorf("%d fetches", fetches)
	}
}

func TestCachedRoleRoundTripsInShortJSON(t *testing.T) {
	t.Parallel()
	e := CachedRole{RoleCredentials: RoleCredentials{AccessKeyID: "ASIA1", SecretAccessKey: "s", SessionToken: "t",
		Expiration: time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)}, SignIn: "abc"}
	raw, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if string(raw) != `{"k":"ASIA1","s":"s","t":"t","e":"2026-11-25T13:00:00Z","i":"abc"}` {
		t.Errorf("JSON %s", raw)
	}
	var back CachedRole
	if err := json.Unmarshal(raw, &back); err != nil || back != e {
		t.Errorf("round trip %+v %v", back, err)
	}
}

func TestOpenRoleCacheHonoursTheVariable(t *testing.T) {
	t.Parallel()
	paths := Paths{Cache: filepath.Join(t.TempDir(), "cache")}
	for v, want := range map[string]string{"keychain": BackendKeychain, "agent": BackendAgent, "none": BackendNone} {
		ch, err := OpenRoleCache(RoleCacheOptions{Getenv: func(k string) string { return map[string]string{CredentialStoreVar: v}[k] }, Paths: paths})
		if err != nil || ch.Backend != want || !strings.Contains(ch.Reason, CredentialStoreVar) {
			t.Errorf("%s: %+v %v", v, ch, err)
		}
	}
	_, err := OpenRoleCache(RoleCacheOptions{Getenv: func(k string) string { return map[string]string{CredentialStoreVar: "vault"}[k] }, Paths: paths})
	if err == nil || !strings.Contains(err.Error(), `SSOPICK_CREDENTIAL_STORE="vault" is not keychain, agent or none`) {
		t.Errorf("unknown store: %v", err)
	}
}

func TestKeychainCacheStoresJSONUnderTheRoleKey(t *testing.T) {
	keyring.MockInit() // process-wide; no other test uses the keyring
	k := keychainCache{}
	if _, found, err := k.Get("acme|1|Admin"); found || err != nil {
		t.Fatalf("empty keyring: %v %v", found, err)
	}
	e := CachedRole{RoleCredentials: RoleCredentials{AccessKeyID: "ASIA1", Expiration: time.Now().Add(time.Hour).UTC().Round(0)}, SignIn: "x"}
	if err := k.Put("acme|1|Admin", e); err != nil {
		t.Fatal(err)
	}
	raw, err := keyring.Get(keychainService, "acme|1|Admin")
	if err != nil || !strings.Contains(raw, `"k":"ASIA1"`) {
		t.Errorf("item %q %v", raw, err)
	}
	if got, found, err := k.Get("acme|1|Admin"); !found || err != nil || !got.Expiration.Equal(e.Expiration) || got.AccessKeyID != "ASIA1" {
		t.Errorf("Get %+v %v %v", got, found, err)
	}
	// An item in another form is a miss, not an error.
	if err := keyring.Set(keychainService, "acme|2|Admin", "not json"); err != nil {
		t.Fatal(err)
	}
	if _, found, err := k.Get("acme|2|Admin"); found || err != nil {
		t.Errorf("foreign item: %v %v", found, err)
	}
	if err := k.Delete("acme|1|Admin"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete("acme|1|Admin"); err != nil {
		t.Errorf("deleting a missing item: %v", err)
	}
	if _, found, _ := k.Get("acme|1|Admin"); found {
		t.Error("deleted item found")
	}
}

func TestSignInLockMakesLateComersWait(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tc := TokenCache{Dir: filepath.Join(dir, "sso"), LockDir: filepath.Join(dir, "locks")}
	s := Session{Name: "acme"}
	unlock, waited, err := tc.SignInLock(context.Background(), s)
	if err != nil || waited {
		t.Fatalf("first: waited %v, %v", waited, err)
	}
	got := make(chan bool)
	go func() {
		unlock2, waited, err := tc.SignInLock(context.Background(), s)
		if err != nil {
			t.Error(err)
			got <- false
			return
		}
		unlock2()
		got <- waited
	}()
	select {
	case <-got:
		t.Fatal("the second caller did not wait")
	case <-time.After(100 * time.Millisecond):
	}
	unlock()
	if !<-got {
		t.Error("the second caller says it did not wait")
	}
	// A waiter gives up with its context.
	unlock, _, _ = tc.SignInLock(context.Background(), s)
	defer unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, _, err := tc.SignInLock(ctx, s); err == nil || !strings.Contains(err.Error(), "wait for the sign-in to acme") {
		t.Errorf("cancelled wait: %v", err)
	}

	if !tc.SignInFailedAt(s).IsZero() {
		t.Error("a failed sign-in was recorded before any")
	}
	at := time.Date(2026, 11, 25, 12, 0, 0, 123, time.UTC)
	if err := tc.MarkSignInFailed(s, at); err != nil {
		t.Fatal(err)
	}
	if got := tc.SignInFailedAt(s); !got.Equal(at) {
		t.Errorf("recorded %v, read %v", at, got)
	}
}
