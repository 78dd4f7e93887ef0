package httpstream

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/neterr"
)

// ErrClosed is Subscribe's and Health's error once the Client is closed.
var ErrClosed = errors.New("httpstream: the client is closed")

// ErrRedirectRefused marks a redirect to another scheme, host or port,
// which a Client never follows, so that the data source's credentials
// reach no other server; and one redirect too many.
var ErrRedirectRefused = errors.New("redirect refused")

// StatusError is a response whose status is not a stream's (2xx).
type StatusError struct {
	// Status is the response's HTTP status code.
	Status int
	// Where is the URL that answered, without its query string.
	Where string
}

// Error says which status came from where, in plain words for 401 and
// 403.
func (e *StatusError) Error() string {
	if e.Refused() {
		return fmt.Sprintf("the server refused the credentials (HTTP %d %s) at %s: check basicAuthUser and basicAuthPassword, bearerToken or the headers",
			e.Status, http.StatusText(e.Status), e.Where)
	}
	return fmt.Sprintf("the server answered HTTP %d %s at %s", e.Status, http.StatusText(e.Status), e.Where)
}

// Refused reports whether the status refuses the credentials: 401 or 403.
func (e *StatusError) Refused() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

// describe turns a request's error into one that says in plain words what
// failed, for where (a URL without its query string). It never quotes the
// request's URL, whose query string may hold a key.
func describe(err error, where string) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its message quotes the whole URL
	}
	var (
		dns       *net.DNSError
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		op        *net.OpError
	)
	switch {
	case errors.Is(err, ErrRedirectRefused):
		return err
	case errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &dns) && dns.IsNotFound:
		return fmt.Errorf("no such host: %s does not resolve; check the host in url", streaming.Excerpt(dns.Name))
	case errors.As(err, &dns):
		return fmt.Errorf("cannot look up %s: the DNS lookup failed (%s)", streaming.Excerpt(dns.Name), dns.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("connection refused: nothing accepts connections at %s; check the host and port in url, and that the server runs", where)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Errorf("host unreachable: no route to %s; check the host in url and the network", where)
	case errors.As(err, &authority):
		return fmt.Errorf("TLS: the certificate of %s is not signed by a trusted CA; set tlsAuthWithCACert and put the CA that signed it in tlsCACert", where)
	case errors.As(err, &hostname):
		return fmt.Errorf("TLS: the certificate of %s is not valid for %s", where, streaming.Excerpt(hostname.Host))
	case errors.As(err, &invalid):
		return fmt.Errorf("TLS: the certificate of %s is not valid (expired, or not valid yet, or not for a server)", where)
	case errors.As(err, &record):
		return fmt.Errorf("TLS: %s does not speak TLS; use http:// for a plain port", where)
	case errors.As(err, &op) && op.Op == "remote error":
		return fmt.Errorf("TLS: the server at %s refused the handshake (%v); check the client certificate: tlsAuth, tlsClientCert and tlsClientKey", where, op.Err)
	case neterr.IsTimeout(err):
		return fmt.Errorf("timeout: no answer from %s in time; check the host, the port and any firewall", where)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("the server at %s closed the connection before answering: is it an https port (then use https://), or an HTTP server at all?", where)
	}
	return fmt.Errorf("cannot reach %s: %v", where, err)
}
