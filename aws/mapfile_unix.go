//go:build unix

package aws

import (
	"os"
	"syscall"
)

// readMapped returns the contents of path mapped read-only into memory,
// not copied: a 20,000-row catalogue is 2 MB, and on the small virtual
// machines people run this on, copying it into fresh heap pages costs more
// than everything else list does. The bytes stay valid for the life of the
// process and must not be written. ssopick replaces its files by rename,
// never rewrites them in place, so a mapped file does not change under a
// reader.
func readMapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := info.Size()
	if size == 0 || size != int64(int(size)) || !info.Mode().IsRegular() {
		return os.ReadFile(path)
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return os.ReadFile(path)
	}
	return b, nil
}
