package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssopick/ssopick/aws"
	"github.com/ssopick/ssopick/sandbox"
)

// The first-run form's work against the sandbox: a start URL the region's
// endpoint does not know is refused before anything is written; a known
// one is written, with the check's client registration kept as the
// session's, so a device sign-in registers no second client.
func TestFirstRunSetupChecksThenWrites(t *testing.T) {
	t.Parallel()
	srv, err := sandbox.Start(sandbox.Options{Accounts: 3, AutoApprove: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	home := t.TempDir()
	vars := map[string]string{"AWS_ENDPOINT_URL_SSO_OIDC": srv.URL(), "AWS_ENDPOINT_URL_SSO": srv.URL()}
	f := &factory{IO: IO{Out: &bytes.Buffer{}, ErrOut: &bytes.Buffer{}}, Getenv: func(k string) string { return vars[k] }}
	f.Paths = aws.Paths{
		AWSConfig: filepath.Join(home, "aws", "config"), AWSCredentials: filepath.Join(home, "aws", "credentials"),
		SSOCache: filepath.Join(home, "aws", "sso", "cache"), Cache: filepath.Join(home, "cache"), State: filepath.Join(home, "state.json"),
	}
	ctx := context.Background()
	setup := firstRunSetup(ctx, f, &aws.Sessions{})

	wrong := aws.Session{Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "eu-west-1", Scopes: aws.DefaultScopes}
	if err := setup.Check(ctx, wrong); !errors.Is(err, aws.ErrUnknownStartURL) || !strings.Contains(err.Error(), "SSO region") {
		t.Fatalf("a start URL the endpoint does not know: %v", err)
	}
	if _, err := os.Stat(f.Paths.AWSConfig); err == nil {
		t.Fatal("the check wrote the config")
	}

	right := aws.Session{Name: "acme", StartURL: srv.StartURL(), Region: srv.Region(), Scopes: aws.DefaultScopes}
	if err := setup.Check(ctx, right); err != nil {
		t.Fatalf("the sandbox's own start URL: %v", err)
	}
	registered := srv.Stats().Calls["RegisterClient"]
	src, err := setup.Save(right)
	if err != nil {
		t.Fatal(err)
	}
	config, _ := os.ReadFile(f.Paths.AWSConfig)
	if !strings.Contains(string(config), "[sso-session acme]\nsso_start_url = "+srv.StartURL()) {
		t.Errorf("config:\n%s", config)
	}
	if _, err := src.SignInDevice(ctx, func(aws.DeviceCode) {}); err != nil {
		t.Fatal(err)
	}
	if n := srv.Stats().Calls["RegisterClient"] - registered; n != 0 {
		t.Errorf("the device sign-in after setup registered %d more clients", n)
	}
}
