package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The STS tests drive AssumeRole and presigned GetCallerIdentity with
// aws-sdk-go-v2's STS client, pointed at a harness whose clock starts at
// the real time: presigned URLs carry the signer's clock, which must be
// near the sandbox's.

func newSTSHarness(t *testing.T, opts Options) *harness {
	t.Helper()
	clock := NewClock(time.Now().UTC().Truncate(time.Second))
	opts.Now = clock.Now
	h := newHarness(t, opts)
	h.clock = clock
	return h
}

// ssoCredentials signs in and fetches the permission set's role credentials,
// as GetRoleCredentials hands them out.
func (h *harness) ssoCredentials(accountID, role string) aws.Credentials {
	h.t.Helper()
	access := h.signIn().str("accessToken")
	r := h.get("/federation/credentials?account_id="+accountID+"&role_name="+role, access)
	rc, _ := r.body["roleCredentials"].(map[string]any)
	if r.status != 200 || rc == nil {
		h.t.Fatalf("GetRoleCredentials: %d %s", r.status, r.raw)
	}
	return aws.Credentials{
		AccessKeyID:     rc["accessKeyId"].(string),
		SecretAccessKey: rc["secretAccessKey"].(string),
		SessionToken:    rc["sessionToken"].(string),
	}
}

// stsClient is an SDK STS client signing with c, without retries so errors
// arrive as the sandbox sent them.
func (h *harness) stsClient(c aws.Credentials) *sts.Client {
	return sts.New(sts.Options{
		Region:           h.sb.Region(),
		BaseEndpoint:     aws.String(h.url),
		Credentials:      staticCreds{c},
		RetryMaxAttempts: 1,
	})
}

func (h *harness) assumeRole(c aws.Credentials, in *sts.AssumeRoleInput) (*sts.AssumeRoleOutput, aws.Credentials) {
	h.t.Helper()
	out, err := h.stsClient(c).AssumeRole(context.Background(), in)
	if err != nil {
		h.t.Fatalf("AssumeRole %s: %v", aws.ToString(in.RoleArn), err)
	}
	return out, aws.Credentials{
		AccessKeyID:     aws.ToString(out.Credentials.AccessKeyId),
		SecretAccessKey: aws.ToString(out.Credentials.SecretAccessKey),
		SessionToken:    aws.ToString(out.Credentials.SessionToken),
	}
}

func roleArn(account, name string) string { return "arn:aws:iam::" + account + ":role/" + name }

func TestAssumeRoleAndChaining(t *testing.T) {
	t.Parallel()
	h := newSTSHarness(t, Options{})
	ctx := context.Background()
	org := h.sb.Organisation().Accounts
	sso := h.ssoCredentials(org[1].ID, "ViewOnlyAccess")

	out, first := h.assumeRole(sso, &sts.AssumeRoleInput{
		RoleArn: aws.String(roleArn(org[2].ID, "ReadOnlyAccess")), RoleSessionName: aws.String("me"),
		ExternalId: aws.String("ext-1"), DurationSeconds: aws.Int32(900),
	})
	wantArn := "arn:aws:sts::" + org[2].ID + ":assumed-role/ReadOnlyAccess/me"
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != wantArn {
		t.Errorf("AssumedRoleUser.Arn %s, want %s", got, wantArn)
	}
	roleID := aws.ToString(out.AssumedRoleUser.AssumedRoleId)
	if !strings.HasPrefix(roleID, "AROA") || !strings.HasSuffix(roleID, ":me") {
		t.Errorf("AssumedRoleId %s, want AROA…:me", roleID)
	}
	if !strings.HasPrefix(first.AccessKeyID, "ASIA") || first.SecretAccessKey == "" || first.SessionToken == "" {
		t.Errorf("credentials %+v", out.Credentials)
	}
	if exp, want := aws.ToTime(out.Credentials.Expiration), h.clock.Now().Add(900*time.Second); !exp.Equal(want) {
		t.Errorf("Expiration %v, want %v (the requested 900 seconds)", exp, want)
	}

	id, err := h.stsClient(first).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity with assumed keys: %v", err)
	}
	if aws.ToString(id.Arn) != wantArn || aws.ToString(id.Account) != org[2].ID || aws.ToString(id.UserId) != roleID {
		t.Errorf("caller identity %s %s %s, want %s %s %s", aws.ToString(id.Arn), aws.ToString(id.Account), aws.ToString(id.UserId), wantArn, org[2].ID, roleID)
	}

	// A chain of chains: the assumed keys assume a role (with a path) in
	// another account; its session lasts the default hour.
	chained, second := h.assumeRole(first, &sts.AssumeRoleInput{
		RoleArn: aws.String(roleArn(org[0].ID, "team/Deploy")), RoleSessionName: aws.String("ci@acme.example"),
	})
	wantChained := "arn:aws:sts::" + org[0].ID + ":assumed-role/Deploy/ci@acme.example"
	if got := aws.ToString(chained.AssumedRoleUser.Arn); got != wantChained {
		t.Errorf("chained Arn %s, want %s", got, wantChained)
	}
	if exp, want := aws.ToTime(chained.Credentials.Expiration), h.clock.Now().Add(time.Hour); !exp.Equal(want) {
		t.Errorf("chained Expiration %v, want an hour ahead", exp)
	}
	if id, err := h.stsClient(second).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil || aws.ToString(id.Arn) != wantChained {
		t.Errorf("GetCallerIdentity with chained keys: %v %v", id, err)
	}

	calls := h.sb.AssumeRoleCalls()
	if len(calls) != 2 || calls[0].ExternalID != "ext-1" || calls[0].DurationSeconds != 900 || calls[0].AccessKeyID != first.AccessKeyID ||
		calls[1].ExternalID != "" || calls[1].DurationSeconds != 3600 || calls[1].Caller != wantArn || calls[1].RoleArn != roleArn(org[0].ID, "team/Deploy") {
		t.Errorf("AssumeRoleCalls %+v", calls)
	}
	if st := h.sb.Stats(); st.Calls["AssumeRole"] != 2 || st.Calls["GetCallerIdentity"] != 2 {
		t.Errorf("calls %v, want 2 AssumeRole and 2 GetCallerIdentity", st.Calls)
	}
	if !containsAll(h.sb.Secrets(), first.SecretAccessKey, first.SessionToken, second.SecretAccessKey) {
		t.Error("Secrets does not list the assumed roles' keys")
	}

	// The 900-second session expires on the sandbox's clock; the chained
	// hour-long one, and the SSO credentials, live on.
	h.clock.Advance(15 * time.Minute)
	if _, err := h.stsClient(first).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); apiCode(err) != "ExpiredToken" {
		t.Errorf("expired assumed keys: %v, want ExpiredToken", err)
	}
	if _, err := h.stsClient(first).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn(org[0].ID, "X")), RoleSessionName: aws.String("late")}); apiCode(err) != "ExpiredToken" {
		t.Errorf("AssumeRole with expired keys: %v, want ExpiredToken", err)
	}
	if _, err := h.stsClient(second).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("chained keys after 15 minutes: %v", err)
	}
	forged := second
	forged.SecretAccessKey = "wrong"
	if _, err := h.stsClient(forged).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn(org[0].ID, "X")), RoleSessionName: aws.String("forged")}); apiCode(err) != "SignatureDoesNotMatch" {
		t.Errorf("AssumeRole with a wrong secret: %v, want SignatureDoesNotMatch", err)
	}
}

func containsAll(list []string, want ...string) bool {
	seen := map[string]bool{}
	for _, s := range list {
		seen[s] = true
	}
	for _, w := range want {
		if !seen[w] {
			return false
		}
	}
	return true
}

func TestAssumeRoleErrors(t *testing.T) {
	t.Parallel()
	h := newSTSHarness(t, Options{})
	acct := h.sb.Organisation().Accounts[1]
	sso := h.ssoCredentials(acct.ID, "ViewOnlyAccess")
	caller := "arn:aws:sts::" + acct.ID + ":assumed-role/AWSReservedSSO_ViewOnlyAccess_" + roleIDSuffix(0, acct.ID, "ViewOnlyAccess") + "/sandbox.user"
	inOrg := roleArn(acct.ID, "ReadOnlyAccess")
	long := strings.Repeat("s", 65)
	cases := []struct {
		name     string
		in       sts.AssumeRoleInput
		status   int
		code     string
		message  string
		noRecord bool
	}{
		{"duration below 900", sts.AssumeRoleInput{RoleArn: &inOrg, RoleSessionName: aws.String("s"), DurationSeconds: aws.Int32(899)}, 400, "ValidationError",
			"2 validation errors detected: Value 's' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
				"Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", true},
		{"duration 899 alone", sts.AssumeRoleInput{RoleArn: &inOrg, RoleSessionName: aws.String("me"), DurationSeconds: aws.Int32(899)}, 400, "ValidationError",
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900", true},
		{"chained past an hour", sts.AssumeRoleInput{RoleArn: &inOrg, RoleSessionName: aws.String("me"), DurationSeconds: aws.Int32(3601)}, 400, "ValidationError",
			"The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.", true},
		{"duration past the API's limit", sts.AssumeRoleInput{RoleArn: &inOrg, RoleSessionName: aws.String("me"), DurationSeconds: aws.Int32(43201)}, 400, "ValidationError",
			"1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200", true},
		{"empty session name", sts.AssumeRoleInput{RoleArn: &inOrg, RoleSessionName: aws.String("")}, 400, "ValidationError",
			"1 validation error detected: Value '' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2", true},
		{"long session name", sts.AssumeRoleInput{RoleArn: &inOrg, RoleSessionName: &long}, 400, "ValidationError",
			"1 validation error detected: Value '" + long + "' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64", true},
		{"session name with a space", sts.AssumeRoleInput{RoleArn: &inOrg, RoleSessionName: aws.String("my session")}, 400, "ValidationError",
			`1 validation error detected: Value 'my session' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`, true},
		{"short external id", sts.AssumeRoleInput{RoleArn: &inOrg, RoleSessionName: aws.String("me"), ExternalId: aws.String("x")}, 400, "ValidationError",
			"1 validation error detected: Value 'x' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2", true},
		{"short role ARN", sts.AssumeRoleInput{RoleArn: aws.String("ReadOnlyAccess"), RoleSessionName: aws.String("me")}, 400, "ValidationError",
			"1 validation error detected: Value 'ReadOnlyAccess' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20", true},
		{"malformed role ARN", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::12345:role/ReadOnlyAccess"), RoleSessionName: aws.String("me")}, 400, "ValidationError",
			"arn:aws:iam::12345:role/ReadOnlyAccess is invalid", true},
		{"account outside the organisation", sts.AssumeRoleInput{RoleArn: aws.String(roleArn("000000000000", "ReadOnlyAccess")), RoleSessionName: aws.String("me")}, 403, "AccessDenied",
			"User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/ReadOnlyAccess", true},
		{"another partition", sts.AssumeRoleInput{RoleArn: aws.String("arn:aws-cn:iam::" + acct.ID + ":role/ReadOnlyAccess"), RoleSessionName: aws.String("me")}, 403, "AccessDenied",
			"User: " + caller + " is not authorized to perform: sts:AssumeRole on resource: arn:aws-cn:iam::" + acct.ID + ":role/ReadOnlyAccess", true},
		{"any role name in the organisation", sts.AssumeRoleInput{RoleArn: aws.String(roleArn(acct.ID, "NoPermissionSetOfThisName")), RoleSessionName: aws.String("a=b,c.d@e-f_g+h"), DurationSeconds: aws.Int32(3600)}, 200, "", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := len(h.sb.AssumeRoleCalls())
			_, err := h.stsClient(sso).AssumeRole(context.Background(), &tc.in)
			if tc.status == 200 {
				if err != nil {
					t.Fatalf("AssumeRole: %v", err)
				}
			} else {
				var api smithy.APIError
				var resp *awshttp.ResponseError
				if !errors.As(err, &api) || !errors.As(err, &resp) {
					t.Fatalf("AssumeRole: %v, want %d %s", err, tc.status, tc.code)
				}
				if resp.HTTPStatusCode() != tc.status || api.ErrorCode() != tc.code || api.ErrorMessage() != tc.message {
					t.Errorf("got %d %s %q\nwant %d %s %q", resp.HTTPStatusCode(), api.ErrorCode(), api.ErrorMessage(), tc.status, tc.code, tc.message)
				}
			}
			if recorded := len(h.sb.AssumeRoleCalls()) - before; recorded != map[bool]int{true: 0, false: 1}[tc.noRecord] {
				t.Errorf("%d AssumeRole calls recorded", recorded)
			}
		})
	}
}

// TestAssumeRoleRequestShape posts AssumeRole by hand: a missing session name
// is "null" to STS, and the answer is the XML document STS sends.
func TestAssumeRoleRequestShape(t *testing.T) {
	t.Parallel()
	h := newSTSHarness(t, Options{})
	acct := h.sb.Organisation().Accounts[0]
	sso := h.ssoCredentials(acct.ID, acct.Roles[0])
	post := func(form url.Values) response {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, h.url+"/", strings.NewReader(form.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
		signHeader(t, req, form.Encode(), sso, h.sb.Region(), h.clock.Now())
		return h.do(req)
	}
	r := post(url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {roleArn(acct.ID, "Admin")}})
	if r.status != 400 || !strings.Contains(r.raw, "<Code>ValidationError</Code><Message>1 validation error detected: Value null at &#39;roleSessionName&#39; failed to satisfy constraint: Member must not be null</Message>") {
		t.Errorf("missing RoleSessionName: %d %s", r.status, r.raw)
	}
	r = post(url.Values{"Action": {"AssumeRole"}, "Version": {"2011-06-15"}, "RoleArn": {roleArn(acct.ID, "Admin")}, "RoleSessionName": {"shape"}})
	var doc struct {
		XMLName xml.Name
		Result  struct {
			User struct {
				AssumedRoleID string `xml:"AssumedRoleId"`
				Arn           string `xml:"Arn"`
			} `xml:"AssumedRoleUser"`
			Credentials struct {
				AccessKeyID     string `xml:"AccessKeyId"`
				SecretAccessKey string
				SessionToken    string
				Expiration      string
			} `xml:"Credentials"`
		} `xml:"AssumeRoleResult"`
		RequestID string `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal([]byte(r.raw), &doc); err != nil || r.status != 200 {
		t.Fatalf("AssumeRole: %d %s %v", r.status, r.raw, err)
	}
	c := doc.Result.Credentials
	if doc.XMLName.Space != "https://sts.amazonaws.com/doc/2011-06-15/" || doc.XMLName.Local != "AssumeRoleResponse" || doc.RequestID == "" ||
		doc.Result.User.Arn != "arn:aws:sts::"+acct.ID+":assumed-role/Admin/shape" || !strings.HasSuffix(doc.Result.User.AssumedRoleID, ":shape") ||
		!strings.HasPrefix(c.AccessKeyID, "ASIA") || c.SecretAccessKey == "" || c.SessionToken == "" || c.Expiration != h.clock.Now().Add(time.Hour).Format("2006-01-02T15:04:05Z") {
		t.Errorf("AssumeRole document: %s", r.raw)
	}
}

// signHeader signs req in its Authorization header, as the SDKs do.
func signHeader(t *testing.T, req *http.Request, body string, c aws.Credentials, region string, at time.Time) {
	t.Helper()
	req.Header.Set("X-Amz-Date", at.UTC().Format(amzDateFormat))
	req.Header.Set("X-Amz-Security-Token", c.SessionToken)
	sig := sigV4{
		keyID: c.AccessKeyID, date: at.UTC().Format("20060102"), region: region, service: "sts",
		signedHeaders: []string{"content-type", "host", "x-amz-date", "x-amz-security-token"},
		amzDate:       at.UTC().Format(amzDateFormat),
	}
	sig.signature = sig.compute(req, []byte(body), c.SecretAccessKey)
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+c.AccessKeyID+"/"+sig.date+"/"+region+"/sts/aws4_request, SignedHeaders="+
		strings.Join(sig.signedHeaders, ";")+", Signature="+sig.signature)
}

func TestPartition(t *testing.T) {
	t.Parallel()
	for region, want := range map[string]string{
		"us-east-1": "aws", "eu-west-1": "aws", "cn-north-1": "aws-cn", "cn-northwest-1": "aws-cn",
		"us-gov-west-1": "aws-us-gov", "eusc-de-east-1": "aws-eusc",
	} {
		if got := New(Options{Region: region, Accounts: 1}).partition(); got != want {
			t.Errorf("partition of %s: %s, want %s", region, got, want)
		}
	}
	h := newSTSHarness(t, Options{Region: "cn-north-1"})
	acct := h.sb.Organisation().Accounts[0]
	sso := h.ssoCredentials(acct.ID, acct.Roles[0])
	out, _ := h.assumeRole(sso, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws-cn:iam::" + acct.ID + ":role/Ops"), RoleSessionName: aws.String("cn")})
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws-cn:sts::"+acct.ID+":assumed-role/Ops/cn" {
		t.Errorf("assumed-role ARN in cn-north-1: %s", got)
	}
}

const clusterHeader = "x-k8s-aws-id"

// presignEKS presigns GetCallerIdentity the way EKS tokens are made with
// aws-sdk-go-v2 (aws-iam-authenticator's token generator): the cluster
// header is added to the request the presigner signs, and X-Amz-Expires is
// set to 60, which the signer hoists into the query.
func (h *harness) presignEKS(c aws.Credentials, cluster string) string {
	h.t.Helper()
	req, err := sts.NewPresignClient(h.stsClient(c)).PresignGetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{},
		func(o *sts.PresignOptions) {
			o.ClientOptions = append(o.ClientOptions, func(o *sts.Options) {
				o.APIOptions = append(o.APIOptions,
					smithyhttp.SetHeaderValue(clusterHeader, cluster),
					smithyhttp.SetHeaderValue("X-Amz-Expires", "60"))
			})
		})
	if err != nil {
		h.t.Fatalf("PresignGetCallerIdentity: %v", err)
	}
	if req.Method != http.MethodGet || req.SignedHeader.Get(clusterHeader) != cluster {
		h.t.Fatalf("presigned %s %s with headers %v", req.Method, req.URL, req.SignedHeader)
	}
	// The token is the URL, base64url without padding, as kubectl gets it;
	// the EKS side decodes it again.
	token := "k8s-aws-v1." + base64.RawURLEncoding.EncodeToString([]byte(req.URL))
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, "k8s-aws-v1."))
	if err != nil {
		h.t.Fatal(err)
	}
	return string(raw)
}

// fetchPresigned GETs a presigned URL as the EKS side does, with headers.
func (h *harness) fetchPresigned(u string, header map[string]string) response {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return h.do(req)
}

func TestPresignedCallerIdentity(t *testing.T) {
	t.Parallel()
	h := newSTSHarness(t, Options{})
	acct := h.sb.Organisation().Accounts[1]
	sso := h.ssoCredentials(acct.ID, "ViewOnlyAccess")
	_, assumed := h.assumeRole(sso, &sts.AssumeRoleInput{RoleArn: aws.String(roleArn(acct.ID, "EKSAdmin")), RoleSessionName: aws.String("kubectl")})

	ssoArn := "arn:aws:sts::" + acct.ID + ":assumed-role/AWSReservedSSO_ViewOnlyAccess_" + roleIDSuffix(0, acct.ID, "ViewOnlyAccess") + "/sandbox.user"
	for _, keys := range []struct {
		name  string
		creds aws.Credentials
		arn   string
	}{
		{"SSO role credentials", sso, ssoArn},
		{"assumed role credentials", assumed, "arn:aws:sts::" + acct.ID + ":assumed-role/EKSAdmin/kubectl"},
	} {
		t.Run(keys.name, func(t *testing.T) {
			u := h.presignEKS(keys.creds, "demo")
			q, _ := url.Parse(u)
			if got := q.Query(); got.Get("X-Amz-Expires") != "60" || got.Get("X-Amz-SignedHeaders") != "host;x-k8s-aws-id" || got.Get("Action") != "GetCallerIdentity" {
				t.Fatalf("presigned URL %s", u)
			}

			r := h.fetchPresigned(u, map[string]string{clusterHeader: "demo"})
			var doc struct {
				Arn string `xml:"GetCallerIdentityResult>Arn"`
			}
			if r.status != 200 || !strings.Contains(r.raw, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">`) || xml.Unmarshal([]byte(r.raw), &doc) != nil || doc.Arn != keys.arn {
				t.Fatalf("presigned GET: %d %s, want Arn %s", r.status, r.raw, keys.arn)
			}

			// aws-iam-authenticator asks for JSON and reads this shape.
			r = h.fetchPresigned(u, map[string]string{clusterHeader: "demo", "Accept": "application/json"})
			var out struct {
				GetCallerIdentityResponse struct {
					GetCallerIdentityResult struct{ Account, Arn, UserId string }
					ResponseMetadata        struct{ RequestId string }
				}
			}
			if r.status != 200 || json.Unmarshal([]byte(r.raw), &out) != nil {
				t.Fatalf("presigned GET for JSON: %d %s", r.status, r.raw)
			}
			res := out.GetCallerIdentityResponse
			if res.GetCallerIdentityResult.Arn != keys.arn || res.GetCallerIdentityResult.Account != acct.ID ||
				!strings.HasPrefix(res.GetCallerIdentityResult.UserId, "AROA") || res.ResponseMetadata.RequestId == "" {
				t.Errorf("JSON identity %s", r.raw)
			}

			sig := q.Query().Get("X-Amz-Signature")
			tampered := strings.Replace(u, "X-Amz-Signature="+sig, "X-Amz-Signature="+flipHex(sig), 1)
			for _, bad := range []struct {
				name   string
				url    string
				header map[string]string
			}{
				{"without the signed cluster header", u, nil},
				{"for another cluster", u, map[string]string{clusterHeader: "prod"}},
				{"with a tampered signature", tampered, map[string]string{clusterHeader: "demo"}},
				{"with a parameter added", u + "&Extra=1", map[string]string{clusterHeader: "demo"}},
			} {
				r := h.fetchPresigned(bad.url, bad.header)
				if r.status != 403 || !strings.Contains(r.raw, "<Code>SignatureDoesNotMatch</Code>") {
					t.Errorf("%s: %d %s, want 403 SignatureDoesNotMatch", bad.name, r.status, r.raw)
				}
			}
		})
	}

	// STS ignores X-Amz-Expires=60: the URL works for 15 minutes after it
	// was signed, and not a second longer.
	u := h.presignEKS(sso, "demo")
	h.clock.Advance(14 * time.Minute)
	if r := h.fetchPresigned(u, map[string]string{clusterHeader: "demo"}); r.status != 200 {
		t.Errorf("14 minutes after signing: %d %s", r.status, r.raw)
	}
	h.clock.Advance(2 * time.Minute)
	r := h.fetchPresigned(u, map[string]string{clusterHeader: "demo"})
	if r.status != 403 || !strings.Contains(r.raw, "<Code>SignatureDoesNotMatch</Code><Message>Signature expired: ") || !strings.Contains(r.raw, " - 15 min.)") {
		t.Errorf("16 minutes after signing: %d %s, want 403 Signature expired", r.status, r.raw)
	}
	r = h.fetchPresigned(u, map[string]string{clusterHeader: "demo", "Accept": "application/json"})
	if errBody, _ := r.body["Error"].(map[string]any); r.status != 403 || errBody["Code"] != "SignatureDoesNotMatch" || r.body["RequestId"] == nil {
		t.Errorf("expired, for JSON: %d %s", r.status, r.raw)
	}
	if st := h.sb.Stats(); st.Calls["GetCallerIdentity"] < 14 {
		t.Errorf("GetCallerIdentity counted %d times", st.Calls["GetCallerIdentity"])
	}
}

func flipHex(s string) string {
	last := "0"
	if strings.HasSuffix(s, "0") {
		last = "1"
	}
	return s[:len(s)-1] + last
}

// TestPresignedRouting: GET / is the start page unless it names an Action;
// an incomplete or unsigned presigned request is refused as STS refuses it.
func TestPresignedRouting(t *testing.T) {
	t.Parallel()
	h := newSTSHarness(t, Options{})
	if r := h.get("/", ""); r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("start page: %d %s", r.status, r.raw)
	}
	cases := []struct {
		query, code string
		status      int
	}{
		{"?Action=GetCallerIdentity&Version=2011-06-15", "MissingAuthenticationToken", 403},
		{"?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAX%2F20260101%2Fus-east-1%2Fsts%2Faws4_request", "IncompleteSignature", 400},
		{"?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Signature=00", "IncompleteSignature", 400},
		{"?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAUNKNOWN%2F20260101%2Fus-east-1%2Fsts%2Faws4_request" +
			"&X-Amz-Date=20260101T000000Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00", "InvalidClientTokenId", 403},
		{"?Action=GetFederationToken&Version=2011-06-15", "InvalidAction", 400},
	}
	for _, tc := range cases {
		if r := h.get("/"+tc.query, ""); r.status != tc.status || !strings.Contains(r.raw, "<Code>"+tc.code+"</Code>") {
			t.Errorf("GET /%s: %d %s, want %d %s", tc.query, r.status, r.raw, tc.status, tc.code)
		}
	}
	if n := h.sb.Stats().Calls["STS"]; n != len(cases) {
		t.Errorf("STS calls %d, want %d", n, len(cases))
	}
}
