package aws

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
)

// WritePrivateFile replaces path atomically (temp file, fsync, rename) with
// mode 0600, creating its directory with mode 0700. A reader sees the old
// file or the new one, never a part. The mode is 0600 even when the file it
// replaces was looser (a token file someone made 0644 becomes private
// again).
func WritePrivateFile(path string, data []byte) error {
	return writeFileMode(path, data, 0o600)
}

// writeFileMode is WritePrivateFile with mode perm instead of 0600. The
// directory, when created, is still 0700.
func writeFileMode(path string, data []byte, perm os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	if err := replaceFile(path, data, perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// fetchOnce is the cache-aside that the role and EKS caches share: lookup
// answers when it can; else, under the file lock lockPath (so that
// parallel processes wanting one key take turns and one of them fetches),
// lookup is tried again, then fetch runs and store keeps what it returned,
// still under the lock. hit says lookup answered.
func fetchOnce[T any](ctx context.Context, lockPath string, lookup func() (T, bool), fetch func() (T, error), store func(T)) (v T, hit bool, err error) {
	if v, ok := lookup(); ok {
		return v, true, nil
	}
	unlock, err := lockFile(ctx, lockPath)
	if err != nil {
		return v, false, err
	}
	defer unlock()
	// Another process may have fetched it while this one waited.
	if v, ok := lookup(); ok {
		return v, true, nil
	}
	if v, err = fetch(); err != nil {
		return v, false, err
	}
	store(v)
	return v, false, nil
}

// lockFile takes an exclusive advisory lock on path (created 0600 with its
// directory), waiting while ctx lives, and returns the unlock function. It
// guards read-modify-write cycles across ssopick processes.
//
// A lock that cannot be created (a read-only or full cache directory) is
// no lock at all rather than a failure: the work goes on unguarded, as a
// person whose cache cannot be written still needs their credentials.
func lockFile(ctx context.Context, path string) (func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return func() {}, nil
	}
	l := flock.New(path, flock.SetPermissions(0o600))
	ok, err := l.TryLockContext(ctx, 20*time.Millisecond)
	if err != nil && ctx.Err() == nil {
		return func() {}, nil // the lock file cannot be opened: see above
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !ok {
		return nil, fmt.Errorf("lock %s: %w", path, ctx.Err())
	}
	return func() { _ = l.Unlock() }, nil
}

// WithFileLock runs fn while holding an exclusive advisory lock on the
// file lockPath (created 0600 with its directory), waiting for it while
// ctx lives: read-modify-write cycles of a file that other ssopick
// processes write too run one at a time. As with the token cache, a lock
// file that cannot be created does not stop fn.
func WithFileLock(ctx context.Context, lockPath string, fn func() error) error {
	unlock, err := lockFile(ctx, lockPath)
	if err != nil {
		return err
	}
	defer unlock()
	return fn()
}
