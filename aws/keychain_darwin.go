package aws

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// probeKeychain checks that the default keychain is there and unlocked
// (over SSH the login keychain usually is not, and writing to it would
// fail with "User interaction is not allowed").
func probeKeychain() error {
	ctx, cancel := context.WithTimeout(context.Background(), keychainTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, "/usr/bin/security", "show-keychain-info").CombinedOutput()
	if err != nil {
		return fmt.Errorf("the default keychain cannot be used (%s)", strings.TrimSpace(string(out)))
	}
	return nil
}
