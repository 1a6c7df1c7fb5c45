package sandbox

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// Secrets and ids are random, long and shaped like the real ones, so tests
// that scan for leaks have something distinctive to find.

func newRequestID() string {
	b := hex.EncodeToString(randomBytes(16))
	return fmt.Sprintf("%s-%s-%s-%s-%s", b[:8], b[8:12], b[12:16], b[16:20], b[20:])
}

// randomToken is prefix and n random bytes in base64url. Without a prefix
// it starts with a letter, so it can never be mistaken for a command-line
// option.
func randomToken(prefix string, n int) string {
	if prefix == "" {
		prefix = randomUpper(1)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(randomBytes(n))
}

// randomUpper returns n characters of [A-Z2-7], the alphabet of AWS key ids.
func randomUpper(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := randomBytes(n)
	var sb strings.Builder
	for _, c := range b {
		sb.WriteByte(alphabet[int(c)%len(alphabet)])
	}
	return sb.String()
}

// newUserCode is a device user code as the service shows it: XXXX-XXXX.
func newUserCode() string {
	const alphabet = "BCDFGHJKLMNPQRSTVWXZ"
	b := randomBytes(8)
	code := make([]byte, 0, 9)
	for i, c := range b {
		if i == 4 {
			code = append(code, '-')
		}
		code = append(code, alphabet[int(c)%len(alphabet)])
	}
	return string(code)
}
