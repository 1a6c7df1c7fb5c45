//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package aws

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestNoSessionBusMeansTheAgent(t *testing.T) {
	t.Parallel()
	if sessionBusKnown() {
		t.Skip("this machine has a session bus: the choice depends on its keyring")
	}
	ch, err := OpenRoleCache(RoleCacheOptions{Paths: Paths{Cache: filepath.Join(t.TempDir(), "cache")}})
	if err != nil || ch.Backend != BackendAgent || !strings.Contains(ch.Reason, "no D-Bus session bus") {
		t.Errorf("no session bus: %+v %v", ch, err)
	}
}
