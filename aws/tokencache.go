package aws

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
)

// cacheTimeLayout is how the AWS CLI writes times in the SSO cache.
const cacheTimeLayout = "2006-01-02T15:04:05Z"

// Token is an SSO access token as the AWS CLI caches it in
// ~/.aws/sso/cache/<sha1>.json, with the client registration beside it.
type Token struct {
	StartURL              string
	Region                string
	AccessToken           string
	ExpiresAt             time.Time
	ClientID              string
	ClientSecret          string
	RegistrationExpiresAt time.Time
	RefreshToken          string

	// extra holds fields other tools wrote that ssopick does not know;
	// they are written back unchanged.
	extra map[string]json.RawMessage
}

// tokenFields are the known fields in the order the AWS CLI writes them.
var tokenFields = []string{"startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret", "registrationExpiresAt", "refreshToken"}

// ErrNoToken means no usable token is cached.
var ErrNoToken = errors.New("no cached SSO token")

// TokenCache is the AWS CLI's SSO cache directory. Locks live elsewhere
// (LockDir, ssopick's own cache) so the shared directory holds only what the
// CLI itself would write.
type TokenCache struct {
	Dir     string
	LockDir string
}

// cacheFileName is sha1 hex of key plus .json, the AWS CLI's naming.
func cacheFileName(key string) string {
	sum := sha1.Sum([]byte(key))
	return hex.EncodeToString(sum[:]) + ".json"
}

// TokenPath is the token file for a session.
func (c TokenCache) TokenPath(s Session) string {
	return filepath.Join(c.Dir, cacheFileName(s.CacheKey()))
}

// Lock serialises read-modify-write of a session's token across processes.
func (c TokenCache) Lock(ctx context.Context, s Session) (func(), error) {
	return lockFile(ctx, filepath.Join(c.LockDir, cacheFileName(s.CacheKey())+".lock"))
}

// LoadToken reads a session's cached token. A missing file is ErrNoToken;
// an unreadable or malformed one is ErrNoToken wrapped with the reason, so
// it is treated as absent and the person signs in again.
func (c TokenCache) LoadToken(s Session) (*Token, error) {
	path := c.TokenPath(s)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNoToken
	}
	if err != nil {
		return nil, fmt.Errorf("%w: read %s: %v", ErrNoToken, path, err)
	}
	t, err := parseToken(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not a valid token file (%v)", ErrNoToken, path, err)
	}
	return t, nil
}

func parseToken(raw []byte) (*Token, error) {
	fields := map[string]json.RawMessage{}
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, err
	}
	t := &Token{extra: map[string]json.RawMessage{}}
	str := func(k string, dst *string) error {
		v, ok := fields[k]
		if !ok {
			return nil
		}
		return json.Unmarshal(v, dst)
	}
	var expires, regExpires string
	for k, dst := range map[string]*string{
		"startUrl": &t.StartURL, "region": &t.Region, "accessToken": &t.AccessToken,
		"expiresAt": &expires, "clientId": &t.ClientID, "clientSecret": &t.ClientSecret,
		"registrationExpiresAt": &regExpires, "refreshToken": &t.RefreshToken,
	} {
		if err := str(k, dst); err != nil {
			return nil, fmt.Errorf("field %s: %v", k, err)
		}
	}
	if t.AccessToken == "" || expires == "" {
		return nil, errors.New("accessToken or expiresAt is missing")
	}
	var err error
	if t.ExpiresAt, err = parseCacheTime(expires); err != nil {
		return nil, fmt.Errorf("expiresAt: %v", err)
	}
	if regExpires != "" {
		if t.RegistrationExpiresAt, err = parseCacheTime(regExpires); err != nil {
			return nil, fmt.Errorf("registrationExpiresAt: %v", err)
		}
	}
	for k, v := range fields {
		if !slices.Contains(tokenFields, k) {
			t.extra[k] = v
		}
	}
	return t, nil
}

// parseCacheTime reads a time from a cache file as botocore does (it uses
// dateutil's parser): RFC 3339 with Z or an offset, with or without
// fractional seconds (the Go SDK and other tools write them); the
// 2026-11-27T18:00:00UTC of older AWS CLIs; +0000 offsets; and a space for
// the T. A time without a zone is refused, as botocore fails on it.
func parseCacheTime(v string) (time.Time, error) {
	s := strings.TrimSpace(v)
	if len(s) > 10 && s[10] == ' ' {
		s = s[:10] + "T" + s[11:]
	}
	for _, zone := range []string{" UTC", "UTC", " GMT", "GMT", "z"} {
		if rest, ok := strings.CutSuffix(s, zone); ok {
			s = rest + "Z"
			break
		}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		var err2 error
		if t, err2 = time.Parse("2006-01-02T15:04:05.999999999Z0700", s); err2 != nil {
			return time.Time{}, fmt.Errorf("%q is not a time like 2026-11-27T18:00:00Z", v)
		}
	}
	// Years the cache format cannot write back (before year 1 in UTC,
	// found by fuzzing) make the file unusable, not a crash later.
	if t = t.UTC(); t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("time %q is out of range", v)
	}
	return t, nil
}

// SaveToken writes a session's token atomically with mode 0600. Call it
// while holding Lock.
func (c TokenCache) SaveToken(s Session, t *Token) error {
	return WritePrivateFile(c.TokenPath(s), t.marshal())
}

// DeleteToken removes a session's token file, if any.
func (c TokenCache) DeleteToken(s Session) error {
	if err := os.Remove(c.TokenPath(s)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", c.TokenPath(s), err)
	}
	return nil
}

// marshal writes the token as botocore's json.dumps does: known fields in
// the CLI's order with ", " and ": " separators, then unknown fields sorted.
func (t *Token) marshal() []byte {
	var pairs []kv
	add := func(k, v string) {
		if v != "" {
			pairs = append(pairs, kv{k, mustJSON(v)})
		}
	}
	add("startUrl", t.StartURL)
	add("region", t.Region)
	add("accessToken", t.AccessToken)
	add("expiresAt", t.ExpiresAt.UTC().Format(cacheTimeLayout))
	add("clientId", t.ClientID)
	add("clientSecret", t.ClientSecret)
	if !t.RegistrationExpiresAt.IsZero() {
		add("registrationExpiresAt", t.RegistrationExpiresAt.UTC().Format(cacheTimeLayout))
	}
	add("refreshToken", t.RefreshToken)
	keys := make([]string, 0, len(t.extra))
	for k := range t.extra {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		pairs = append(pairs, kv{k, t.extra[k]})
	}
	return pythonJSONObject(pairs)
}

type kv struct {
	key   string
	value json.RawMessage
}

// pythonJSONObject renders pairs like Python's json.dumps with its default
// separators, so files match what botocore writes byte for byte. Values are
// written as given: unknown fields keep the bytes they were read with.
func pythonJSONObject(pairs []kv) []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range pairs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.Write(mustJSON(p.key))
		b.WriteString(": ")
		b.Write(p.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// mustJSON encodes like Python: no HTML escaping of <, > and &.
func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err) // only strings, numbers and decoded JSON are passed
	}
	return bytes.TrimRight(b.Bytes(), "\n")
}

// Registration is an OIDC client registration as the AWS CLI caches it.
type Registration struct {
	ClientID     string    `json:"clientId"`
	ClientSecret string    `json:"clientSecret"`
	ExpiresAt    time.Time `json:"-"`
	Scopes       []string  `json:"scopes"`
	GrantTypes   []string  `json:"grantTypes,omitempty"`
}

// registrationKey is the CLI's cache key for a session's registration:
// sha1 of the sorted-key JSON of region, scopes, session name, start URL
// and tool, with Python's separators.
func registrationKey(s Session) string {
	name := json.RawMessage("null")
	if s.Name != "" {
		name = mustJSON(s.Name)
	}
	doc := pythonJSONObject([]kv{
		{"region", mustJSON(s.Region)},
		{"scopes", pythonList(s.Scopes)},
		{"session_name", name},
		{"startUrl", mustJSON(s.StartURL)},
		{"tool", mustJSON("botocore")},
	})
	sum := sha1.Sum(doc)
	return hex.EncodeToString(sum[:])
}

// RegistrationPath is the registration file for a session.
func (c TokenCache) RegistrationPath(s Session) string {
	return filepath.Join(c.Dir, registrationKey(s)+".json")
}

// LoadRegistration reads a session's cached client registration.
func (c TokenCache) LoadRegistration(s Session) (*Registration, error) {
	raw, err := os.ReadFile(c.RegistrationPath(s))
	if err != nil {
		return nil, err
	}
	var r struct {
		Registration
		ExpiresAt string `json:"expiresAt"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, fmt.Errorf("%s is not a valid registration file: %w", c.RegistrationPath(s), err)
	}
	if r.Registration.ExpiresAt, err = parseCacheTime(r.ExpiresAt); err != nil || r.ClientID == "" {
		return nil, fmt.Errorf("%s is not a valid registration file", c.RegistrationPath(s))
	}
	return &r.Registration, nil
}

// SaveRegistration writes a session's client registration as the CLI does.
func (c TokenCache) SaveRegistration(s Session, r *Registration) error {
	pairs := []kv{
		{"clientId", mustJSON(r.ClientID)},
		{"clientSecret", mustJSON(r.ClientSecret)},
		{"expiresAt", mustJSON(r.ExpiresAt.UTC().Format(cacheTimeLayout))},
		{"scopes", pythonList(r.Scopes)},
	}
	if len(r.GrantTypes) > 0 {
		pairs = append(pairs, kv{"grantTypes", pythonList(r.GrantTypes)})
	}
	return WritePrivateFile(c.RegistrationPath(s), pythonJSONObject(pairs))
}

// DeleteRegistration removes a session's registration file, if any.
func (c TokenCache) DeleteRegistration(s Session) error {
	if err := os.Remove(c.RegistrationPath(s)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", c.RegistrationPath(s), err)
	}
	return nil
}

// pythonList renders strings as Python's json.dumps does; nil is null.
func pythonList(items []string) json.RawMessage {
	if items == nil {
		return []byte("null")
	}
	parts := make([]string, len(items))
	for i, it := range items {
		parts[i] = string(mustJSON(it))
	}
	return []byte("[" + strings.Join(parts, ", ") + "]")
}
