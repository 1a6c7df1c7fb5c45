//go:build !windows

package aws

import "github.com/google/renameio/v2"

// replaceFile writes data to a temp file beside path, fsyncs it and renames
// it over path, with mode 0600 whatever the umask.
func replaceFile(path string, data []byte) error {
	return renameio.WriteFile(path, data, 0o600, renameio.WithStaticPermissions(0o600))
}
