package aws

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sso"
)

// credentialMargin: credentials this close to expiry are fetched anew.
const credentialMargin = 5 * time.Minute

// RoleCredentials are a role's temporary keys.
type RoleCredentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

// credentialStore keeps role credentials in memory only, for reuse within
// one process.
type credentialStore struct {
	mu    sync.Mutex
	byKey map[string]RoleCredentials
}

// RoleCredentials returns temporary credentials for role in account,
// reusing ones fetched earlier by this process until 5 minutes before they
// expire. They are never written to disk.
func (c *Conn) RoleCredentials(ctx context.Context, accountID, role string) (RoleCredentials, error) {
	key := accountID + "/" + role
	if cached, ok := c.creds.get(key, c.now()); ok {
		return cached, nil
	}
	var out *sso.GetRoleCredentialsOutput
	err := c.withToken(ctx, func(token string) error {
		err := c.Pacer.call(ctx, func() (err error) {
			out, err = c.Portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
				AccessToken: &token, AccountId: &accountID, RoleName: &role,
			})
			return err
		})
		if err != nil {
			return portalError("get credentials for "+role+" in "+accountID, err)
		}
		return nil
	})
	if err != nil {
		var re *http.ResponseError
		if errors.As(err, &re) && re.HTTPStatusCode() == 403 {
			return RoleCredentials{}, fmt.Errorf("you have no access to the role %s in account %s; check the name with `ssopick list`", role, accountID)
		}
		return RoleCredentials{}, err
	}
	rc := out.RoleCredentials
	creds := RoleCredentials{
		AccessKeyID:     sdkaws.ToString(rc.AccessKeyId),
		SecretAccessKey: sdkaws.ToString(rc.SecretAccessKey),
		SessionToken:    sdkaws.ToString(rc.SessionToken),
		Expiration:      time.UnixMilli(rc.Expiration).UTC(),
	}
	c.creds.put(key, creds)
	return creds, nil
}

// get is the credentials kept under key, unless they are within
// credentialMargin of expiring.
func (s *credentialStore) get(key string, now time.Time) (RoleCredentials, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.byKey[key]
	return c, ok && c.Expiration.Sub(now) > credentialMargin
}

func (s *credentialStore) put(key string, c RoleCredentials) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byKey == nil {
		s.byKey = map[string]RoleCredentials{}
	}
	s.byKey[key] = c
}
