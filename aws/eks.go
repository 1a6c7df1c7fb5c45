package aws

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// EKS tokens, as `aws eks get-token` and aws-iam-authenticator make them:
// a GetCallerIdentity GET presigned with the role's credentials, whose
// signed headers include x-k8s-aws-id: CLUSTER, so that it proves who the
// caller is to that one cluster. The cluster (the authenticator in its
// control plane) fetches the URL from STS with that header; STS accepts
// it for 15 minutes after signing, whatever X-Amz-Expires says.

const (
	// EKSTokenPrefix starts every EKS token; base64url of the URL follows.
	EKSTokenPrefix = "k8s-aws-v1."
	// EKSClusterHeader is the signed header that names the cluster.
	EKSClusterHeader = "x-k8s-aws-id"
	// eksTokenLife is how long after signing kubectl may use a token: 14
	// minutes, as `aws eks get-token` says, a minute inside STS's 15.
	eksTokenLife = 14 * time.Minute
	// eksCacheMargin: a cached token with no more than this left is made
	// anew, so that kubectl never starts a request with one about to end.
	eksCacheMargin = time.Minute
	// amzDate is the layout of X-Amz-Date.
	amzDate = "20060102T150405Z"
)

// EKSToken is a token for one cluster and the time until which kubectl may
// use it.
type EKSToken struct {
	Token      string
	Expiration time.Time
}

// NewEKSToken signs a token for cluster with creds, for the STS endpoint
// of region as the SDK resolves it (sts.REGION.amazonaws.com and its
// partition's kin): AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL (unless
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), the config file's endpoint_url,
// use_fips_endpoint and use_dualstack_endpoint, and AWS_USE_FIPS_ENDPOINT
// and AWS_USE_DUALSTACK_ENDPOINT from env; an endpoint URL wins over FIPS
// and dual-stack. The token expires 14 minutes after signing, or when
// creds do if that is sooner. Nothing is sent anywhere.
func NewEKSToken(ctx context.Context, env Environment, region, cluster string, creds RoleCredentials) (EKSToken, error) {
	cfg, err := loadConfig(ctx, region, env)
	if err != nil {
		return EKSToken{}, &ClientSetupError{fmt.Errorf("load AWS configuration: %w", err)}
	}
	client := sts.NewFromConfig(cfg, func(o *sts.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)
		// The endpoint rules of every client: AWS_ENDPOINT_URL_STS &
		// co., which win over the variant (FIPS, dual-stack) loadConfig
		// pinned.
		o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint =
			env.endpointFor("STS", o.BaseEndpoint, o.EndpointOptions.UseFIPSEndpoint, o.EndpointOptions.UseDualStackEndpoint)
	})
	before := time.Now()
	req, err := sts.NewPresignClient(client).PresignGetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(o *sts.PresignOptions) {
		o.ClientOptions = append(o.ClientOptions, func(o *sts.Options) {
			// The signer hoists X-Amz-* headers into the query; the
			// cluster header stays a header, signed.
			o.APIOptions = append(o.APIOptions,
				smithyhttp.SetHeaderValue(EKSClusterHeader, cluster),
				smithyhttp.SetHeaderValue("X-Amz-Expires", "60"))
		})
	})
	if err != nil {
		return EKSToken{}, fmt.Errorf("sign the EKS token for %s in %s: %w", cluster, region, err)
	}
	signed := before
	if u, err := url.Parse(req.URL); err == nil {
		if t, err := time.Parse(amzDate, u.Query().Get("X-Amz-Date")); err == nil {
			signed = t
		}
	}
	expires := signed.Add(eksTokenLife).UTC()
	if !creds.Expiration.IsZero() && creds.Expiration.Before(expires) {
		expires = creds.Expiration.UTC()
	}
	return EKSToken{Token: EKSTokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(req.URL)), Expiration: expires}, nil
}

// EKSTokenURL is the presigned URL inside an EKS token.
func EKSTokenURL(token string) (string, error) {
	rest, ok := strings.CutPrefix(token, EKSTokenPrefix)
	if !ok {
		return "", fmt.Errorf("an EKS token starts with %s", EKSTokenPrefix)
	}
	raw, err := base64.RawURLEncoding.DecodeString(rest)
	if err != nil {
		return "", fmt.Errorf("the EKS token is not base64url without padding: %w", err)
	}
	return string(raw), nil
}

// ExecCredentialAPIVersion is the client.authentication.k8s.io version of
// the ExecCredential that kubectl reads from an exec plugin.
const ExecCredentialAPIVersion = "client.authentication.k8s.io/v1beta1"

// execCredential is kubectl's ExecCredential, with the fields a token
// plugin fills, in the order `aws eks get-token` prints them.
type execCredential struct {
	Kind       string               `json:"kind"`
	APIVersion string               `json:"apiVersion"`
	Spec       struct{}             `json:"spec"`
	Status     execCredentialStatus `json:"status"`
}

type execCredentialStatus struct {
	ExpirationTimestamp string `json:"expirationTimestamp"`
	Token               string `json:"token"`
}

// ExecCredential is t as the ExecCredential JSON kubectl reads, on one
// line with a newline. The expiration is in seconds (RFC 3339, UTC),
// rounded down so that kubectl asks again no later than t allows.
func (t EKSToken) ExecCredential() []byte {
	b, _ := json.Marshal(execCredential{
		Kind:       "ExecCredential",
		APIVersion: ExecCredentialAPIVersion,
		Status: execCredentialStatus{
			ExpirationTimestamp: t.Expiration.UTC().Truncate(time.Second).Format(time.RFC3339),
			Token:               t.Token,
		},
	})
	return append(b, '\n')
}

// EKSKey names a cached EKS token: the session, account, role, region and
// cluster it is for, and for a chained role the way to it.
type EKSKey struct {
	Session   Session
	AccountID string
	Role      string
	Region    string
	Cluster   string
	// Via is, for a role assumed from an SSO role, the SSO role and the
	// roles assumed from it (ARN, session name, external id, duration);
	// empty for the SSO role itself.
	Via string
	// Endpoint is the environment's STS endpoint settings (STSSettings):
	// a token signed for one endpoint is no use at another.
	Endpoint string
}

// STSSettings are the environment's settings that choose the STS
// endpoint: an endpoint URL, else the FIPS and dual-stack switches. (A
// profile's use_fips_endpoint is not read here: that would load the AWS
// configuration on the cached path.)
func (e Environment) STSSettings() string {
	if u := e.endpoint("STS"); u != "" {
		return u
	}
	return "fips=" + e.getenv("AWS_USE_FIPS_ENDPOINT") + ",dualstack=" + e.getenv("AWS_USE_DUALSTACK_ENDPOINT")
}

// EKSKeyFor is the key of ch's token for cluster in region.
func EKSKeyFor(ch Choice, region, cluster string) EKSKey {
	k := EKSKey{AccountID: ch.Row.AccountID, Role: ch.Row.RoleName, Region: region, Cluster: cluster}
	if ch.Conn != nil {
		k.Session = ch.Conn.Session
	}
	if c := ch.Row.Chain; c != nil {
		via := []string{c.From.AccountID + "/" + c.From.RoleName}
		for _, h := range c.Hops {
			via = append(via, strings.Join([]string{h.RoleARN, h.SessionName, h.ExternalID, h.Duration.String()}, "#"))
		}
		k.Via = strings.Join(via, ">")
	}
	return k
}

func (k EKSKey) String() string {
	return strings.Join([]string{k.Session.CacheKey(), k.AccountID, k.Role, k.Region, k.Cluster, k.Via, k.Endpoint}, "|")
}

// EKSTokenCache keeps EKS tokens between runs, one file per EKSKey, so
// that kubectl, which runs its exec plugin for every command, costs a file
// read rather than a call to the portal. A token is served until a minute
// before it expires and only while the sign-in that fetched its role
// credentials is still the session's: it is tied to the cached access
// token (a hash of it), so signing out, or signing in anew, retires it;
// found signed out, the file is removed. The token (a presigned URL that
// carries the role's session token, not its secret key, and is good for
// this one cluster) is written with mode 0600 in ssopick's cache folder.
type EKSTokenCache struct {
	// Dir holds the token files.
	Dir string
	// LockDir holds the locks that make parallel runs sign one token.
	LockDir string
	// Tokens is the SSO token cache whose sign-ins the tokens are tied to.
	Tokens TokenCache
}

// EKSTokenCache is the EKS token cache for these paths: eks/ in the cache
// folder.
func (p Paths) EKSTokenCache() EKSTokenCache {
	return EKSTokenCache{Dir: filepath.Join(p.Cache, "eks"), LockDir: filepath.Join(p.Cache, "locks"), Tokens: p.TokenCache()}
}

// Path is the file that holds k's token.
func (c EKSTokenCache) Path(k EKSKey) string {
	return filepath.Join(c.Dir, cacheFileName(k.String()))
}

// cachedEKSToken is a token file.
type cachedEKSToken struct {
	SignIn     string    `json:"signIn"`
	Token      string    `json:"token"`
	Expiration time.Time `json:"expiration"`
}

// eksSignIn identifies the session's current sign-in without revealing
// it: a hash of the start URL, the client and the access token. Unlike
// the role cache's SignInID it changes with every sign-in and refresh, so
// a token is never served for a sign-in that is not the one that made it
// (a refresh costs one token made anew). ok is false when signed out.
func eksSignIn(tc TokenCache, s Session) (id string, ok bool) {
	tok, err := tc.LoadToken(s)
	if err != nil || tok.AccessToken == "" {
		return "", false
	}
	sum := sha256.Sum256([]byte(s.StartURL + "\n" + tok.ClientID + "\n" + tok.AccessToken))
	return hex.EncodeToString(sum[:12]), true
}

// Lookup answers for k from the cache alone: found is false unless the
// token has more than a minute left at now and the session's sign-in is
// the one it was made under. A token of another sign-in, or found while
// signed out, is removed.
func (c EKSTokenCache) Lookup(k EKSKey, now time.Time) (EKSToken, bool, error) {
	path := c.Path(k)
	id, signedIn := eksSignIn(c.Tokens, k.Session)
	if !signedIn {
		return EKSToken{}, false, removeIfThere(path)
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return EKSToken{}, false, nil
	}
	if err != nil {
		return EKSToken{}, false, err
	}
	var e cachedEKSToken
	if json.Unmarshal(b, &e) != nil || e.Token == "" {
		return EKSToken{}, false, nil // written anew below
	}
	if e.SignIn != id {
		return EKSToken{}, false, removeIfThere(path)
	}
	if e.Expiration.Sub(now) <= eksCacheMargin {
		return EKSToken{}, false, nil
	}
	return EKSToken{Token: e.Token, Expiration: e.Expiration}, true, nil
}

// Get answers for k from the cache (see Lookup), else calls mint and
// caches what it returns under the sign-in current after it (mint may
// sign in). Parallel runs for one key take turns, so one makes the token
// and the others read it. hit says the cache answered. A cache that cannot
// be read or written is reported to warn; the token is made all the same.
func (c EKSTokenCache) Get(ctx context.Context, k EKSKey, now func() time.Time, mint func() (EKSToken, error), warn func(error)) (tok EKSToken, hit bool, err error) {
	lookup := func() (EKSToken, bool) {
		tok, found, err := c.Lookup(k, now())
		if err != nil {
			warn(err)
		}
		return tok, found
	}
	lock := filepath.Join(c.LockDir, "eks-"+strings.TrimSuffix(filepath.Base(c.Path(k)), ".json")+".lock")
	return fetchOnce(ctx, lock, lookup, mint, func(tok EKSToken) {
		if id, ok := eksSignIn(c.Tokens, k.Session); ok {
			if err := c.save(k, cachedEKSToken{SignIn: id, Token: tok.Token, Expiration: tok.Expiration}); err != nil {
				warn(err)
			}
		}
	})
}

// save writes e for k (atomically, mode 0600) and removes the token
// files that have expired: no token outlives eksTokenLife after it was
// written, so the folder holds no more than the tokens in use.
func (c EKSTokenCache) save(k EKSKey, e cachedEKSToken) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := WritePrivateFile(c.Path(k), b); err != nil {
		return err
	}
	entries, _ := os.ReadDir(c.Dir)
	for _, de := range entries {
		if info, err := de.Info(); err == nil && de.Type().IsRegular() && strings.HasSuffix(de.Name(), ".json") &&
			time.Since(info.ModTime()) > eksTokenLife {
			_ = os.Remove(filepath.Join(c.Dir, de.Name()))
		}
	}
	return nil
}

// removeIfThere removes path; a missing file is no error.
func removeIfThere(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
