package aws

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// keychainService is the service name of ssopick's keychain items; the
// account (user) is the RoleCacheKey.
const keychainService = "ssopick"

// keychainTimeout bounds every keychain call: a keychain that hangs (a
// prompt nobody sees) costs a portal call, not the answer.
const keychainTimeout = 5 * time.Second

// keychainCache is the RoleCache in the OS keychain: macOS Keychain,
// Windows Credential Manager, the Secret Service (GNOME Keyring, KWallet,
// KeePassXC) on Linux and BSD.
type keychainCache struct{}

func (keychainCache) Get(key string) (CachedRole, bool, error) {
	v, err := withTimeout(func() (string, error) { return keyring.Get(keychainService, key) })
	if errors.Is(err, keyring.ErrNotFound) {
		return CachedRole{}, false, nil
	}
	if err != nil {
		return CachedRole{}, false, fmt.Errorf("read the keychain: %w", err)
	}
	var e CachedRole
	if json.Unmarshal([]byte(v), &e) != nil {
		return CachedRole{}, false, nil // not ssopick's form: a miss, replaced by the next Put
	}
	return e, true, nil
}

func (keychainCache) Put(key string, e CachedRole) error {
	raw, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if _, err := withTimeout(func() (string, error) { return "", keyring.Set(keychainService, key, string(raw)) }); err != nil {
		return fmt.Errorf("write the keychain: %w", err)
	}
	return nil
}

func (keychainCache) Delete(key string) error {
	_, err := withTimeout(func() (string, error) { return "", keyring.Delete(keychainService, key) })
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return fmt.Errorf("delete from the keychain: %w", err)
	}
	return nil
}

var errKeychainTimeout = errors.New("the keychain did not answer in time")

// withTimeout runs fn, giving up after keychainTimeout. The call itself
// cannot be cancelled and runs on in the background; ssopick exits soon
// after anyway.
func withTimeout(fn func() (string, error)) (string, error) {
	type result struct {
		v   string
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := fn()
		done <- result{v, err}
	}()
	t := time.NewTimer(keychainTimeout)
	defer t.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-t.C:
		return "", errKeychainTimeout
	}
}
