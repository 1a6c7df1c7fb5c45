package sandbox

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
)

// writeJSON answers a restJson1 operation.
func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-RequestId", newRequestID())
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// oidcError is an SSO OIDC error: the type in X-Amzn-ErrorType and an
// OAuth-style body, as the service sends them.
type oidcError struct {
	status int
	typ    string // e.g. AuthorizationPendingException
	code   string // e.g. authorization_pending
	desc   string
}

var (
	errAuthorizationPending = oidcError{http.StatusBadRequest, "AuthorizationPendingException", "authorization_pending", "Authorization is still pending"}
	errSlowDown             = oidcError{http.StatusBadRequest, "SlowDownException", "slow_down", "Client is polling too quickly"}
	errExpiredToken         = oidcError{http.StatusBadRequest, "ExpiredTokenException", "expired_token", "Device code has expired"}
)

func invalidRequest(desc string) oidcError {
	return oidcError{http.StatusBadRequest, "InvalidRequestException", "invalid_request", desc}
}

func invalidGrant(desc string) oidcError {
	return oidcError{http.StatusBadRequest, "InvalidGrantException", "invalid_grant", desc}
}

func invalidClient(desc string) oidcError {
	return oidcError{http.StatusUnauthorized, "InvalidClientException", "invalid_client", desc}
}

func unauthorizedClient(desc string) oidcError {
	return oidcError{http.StatusBadRequest, "UnauthorizedClientException", "unauthorized_client", desc}
}

func (e oidcError) write(w http.ResponseWriter) {
	w.Header().Set("X-Amzn-ErrorType", e.typ)
	writeJSON(w, e.status, map[string]string{"error": e.code, "error_description": e.desc})
}

// portalErrorNamespace is the suffix the portal appends to error types;
// clients must strip everything after the colon.
const portalErrorNamespace = ":http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/"

// portalError is an SSO portal error: type header and {"message"} body.
type portalError struct {
	status int
	typ    string
	msg    string
}

var (
	errUnauthorized   = portalError{http.StatusUnauthorized, "UnauthorizedException", "Session token not found or invalid"}
	errTooManyRequest = portalError{http.StatusTooManyRequests, "TooManyRequestsException", "HTTP 429 Unknown Code"}
	errInternal       = portalError{http.StatusInternalServerError, "InternalServerException", "An internal error occurred, please retry"}
	errNoAccess       = portalError{http.StatusForbidden, "ForbiddenException", "No access"}
)

func portalInvalidRequest(msg string) portalError {
	return portalError{http.StatusBadRequest, "InvalidRequestException", msg}
}

func (e portalError) write(w http.ResponseWriter) {
	w.Header().Set("X-Amzn-ErrorType", e.typ+portalErrorNamespace)
	writeJSON(w, e.status, map[string]string{"message": e.msg})
}

// stsError is an awsQuery error document.
type stsError struct {
	status int
	code   string
	msg    string
}

var (
	errInvalidClientTokenID = stsError{http.StatusForbidden, "InvalidClientTokenId", "The security token included in the request is invalid."}
	errSTSExpiredToken      = stsError{http.StatusBadRequest, "ExpiredToken", "The security token included in the request is expired"}
	errSignatureMismatch    = stsError{http.StatusForbidden, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}
	errMissingAuth          = stsError{http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token"}
	// errIncompletePresigned answers a presigned URL missing some of its
	// X-Amz-* parameters (the exact wording STS uses is not confirmed).
	errIncompletePresigned = stsError{http.StatusBadRequest, "IncompleteSignature", "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders' and 'X-Amz-Signature'. Re-examine the query-string parameters."}
)

// writeTo answers r with the error: in JSON, {"Error":{…},"RequestId":…},
// when the client Accepts it (aws-iam-authenticator does), else in XML.
func (e stsError) writeTo(w http.ResponseWriter, r *http.Request) {
	if !wantsJSON(r) {
		e.write(w)
		return
	}
	writeJSON(w, e.status, map[string]any{
		"Error":     map[string]string{"Type": "Sender", "Code": e.code, "Message": e.msg},
		"RequestId": newRequestID(),
	})
}

func (e stsError) write(w http.ResponseWriter) {
	type errorBody struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	type errorResponse struct {
		XMLName   xml.Name  `xml:"https://sts.amazonaws.com/doc/2011-06-15/ ErrorResponse"`
		Error     errorBody `xml:"Error"`
		RequestID string    `xml:"RequestId"`
	}
	writeXML(w, e.status, errorResponse{
		Error:     errorBody{Type: "Sender", Code: e.code, Message: e.msg},
		RequestID: newRequestID(),
	})
}

func writeXML(w http.ResponseWriter, status int, body any) {
	out, err := xml.Marshal(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", newRequestID())
	w.WriteHeader(status)
	_, _ = w.Write([]byte(xml.Header))
	_, _ = w.Write(out)
}
