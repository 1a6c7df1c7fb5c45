//go:build (dragonfly && cgo) || (freebsd && cgo) || linux || netbsd || openbsd

package aws

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	secretsName        = "org.freedesktop.secrets"
	secretsPath        = "/org/freedesktop/secrets"
	loginCollection    = dbus.ObjectPath(secretsPath + "/collection/login")
	defaultCollection  = dbus.ObjectPath(secretsPath + "/aliases/default")
	propertiesGet      = "org.freedesktop.DBus.Properties.Get"
	keychainProbeLimit = 3 * time.Second
)

// probeKeychain checks, without prompting anyone, that the Secret Service
// can keep ssopick's items: a D-Bus session bus named by
// DBUS_SESSION_BUS_ADDRESS (a headless server, a container or CI has
// none), a Secret Service on it, and the collection go-keyring writes to
// (login, else the default) unlocked: a locked one would make the keyring
// prompt for its password, and nobody may be there to answer.
func probeKeychain() error {
	if !sessionBusKnown() {
		return errors.New("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
	}
	_, err := withTimeout(func() (string, error) {
		conn, err := dbus.SessionBus() // shared with go-keyring
		if err != nil {
			return "", fmt.Errorf("cannot reach the D-Bus session bus (%v)", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), keychainProbeLimit)
		defer cancel()
		var cols dbus.Variant
		if err := conn.Object(secretsName, secretsPath).CallWithContext(ctx, propertiesGet, 0,
			"org.freedesktop.Secret.Service", "Collections").Store(&cols); err != nil {
			return "", fmt.Errorf("no Secret Service on the session bus (%v)", err)
		}
		collection := defaultCollection
		if paths, ok := cols.Value().([]dbus.ObjectPath); ok && slices.Contains(paths, loginCollection) {
			collection = loginCollection
		}
		var locked dbus.Variant
		if err := conn.Object(secretsName, collection).CallWithContext(ctx, propertiesGet, 0,
			"org.freedesktop.Secret.Collection", "Locked").Store(&locked); err != nil {
			return "", fmt.Errorf("the Secret Service has no login or default collection (%v)", err)
		}
		if l, _ := locked.Value().(bool); l {
			return "", errors.New("the Secret Service's keyring is locked")
		}
		return "", nil
	})
	return err
}

// sessionBusKnown reports whether the environment names a session bus.
// Only DBUS_SESSION_BUS_ADDRESS counts (pam_systemd and desktop sessions
// set it): godbus would also find /run/user/UID/bus, or autolaunch a bus
// with dbus-launch, which would leave a daemon behind, and a process
// whose environment has no bus (a test, a service) should not reach the
// desktop's keyring.
func sessionBusKnown() bool {
	a := os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	return a != "" && a != "autolaunch:"
}
