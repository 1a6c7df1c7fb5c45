//go:build windows

package aws

import (
	"os"
	"path/filepath"
)

// replaceFile writes data to a temp file beside path, flushes it and
// renames it over path (MoveFileEx with MOVEFILE_REPLACE_EXISTING), which
// renameio does not support on Windows. perm is not applied: Windows keeps
// access in ACLs, and a new file inherits those of its directory (the
// user's profile, private to them).
func replaceFile(path string, data []byte, _ os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
