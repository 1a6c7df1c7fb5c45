package aws

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ssopick/ssopick/sandbox"
)

// The first-run check: IAM Identity Center at the region's endpoint either
// knows the start URL, or refuses it (as real AWS does in a wrong region)
// with one sentence saying what to do. Nothing is cached either way.
func TestCheckStartURL(t *testing.T) {
	t.Parallel()
	fx := newFixture(t, sandbox.Options{Accounts: 3})
	conn := fx.connect(t)
	reg, err := conn.Auth.CheckStartURL(context.Background())
	if err != nil || reg == nil || reg.ClientID == "" {
		t.Fatalf("the sandbox's own start URL: %v, %+v", err, reg)
	}
	if _, err := conn.Auth.Cache.LoadRegistration(fx.sess); err == nil {
		t.Error("the check cached its registration before the session was written")
	}
	// Kept for the session, it serves the device sign-in: no second
	// registration.
	if err := conn.Auth.Cache.SaveRegistration(fx.sess, reg); err != nil {
		t.Fatal(err)
	}
	before := fx.srv.Stats().Calls["RegisterClient"]
	if _, err := conn.Auth.SignInWithDeviceCode(context.Background(), func(DeviceCode) {}); err != nil {
		t.Fatal(err)
	}
	if n := fx.srv.Stats().Calls["RegisterClient"] - before; n != 0 {
		t.Errorf("the device sign-in after the check registered %d more clients", n)
	}

	other := fx.sess
	other.StartURL = "https://other.awsapps.com/start"
	wrong := fx.connect(t)
	wrong.Auth.Session = other
	_, err = wrong.Auth.CheckStartURL(context.Background())
	if !errors.Is(err, ErrUnknownStartURL) {
		t.Fatalf("a start URL the region does not know: %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "in "+fx.sess.Region+" does not know https://other.awsapps.com/start") || !strings.Contains(msg, "SSO region") || strings.Contains(msg, "\n") {
		t.Errorf("refusal: %q", msg)
	}
}
