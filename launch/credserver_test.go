package launch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials/endpointcreds"
)

func TestCredentialServerFeedsTheSDKsContainerProvider(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	failing := atomic.Bool{}
	s, err := ServeCredentials(func(context.Context) (Credentials, error) {
		n := calls.Add(1)
		if failing.Load() {
			return Credentials{}, errors.New("sign-in required; run `ssopick login` first")
		}
		return Credentials{AccessKeyID: fmt.Sprintf("ASIA%d", n), SecretAccessKey: "secret", SessionToken: "token", Expiration: time.Now().Add(time.Hour)}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || len(s.Token) < 32 {
		t.Fatalf("URL %q, token %d characters", s.URL, len(s.Token))
	}
	provider := endpointcreds.New(s.URL, func(o *endpointcreds.Options) { o.AuthorizationToken = s.Token })
	for want := 1; want <= 2; want++ {
		c, err := provider.Retrieve(context.Background())
		if err != nil || c.AccessKeyID != fmt.Sprintf("ASIA%d", want) || c.SessionToken != "token" || !c.CanExpire || time.Until(c.Expires) < 59*time.Minute {
			t.Fatalf("retrieve %d: %+v %v", want, c, err)
		}
	}
	// Each answer is the current credentials: renewal is fetch's business.
	if calls.Load() != 2 {
		t.Errorf("%d fetches for 2 requests", calls.Load())
	}

	wrong := endpointcreds.New(s.URL, func(o *endpointcreds.Options) { o.AuthorizationToken = "guess" })
	if _, err := wrong.Retrieve(context.Background()); err == nil {
		t.Error("a wrong authorization token got credentials")
	}
	failing.Store(true)
	if _, err := provider.Retrieve(context.Background()); err == nil || !strings.Contains(err.Error(), "ssopick login") {
		t.Errorf("a failed renewal: %v, want the way forward", err)
	}
}
