package sandbox

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// presignedWindow is how long after its X-Amz-Date STS accepts a presigned
// request. STS ignores X-Amz-Expires: EKS tokens are signed for 60 seconds
// yet work for 15 minutes, the window STS allows any signature (AWS-FACTS.md,
// "EKS token"; aws/aws-sdk-go#2167), so `aws eks get-token` and
// aws-iam-authenticator say they expire after 14.
const presignedWindow = 15 * time.Minute

// Chained role sessions last at most an hour, whatever the role allows; the
// API itself takes 900..43200 seconds.
const (
	minSessionDuration     = 900
	maxSessionDuration     = 43200
	chainedSessionDuration = 3600
)

// stsOperation answers one STS action for an authenticated caller.
type stsOperation func(w http.ResponseWriter, r *http.Request, params url.Values, caller *roleCredentials)

// sts answers the awsQuery protocol STS speaks: the Action and its
// parameters form-encoded in a POST to / (or, presigned, in the query of a
// GET), signed with SigV4 by credentials the sandbox issued, answered in XML
// (or JSON to clients that Accept it). GetCallerIdentity and AssumeRole are
// emulated; each is counted in Stats.Calls under its name, besides "STS".
func (s *Sandbox) sts(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	params, err := stsParams(r, body)
	if err != nil {
		stsError{http.StatusBadRequest, "MalformedQueryString", "The query string is malformed"}.writeTo(w, r)
		return
	}
	action := params.Get("Action")
	var op stsOperation
	switch action {
	case "GetCallerIdentity":
		op = s.getCallerIdentity
	case "AssumeRole":
		op = s.assumeRole
	default:
		stsError{http.StatusBadRequest, "InvalidAction", fmt.Sprintf("Could not find operation %s for version %s", action, params.Get("Version"))}.writeTo(w, r)
		return
	}
	s.mu.Lock()
	s.stats.Calls[action]++
	s.mu.Unlock()
	caller, serr := s.authenticateSTS(r, body)
	if serr != nil {
		serr.writeTo(w, r)
		return
	}
	op(w, r, params, caller)
}

// stsOrStartPage sends GET / to STS when it names an Action (a presigned
// URL, such as the one inside an EKS token); the plain start URL stays the
// access portal's page.
func (s *Sandbox) stsOrStartPage(sts http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Has("Action") {
			sts.ServeHTTP(w, r)
			return
		}
		s.startPage(w, r)
	}
}

// stsParams are the request's parameters: the query string, and for a POST
// the form in its body, as STS takes them from either.
func stsParams(r *http.Request, body []byte) (url.Values, error) {
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	if r.Method != http.MethodPost {
		return params, nil
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	for k, v := range form {
		params[k] = append(params[k], v...)
	}
	return params, nil
}

// authenticateSTS finds the issued credentials r is signed with, in its
// Authorization header or presigned in its query, and checks the signature,
// failing as STS does.
func (s *Sandbox) authenticateSTS(r *http.Request, body []byte) (*roleCredentials, *stsError) {
	sig, found, ok := parseRequestSignature(r)
	switch {
	case !found || (!ok && !sig.presigned):
		return nil, &errMissingAuth
	case !ok:
		return nil, &errIncompletePresigned
	}
	s.mu.Lock()
	creds, live := s.lookupCredentials(sig.keyID)
	s.mu.Unlock()
	switch {
	case creds == nil || sig.token != creds.sessionToken:
		return nil, &errInvalidClientTokenID
	case !live:
		return nil, &errSTSExpiredToken
	}
	if sig.presigned {
		if err := s.checkPresignedTime(sig); err != nil {
			return nil, err
		}
	}
	if !sig.verify(r, body, creds.secretKey) {
		return nil, &errSignatureMismatch
	}
	return creds, nil
}

// checkPresignedTime holds a presigned request to presignedWindow either
// side of the sandbox's clock, whatever its X-Amz-Expires says. Requests
// signed in their Authorization header are not held to it: tests run the
// sandbox on a clock of their own while the SDKs sign with the real one.
func (s *Sandbox) checkPresignedTime(sig sigV4) *stsError {
	signed, _ := sig.signedAt()
	now := s.now().UTC()
	switch {
	case signed.Before(now.Add(-presignedWindow)):
		return &stsError{http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 15 min.)",
			sig.amzDate, now.Add(-presignedWindow).Format(amzDateFormat), now.Format(amzDateFormat))}
	case signed.After(now.Add(presignedWindow)):
		return &stsError{http.StatusForbidden, "SignatureDoesNotMatch", fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 15 min.)",
			sig.amzDate, now.Add(presignedWindow).Format(amzDateFormat), now.Format(amzDateFormat))}
	}
	return nil
}

// stsIdentity is who a set of credentials is, as GetCallerIdentity says.
type stsIdentity struct {
	account, arn, userID string
}

// identityOf names the session c belongs to. The SSO permission set's
// credentials are a session of its reserved role named after the user;
// AssumeRole's are a session of the assumed role named as the caller asked.
func (s *Sandbox) identityOf(c *roleCredentials) stsIdentity {
	role := fmt.Sprintf("AWSReservedSSO_%s_%s", c.roleName, roleIDSuffix(s.opts.Seed, c.accountID, c.roleName))
	session, idKey := s.opts.User, c.roleName+"/id"
	if c.sessionName != "" {
		role, session, idKey = c.roleName, c.sessionName, "role/"+c.roleName
	}
	return stsIdentity{
		account: c.accountID,
		arn:     fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", s.partition(), c.accountID, role, session),
		userID:  "AROA" + strings.ToUpper(roleIDSuffix(s.opts.Seed, c.accountID, idKey)) + ":" + session,
	}
}

// partition is the ARN partition of the sandbox's region.
func (s *Sandbox) partition() string {
	switch r := s.opts.Region; {
	case strings.HasPrefix(r, "cn-"):
		return "aws-cn"
	case strings.HasPrefix(r, "us-gov-"):
		return "aws-us-gov"
	case strings.HasPrefix(r, "eusc-"):
		return "aws-eusc"
	}
	return "aws"
}

// getCallerIdentity answers in XML, or in JSON when the client Accepts it:
// aws-iam-authenticator (the EKS server side) asks for JSON.
func (s *Sandbox) getCallerIdentity(w http.ResponseWriter, r *http.Request, _ url.Values, c *roleCredentials) {
	id := s.identityOf(c)
	requestID := newRequestID()
	if wantsJSON(r) {
		writeJSON(w, http.StatusOK, map[string]any{"GetCallerIdentityResponse": map[string]any{
			"GetCallerIdentityResult": map[string]string{"Account": id.account, "Arn": id.arn, "UserId": id.userID},
			"ResponseMetadata":        map[string]string{"RequestId": requestID},
		}})
		return
	}
	type result struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}
	type response struct {
		XMLName  xml.Name            `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
		Result   result              `xml:"GetCallerIdentityResult"`
		Metadata stsResponseMetadata `xml:"ResponseMetadata"`
	}
	writeXML(w, http.StatusOK, response{
		Result:   result{Arn: id.arn, UserID: id.userID, Account: id.account},
		Metadata: stsResponseMetadata{RequestID: requestID},
	})
}

type stsResponseMetadata struct {
	RequestID string `xml:"RequestId"`
}

// AssumeRoleCall is an AssumeRole the sandbox granted, as the caller put it.
type AssumeRoleCall struct {
	RoleArn         string `json:"roleArn"`
	RoleSessionName string `json:"roleSessionName"`
	// ExternalID is empty when the request had none (STS takes none shorter
	// than two characters).
	ExternalID string `json:"externalId"`
	// DurationSeconds is the duration granted: 3600 when the request had none.
	DurationSeconds int `json:"durationSeconds"`
	// Caller is the ARN of the session that asked; AccessKeyID the key issued.
	Caller      string    `json:"caller"`
	AccessKeyID string    `json:"accessKeyId"`
	At          time.Time `json:"at"`
}

// AssumeRoleCalls lists the AssumeRole calls the sandbox granted, oldest
// first, so tests can check what arrived (an external id, a duration).
func (s *Sandbox) AssumeRoleCalls() []AssumeRoleCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.assumeRoles)
}

// assumeRoleInput is a validated AssumeRole request.
type assumeRoleInput struct {
	roleArn, partition, account, roleName string
	session, externalID                   string
	duration                              int
}

// The patterns are compiled on first use: ssopick links the sandbox (for
// demo), and every command would pay for them at start-up.
var (
	// roleArnPattern is an IAM role ARN: the role's name ends its path.
	roleArnPattern    = lazyRegexp(`^arn:([a-z-]+):iam::(\d{12}):role/(?:[\x21-\x7e]*/)?([\w+=,.@-]{1,64})$`)
	sessionPattern    = lazyRegexp(`^[\w+=,.@-]*$`)
	externalIDPattern = lazyRegexp(`^[\w+=,.@:/-]*$`)
)

func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// assumeRole grants any role name in any account of the organisation: the
// sandbox has no IAM, so every role trusts every session of the
// organisation. Every sandbox session is a role session, so every
// AssumeRole is role chaining and its session lasts at most an hour.
// Session policies, tags, MFA and source identity are accepted and ignored.
func (s *Sandbox) assumeRole(w http.ResponseWriter, r *http.Request, params url.Values, caller *roleCredentials) {
	in, verr := parseAssumeRole(params)
	if verr != nil {
		verr.writeTo(w, r)
		return
	}
	callerArn := s.identityOf(caller).arn
	if in.partition != s.partition() || s.org.Account(in.account) == nil {
		stsError{http.StatusForbidden, "AccessDenied", fmt.Sprintf("User: %s is not authorized to perform: sts:AssumeRole on resource: %s", callerArn, in.roleArn)}.writeTo(w, r)
		return
	}
	if in.duration > chainedSessionDuration {
		stsValidationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.").writeTo(w, r)
		return
	}
	now := s.now()
	c := &roleCredentials{
		accessKeyID:  "ASIA" + randomUpper(16),
		secretKey:    randomToken("", 30),
		sessionToken: randomToken("IQoJb3JpZ2luX2VjE", 300),
		accountID:    in.account,
		roleName:     in.roleName,
		sessionName:  in.session,
		expiresAt:    now.Add(time.Duration(in.duration) * time.Second).Truncate(time.Second),
	}
	s.mu.Lock()
	s.creds[c.accessKeyID] = c
	s.assumeRoles = append(s.assumeRoles, AssumeRoleCall{
		RoleArn: in.roleArn, RoleSessionName: in.session, ExternalID: in.externalID,
		DurationSeconds: in.duration, Caller: callerArn, AccessKeyID: c.accessKeyID, At: now,
	})
	s.mu.Unlock()
	s.writeAssumeRole(w, c)
}

func (s *Sandbox) writeAssumeRole(w http.ResponseWriter, c *roleCredentials) {
	id := s.identityOf(c)
	type credentials struct {
		AccessKeyID     string `xml:"AccessKeyId"`
		SecretAccessKey string `xml:"SecretAccessKey"`
		SessionToken    string `xml:"SessionToken"`
		Expiration      string `xml:"Expiration"`
	}
	type assumedRoleUser struct {
		AssumedRoleID string `xml:"AssumedRoleId"`
		Arn           string `xml:"Arn"`
	}
	type result struct {
		AssumedRoleUser assumedRoleUser `xml:"AssumedRoleUser"`
		Credentials     credentials     `xml:"Credentials"`
	}
	type response struct {
		XMLName  xml.Name            `xml:"https://sts.amazonaws.com/doc/2011-06-15/ AssumeRoleResponse"`
		Result   result              `xml:"AssumeRoleResult"`
		Metadata stsResponseMetadata `xml:"ResponseMetadata"`
	}
	writeXML(w, http.StatusOK, response{
		Result: result{
			AssumedRoleUser: assumedRoleUser{AssumedRoleID: id.userID, Arn: id.arn},
			Credentials: credentials{
				AccessKeyID:     c.accessKeyID,
				SecretAccessKey: c.secretKey,
				SessionToken:    c.sessionToken,
				Expiration:      c.expiresAt.UTC().Format(time.RFC3339),
			},
		},
		Metadata: stsResponseMetadata{RequestID: newRequestID()},
	})
}

// parseAssumeRole checks the parameters as STS does: first the API model's
// constraints, all reported at once ("2 validation errors detected: …"),
// then the shape of the role ARN.
func parseAssumeRole(p url.Values) (assumeRoleInput, *stsError) {
	var v stsValidation
	v.length("roleArn", p, 20, 2048)
	v.length("roleSessionName", p, 2, 64)
	v.pattern("roleSessionName", p, sessionPattern(), `[\w+=,.@-]*`)
	in := assumeRoleInput{roleArn: p.Get("RoleArn"), session: p.Get("RoleSessionName"), duration: chainedSessionDuration}
	if p.Has("DurationSeconds") {
		in.duration = v.integer("durationSeconds", p.Get("DurationSeconds"), minSessionDuration, maxSessionDuration)
	}
	if p.Has("ExternalId") {
		v.length("externalId", p, 2, 1224)
		v.pattern("externalId", p, externalIDPattern(), `[\w+=,.@:\/-]*`)
		in.externalID = p.Get("ExternalId")
	}
	if err := v.err(); err != nil {
		return in, err
	}
	m := roleArnPattern().FindStringSubmatch(in.roleArn)
	if m == nil {
		return in, stsValidationError(in.roleArn + " is invalid")
	}
	in.partition, in.account, in.roleName = m[1], m[2], m[3]
	return in, nil
}

// stsValidation collects the constraint failures of the API model, worded as
// AWS's request validation words them.
type stsValidation []string

// stsParam is the request parameter of a member the model names: the
// member 'roleArn' is the parameter RoleArn.
func stsParam(member string) string { return strings.ToUpper(member[:1]) + member[1:] }

func (v *stsValidation) fail(name, value, constraint string) {
	*v = append(*v, fmt.Sprintf("Value %s at '%s' failed to satisfy constraint: Member must %s", value, name, constraint))
}

func (v *stsValidation) length(name string, p url.Values, minLen, maxLen int) {
	if !p.Has(stsParam(name)) {
		v.fail(name, "null", "not be null")
		return
	}
	value := p.Get(stsParam(name))
	switch n := len([]rune(value)); {
	case n < minLen:
		v.fail(name, stsQuote(value), fmt.Sprintf("have length greater than or equal to %d", minLen))
	case n > maxLen:
		v.fail(name, stsQuote(value), fmt.Sprintf("have length less than or equal to %d", maxLen))
	}
}

func (v *stsValidation) pattern(name string, p url.Values, re *regexp.Regexp, shown string) {
	if value := p.Get(stsParam(name)); p.Has(stsParam(name)) && !re.MatchString(value) {
		v.fail(name, stsQuote(value), "satisfy regular expression pattern: "+shown)
	}
}

// integer parses an integer parameter within [minValue, maxValue]. The
// wording for a value that is no number at all is not confirmed.
func (v *stsValidation) integer(name, value string, minValue, maxValue int) int {
	n, err := strconv.Atoi(value)
	switch {
	case err != nil:
		v.fail(name, stsQuote(value), "be a number")
	case n < minValue:
		v.fail(name, stsQuote(value), fmt.Sprintf("have value greater than or equal to %d", minValue))
	case n > maxValue:
		v.fail(name, stsQuote(value), fmt.Sprintf("have value less than or equal to %d", maxValue))
	}
	return n
}

func (v stsValidation) err() *stsError {
	switch len(v) {
	case 0:
		return nil
	case 1:
		return stsValidationError("1 validation error detected: " + v[0])
	}
	return stsValidationError(fmt.Sprintf("%d validation errors detected: %s", len(v), strings.Join(v, "; ")))
}

func stsQuote(s string) string { return "'" + s + "'" }

func stsValidationError(msg string) *stsError {
	return &stsError{http.StatusBadRequest, "ValidationError", msg}
}

// wantsJSON reports whether the client asked for JSON instead of XML, as
// aws-iam-authenticator does when it checks an EKS token.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}
