//go:build !unix

package aws

import "os"

// readMapped reads path; only Unix systems map it (mapfile_unix.go).
func readMapped(path string) ([]byte, error) { return os.ReadFile(path) }
