package sandbox

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// sts answers the awsQuery protocol STS speaks: a form-encoded POST to /
// naming the Action, signed with SigV4, answered in XML. Only
// GetCallerIdentity is emulated, for credentials the sandbox issued.
func (s *Sandbox) sts(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		stsError{http.StatusBadRequest, "MalformedQueryString", "The query string is malformed"}.write(w)
		return
	}
	if action := form.Get("Action"); action != "GetCallerIdentity" {
		stsError{http.StatusBadRequest, "InvalidAction", fmt.Sprintf("Could not find operation %s for version %s", action, form.Get("Version"))}.write(w)
		return
	}
	sig, ok := parseAuthorization(r.Header.Get("Authorization"))
	if !ok {
		errMissingAuth.write(w)
		return
	}
	s.mu.Lock()
	creds, live := s.lookupCredentials(sig.keyID)
	s.mu.Unlock()
	switch {
	case creds == nil || r.Header.Get("X-Amz-Security-Token") != creds.sessionToken:
		errInvalidClientTokenID.write(w)
		return
	case !live:
		errSTSExpiredToken.write(w)
		return
	case !sig.verify(r, body, creds.secretKey):
		errSignatureMismatch.write(w)
		return
	}
	s.writeCallerIdentity(w, creds)
}

func (s *Sandbox) writeCallerIdentity(w http.ResponseWriter, c *roleCredentials) {
	roleID := fmt.Sprintf("AWSReservedSSO_%s_%s", c.roleName, roleIDSuffix(s.opts.Seed, c.accountID, c.roleName))
	type result struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	}
	type response struct {
		XMLName  xml.Name `xml:"https://sts.amazonaws.com/doc/2011-06-15/ GetCallerIdentityResponse"`
		Result   result   `xml:"GetCallerIdentityResult"`
		Metadata struct {
			RequestID string `xml:"RequestId"`
		} `xml:"ResponseMetadata"`
	}
	resp := response{Result: result{
		Arn:     fmt.Sprintf("arn:aws:sts::%s:assumed-role/%s/%s", c.accountID, roleID, s.opts.User),
		UserID:  fmt.Sprintf("AROA%s:%s", strings.ToUpper(roleIDSuffix(s.opts.Seed, c.accountID, c.roleName+"/id")), s.opts.User),
		Account: c.accountID,
	}}
	resp.Metadata.RequestID = newRequestID()
	writeXML(w, http.StatusOK, resp)
}
