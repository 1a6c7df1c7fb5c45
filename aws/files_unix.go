//go:build !windows

package aws

import (
	"os"

	"github.com/google/renameio/v2"
)

// replaceFile writes data to a temp file beside path, fsyncs it and renames
// it over path, with exactly mode perm whatever the umask and whatever mode
// an existing file at path had. (renameio.WriteFile cannot do this: it adds
// WithExistingPermissions, which wins over WithStaticPermissions, so a token
// file once made 0644 stayed 0644 through every save.)
func replaceFile(path string, data []byte, perm os.FileMode) error {
	f, err := renameio.NewPendingFile(path, renameio.WithStaticPermissions(perm))
	if err != nil {
		return err
	}
	defer f.Cleanup() // after a successful replace there is nothing to clean up
	if _, err := f.Write(data); err != nil {
		return err
	}
	return f.CloseAtomicallyReplace()
}
