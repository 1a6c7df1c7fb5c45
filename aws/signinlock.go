package aws

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// SignInLock serialises sign-ins to a session across processes, so that
// thirty credential_process runs that find the sign-in expired open one
// browser tab: the first signs in, the others wait here and then find its
// token. It is not Lock, which a sign-in takes itself to save the token.
// waited says another process held it first. A lock file that cannot be
// created is no lock, as with Lock.
func (c TokenCache) SignInLock(ctx context.Context, s Session) (unlock func(), waited bool, err error) {
	path := c.signInPath(s, ".signin.lock")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return func() {}, false, nil
	}
	l := flock.New(path, flock.SetPermissions(0o600))
	ok, err := l.TryLock()
	if err != nil {
		return func() {}, false, nil
	}
	if !ok {
		waited = true
		if ok, err = l.TryLockContext(ctx, 20*time.Millisecond); err != nil || !ok {
			return nil, true, fmt.Errorf("wait for the sign-in to %s: %w", s.Label(), ctx.Err())
		}
	}
	return func() { _ = l.Unlock() }, waited, nil
}

// MarkSignInFailed records, under SignInLock, that a sign-in to s ended
// at t without a token (closed, refused, timed out), so that processes
// that were already waiting for one do not each try again. The file holds
// the time only.
func (c TokenCache) MarkSignInFailed(s Session, t time.Time) error {
	return WritePrivateFile(c.signInPath(s, ".signin-failed"), []byte(t.UTC().Format(time.RFC3339Nano)+"\n"))
}

// SignInFailedAt is when the last sign-in recorded by MarkSignInFailed
// ended; zero when none is known.
func (c TokenCache) SignInFailedAt(s Session) time.Time {
	raw, err := os.ReadFile(c.signInPath(s, ".signin-failed"))
	if err != nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(raw)))
	if err != nil {
		return time.Time{}
	}
	return t
}

func (c TokenCache) signInPath(s Session, suffix string) string {
	return filepath.Join(c.LockDir, strings.TrimSuffix(cacheFileName(s.CacheKey()), ".json")+suffix)
}
