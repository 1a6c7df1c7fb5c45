package sandbox

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// amzDateFormat is the layout of X-Amz-Date, e.g. 20260101T120000Z.
const amzDateFormat = "20060102T150405Z"

// sigV4 is the parsed signature of a SigV4-signed request: from the
// Authorization header, or from the query string of a presigned URL.
type sigV4 struct {
	keyID, date, region, service string
	signedHeaders                []string
	signature                    string
	// presigned is set when the signature came in the query string
	// (X-Amz-Signature); amzDate and token then come from there too.
	presigned      bool
	amzDate, token string
}

// parseAuthorization reads
// "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/sts/aws4_request, SignedHeaders=a;b, Signature=hex".
func parseAuthorization(h string) (sigV4, bool) {
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return sigV4{}, false
	}
	var sig sigV4
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			scope := strings.Split(v, "/")
			if len(scope) != 5 || scope[4] != "aws4_request" {
				return sigV4{}, false
			}
			sig.keyID, sig.date, sig.region, sig.service = scope[0], scope[1], scope[2], scope[3]
		case "SignedHeaders":
			sig.signedHeaders = strings.Split(v, ";")
		case "Signature":
			sig.signature = v
		}
	}
	return sig, sig.keyID != "" && len(sig.signedHeaders) > 0 && sig.signature != ""
}

// parseRequestSignature reads the signature of r wherever the client put
// it: the Authorization header, or the X-Amz-* query parameters of a
// presigned URL. found says whether r carries any signature at all; ok
// whether it is complete.
func parseRequestSignature(r *http.Request) (sig sigV4, found, ok bool) {
	if h := r.Header.Get("Authorization"); h != "" {
		sig, ok = parseAuthorization(h)
		sig.amzDate = r.Header.Get("X-Amz-Date")
		sig.token = r.Header.Get("X-Amz-Security-Token")
		return sig, true, ok
	}
	q := r.URL.Query()
	if !q.Has("X-Amz-Signature") && !q.Has("X-Amz-Credential") && !q.Has("X-Amz-Algorithm") {
		return sigV4{}, false, false
	}
	sig, ok = parsePresigned(q)
	sig.presigned = true // even when incomplete, so it is refused as one
	return sig, true, ok
}

// parsePresigned reads the query-string form of SigV4: X-Amz-Algorithm,
// X-Amz-Credential, X-Amz-Date, X-Amz-SignedHeaders, X-Amz-Signature and,
// for temporary credentials, X-Amz-Security-Token.
func parsePresigned(q url.Values) (sigV4, bool) {
	if q.Get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256" {
		return sigV4{}, false
	}
	scope := strings.Split(q.Get("X-Amz-Credential"), "/")
	if len(scope) != 5 || scope[4] != "aws4_request" {
		return sigV4{}, false
	}
	sig := sigV4{
		keyID: scope[0], date: scope[1], region: scope[2], service: scope[3],
		signature: q.Get("X-Amz-Signature"),
		presigned: true,
		amzDate:   q.Get("X-Amz-Date"),
		token:     q.Get("X-Amz-Security-Token"),
	}
	if h := q.Get("X-Amz-SignedHeaders"); h != "" {
		sig.signedHeaders = strings.Split(h, ";")
	}
	_, dateErr := time.Parse(amzDateFormat, sig.amzDate)
	return sig, sig.keyID != "" && len(sig.signedHeaders) > 0 && sig.signature != "" && dateErr == nil
}

// signedAt is X-Amz-Date as a time.
func (sig sigV4) signedAt() (time.Time, bool) {
	t, err := time.Parse(amzDateFormat, sig.amzDate)
	return t, err == nil
}

// verify recomputes the signature of r with secret and compares it with the
// one the client sent, so only the holder of an issued secret key passes.
//
// A presigned URL is verified the same way, with X-Amz-Signature left out
// of the canonical query. Its payload hash is that of the empty body, not
// UNSIGNED-PAYLOAD: that is what both presigners of EKS tokens sign for STS
// (aws-sdk-go-v2's PresignGetCallerIdentity hashes the emptied body;
// botocore's SigV4QueryAuth keeps SigV4Auth.payload, which hashes it too,
// and only S3's presigner says UNSIGNED-PAYLOAD).
func (sig sigV4) verify(r *http.Request, body []byte, secret string) bool {
	return hmac.Equal([]byte(sig.compute(r, body, secret)), []byte(sig.signature))
}

// compute is the signature of r, as its client should have calculated it.
func (sig sigV4) compute(r *http.Request, body []byte, secret string) string {
	payloadHash := r.Header.Get("X-Amz-Content-Sha256")
	if payloadHash == "" || sig.presigned {
		sum := sha256.Sum256(body)
		payloadHash = hex.EncodeToString(sum[:])
	}
	query := r.URL.Query()
	if sig.presigned {
		query.Del("X-Amz-Signature")
	}
	var canonHeaders strings.Builder
	for _, name := range sig.signedHeaders {
		canonHeaders.WriteString(name + ":" + canonicalHeaderValue(r, name) + "\n")
	}
	canonical := strings.Join([]string{
		r.Method,
		canonicalPath(r.URL),
		canonicalQuery(query),
		canonHeaders.String(),
		strings.Join(sig.signedHeaders, ";"),
		payloadHash,
	}, "\n")
	amzDate := sig.amzDate
	scope := strings.Join([]string{sig.date, sig.region, sig.service, "aws4_request"}, "/")
	canonSum := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{"AWS4-HMAC-SHA256", amzDate, scope, hex.EncodeToString(canonSum[:])}, "\n")
	key := hmacSHA256([]byte("AWS4"+secret), sig.date)
	key = hmacSHA256(key, sig.region)
	key = hmacSHA256(key, sig.service)
	key = hmacSHA256(key, "aws4_request")
	return hex.EncodeToString(hmacSHA256(key, toSign))
}

func canonicalHeaderValue(r *http.Request, name string) string {
	var values []string
	switch name {
	case "host":
		values = []string{r.Host}
	case "content-length":
		values = r.Header.Values("Content-Length")
		if len(values) == 0 {
			values = []string{strconv.FormatInt(r.ContentLength, 10)}
		}
	default:
		values = r.Header.Values(name)
	}
	for i, v := range values {
		values[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(values, ",")
}

func canonicalPath(u *url.URL) string {
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return p
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, sigEscape(k)+"="+sigEscape(v))
		}
	}
	return strings.Join(parts, "&")
}

// sigEscape is SigV4's URI encoding: RFC 3986 unreserved characters stay.
func sigEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
