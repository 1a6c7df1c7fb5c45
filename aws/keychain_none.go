//go:build !((dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd || darwin || windows)

package aws

import "errors"

// probeKeychain: go-keyring has no keychain on this platform.
func probeKeychain() error { return errors.New("no keychain is supported on this platform") }
