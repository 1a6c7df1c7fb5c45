package aws

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
)

// scriptedOIDC answers CreateToken polls from a script of errors; nil
// means success.
type scriptedOIDC struct {
	polls []error
	calls int
}

func (s *scriptedOIDC) RegisterClient(context.Context, *ssooidc.RegisterClientInput, ...func(*ssooidc.Options)) (*ssooidc.RegisterClientOutput, error) {
	return &ssooidc.RegisterClientOutput{ClientId: sdkaws.String("cid"), ClientSecret: sdkaws.String("secret"),
		ClientSecretExpiresAt: time.Now().Add(90 * 24 * time.Hour).Unix()}, nil
}

func (s *scriptedOIDC) StartDeviceAuthorization(context.Context, *ssooidc.StartDeviceAuthorizationInput, ...func(*ssooidc.Options)) (*ssooidc.StartDeviceAuthorizationOutput, error) {
	return &ssooidc.StartDeviceAuthorizationOutput{DeviceCode: sdkaws.String("dc"), UserCode: sdkaws.String("ABCD-EFGH"),
		VerificationUri: sdkaws.String("https://device"), VerificationUriComplete: sdkaws.String("https://device?user_code=ABCD-EFGH"),
		ExpiresIn: 600, Interval: 2}, nil
}

func (s *scriptedOIDC) CreateToken(context.Context, *ssooidc.CreateTokenInput, ...func(*ssooidc.Options)) (*ssooidc.CreateTokenOutput, error) {
	err := s.polls[s.calls]
	s.calls++
	if err != nil {
		return nil, err
	}
	return &ssooidc.CreateTokenOutput{AccessToken: sdkaws.String("aoa"), ExpiresIn: 3600, RefreshToken: sdkaws.String("aor")}, nil
}

func TestDevicePollingFollowsTheService(t *testing.T) {
	t.Parallel()
	oidc := &scriptedOIDC{polls: []error{
		&oidctypes.AuthorizationPendingException{},
		&oidctypes.SlowDownException{},
		&oidctypes.AuthorizationPendingException{},
		nil,
	}}
	var waits []time.Duration
	dir := t.TempDir()
	a := &Auth{
		Session: Session{Name: "acme", StartURL: "https://acme.awsapps.com/start", Region: "us-east-1"},
		OIDC:    oidc,
		Cache:   TokenCache{Dir: dir, LockDir: dir},
		wait: func(_ context.Context, d time.Duration) error {
			waits = append(waits, d)
			return nil
		},
	}
	var shown DeviceCode
	tok, err := a.SignInWithDeviceCode(context.Background(), func(d DeviceCode) { shown = d })
	if err != nil || tok.AccessToken != "aoa" || tok.RefreshToken != "aor" {
		t.Fatalf("sign-in: %+v %v", tok, err)
	}
	if shown.UserCode != "ABCD-EFGH" {
		t.Errorf("shown %+v", shown)
	}
	// First poll at once, then the interval, +5 s after SlowDown.
	want := []time.Duration{2 * time.Second, 7 * time.Second, 7 * time.Second}
	if len(waits) != len(want) || waits[0] != want[0] || waits[1] != want[1] || waits[2] != want[2] {
		t.Errorf("waits %v, want %v", waits, want)
	}
	if saved, err := a.Cache.LoadToken(a.Session); err != nil || saved.AccessToken != "aoa" {
		t.Errorf("saved %+v %v", saved, err)
	}
}

func TestDevicePollingStopsOnExpiry(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a := &Auth{
		Session: Session{StartURL: "https://acme.awsapps.com/start", Region: "us-east-1"},
		OIDC:    &scriptedOIDC{polls: []error{&oidctypes.AuthorizationPendingException{}, &oidctypes.ExpiredTokenException{}}},
		Cache:   TokenCache{Dir: dir, LockDir: dir},
		wait:    func(context.Context, time.Duration) error { return nil },
	}
	_, err := a.SignInWithDeviceCode(context.Background(), func(DeviceCode) {})
	if err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("expired code: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a.wait = sleep
	a.OIDC = &scriptedOIDC{polls: []error{&oidctypes.AuthorizationPendingException{}}}
	if _, err := a.SignInWithDeviceCode(ctx, func(DeviceCode) {}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestChooseFlow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		device, noBrowser, canOpen bool
		want                       Flow
	}{
		{false, false, true, FlowBrowser},
		{false, false, false, FlowDeviceCode}, // over SSH: no browser here
		{false, true, false, FlowBrowser},     // the person opens the URL
		{true, false, true, FlowDeviceCode},
		{true, true, false, FlowDeviceCode},
	} {
		if got := ChooseFlow(tc.device, tc.noBrowser, tc.canOpen); got != tc.want {
			t.Errorf("ChooseFlow(device %v, no browser %v, can open %v) = %v, want %v", tc.device, tc.noBrowser, tc.canOpen, got, tc.want)
		}
	}
}
