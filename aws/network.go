package aws

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// NetworkError is a request that got no usable answer from AWS, said as
// one sentence naming the host and what the person can do. The transport
// makes it, so every request (sign-in, portal, STS, federation) says the
// same, and callers keep it instead of the SDK's wrapping.
type NetworkError struct {
	Host string
	// Problem says what happened, Advice what to do.
	Problem, Advice string
	// Permanent problems (an unknown host, an untrusted certificate, a
	// captive portal) are not worth retrying.
	Permanent bool
	Err       error
}

func (e *NetworkError) Error() string {
	return fmt.Sprintf("%s %s; %s", e.Host, e.Problem, e.Advice)
}

func (e *NetworkError) Unwrap() error { return e.Err }

// explainTransport turns transport failures, and web pages answering API
// calls, into NetworkErrors.
type explainTransport struct{ next http.RoundTripper }

func (t explainTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		if req.Context().Err() != nil {
			return nil, err // cancelled or timed out by the caller: not the network's fault
		}
		return nil, explainNetError(req.URL.Hostname(), err)
	}
	// Every request this client makes is an API call answered with JSON or
	// XML. A web page with 200 is a captive portal (hotel Wi-Fi) or a
	// proxy's sign-in page standing in for AWS.
	if resp.StatusCode < 300 {
		if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct == "text/html" {
			resp.Body.Close()
			return nil, &NetworkError{Host: req.URL.Hostname(), Permanent: true,
				Problem: "answered with a web page instead of AWS: a captive portal or a proxy's sign-in page",
				Advice:  "sign in to the network in a browser, then try again"}
		}
	}
	return resp, nil
}

// explainNetError says what a failed connection to host means.
func explainNetError(host string, err error) *NetworkError {
	ne := &NetworkError{Host: host, Err: err}
	var dns *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		ne.Problem, ne.Permanent = "cannot be found (DNS)", true
		ne.Advice = "check the network, the SSO region, and any AWS_ENDPOINT_URL_* setting"
	case errors.As(err, &dns):
		ne.Problem = "cannot be looked up (DNS: " + dns.Err + ")"
		ne.Advice = "check the network connection, then try again"
	case errors.As(err, &unknownCA):
		ne.Problem, ne.Permanent = "presented a TLS certificate from an authority this machine does not trust", true
		ne.Advice = "behind a TLS-inspecting proxy, point AWS_CA_BUNDLE at its CA certificate (PEM)"
	case errors.As(err, &hostname), errors.As(err, &invalid):
		ne.Problem, ne.Permanent = "presented a TLS certificate that is not valid for it ("+oneLine(err)+")", true
		ne.Advice = "check the endpoint URL and any proxy, or AWS_CA_BUNDLE"
	case errors.Is(err, syscall.ECONNREFUSED):
		// AWS endpoints do not refuse connections: a wrong endpoint or a
		// proxy that is down will not mend within a retry.
		ne.Problem, ne.Permanent = "refused the connection", true
		ne.Advice = "check the endpoint URL, the network or HTTPS_PROXY, then try again"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		ne.Problem = "reset the connection"
		ne.Advice = "a proxy or the network dropped it; try again"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		ne.Problem = "did not answer in time"
		ne.Advice = "check the network or HTTPS_PROXY, then try again"
	default:
		ne.Problem = "could not be reached (" + oneLine(err) + ")"
		ne.Advice = "check the network or HTTPS_PROXY, then try again"
	}
	return ne
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// oneLine is the innermost useful text of err, without the URL (which may
// carry secrets in its query) that url.Error adds.
func oneLine(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return strings.TrimSpace(op.Err.Error())
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return strings.TrimSpace(ue.Err.Error())
	}
	return strings.TrimSpace(err.Error())
}

// plainError keeps a NetworkError anywhere in err's chain as the whole
// message after what, dropping the SDK's wrapping ("operation error SSO:
// ListAccounts, https response error StatusCode: 0, RequestID: , request
// send failed, Get …"); other errors are wrapped as they are.
func plainError(what string, err error) error {
	var ne *NetworkError
	if errors.As(err, &ne) {
		return fmt.Errorf("%s: %w", what, ne)
	}
	return fmt.Errorf("%s: %w", what, err)
}
