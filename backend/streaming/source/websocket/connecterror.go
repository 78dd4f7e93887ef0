package websocket

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/neterr"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// Reason is what kind of failure a ConnectError is, for code and metric
// labels; the error's message says it in words.
type Reason string

// The reasons a connection attempt fails.
const (
	// ReasonNoSuchHost: the server's host name does not exist in DNS.
	ReasonNoSuchHost Reason = "no_such_host"
	// ReasonDNS: the host name could not be looked up.
	ReasonDNS Reason = "dns"
	// ReasonRefused: nothing accepts connections at the address.
	ReasonRefused Reason = "refused"
	// ReasonUnreachable: no route to the address.
	ReasonUnreachable Reason = "unreachable"
	// ReasonTLS: the TLS handshake failed, on either side.
	ReasonTLS Reason = "tls"
	// ReasonTimeout: no answer in time, at any step.
	ReasonTimeout Reason = "timeout"
	// ReasonCredentials: the server answered the upgrade with HTTP 401,
	// 403 or 407.
	ReasonCredentials Reason = "credentials"
	// ReasonRedirect: the server answered the upgrade with a redirect,
	// which Pulse does not follow, to another server or not.
	ReasonRedirect Reason = "redirect"
	// ReasonStatus: the server answered the upgrade with another HTTP
	// status than 101 Switching Protocols.
	ReasonStatus Reason = "status"
	// ReasonHandshake: the server's answer was not a valid WebSocket
	// upgrade, or it closed the connection during the upgrade.
	ReasonHandshake Reason = "handshake"
	// ReasonOther: anything else.
	ReasonOther Reason = "other"
)

// ConnectError says in plain words why a connection to the WebSocket
// server failed: its message is what Grafana's "Save & test" shows and
// what the logs say. It never holds a secret.
type ConnectError struct {
	// Reason is the kind of failure.
	Reason Reason
	// Status is the HTTP status the server answered the upgrade with, 0
	// when it sent none.
	Status int
	// Message says what failed and what to check.
	Message string
	err     error
}

// Error is the message.
func (e *ConnectError) Error() string { return e.Message }

// Unwrap is the library's or the network's error underneath.
func (e *ConnectError) Unwrap() error { return e.err }

// phaseError is a failure before the HTTP upgrade was sent: in the "dial"
// (TCP) or the "tls" phase.
type phaseError struct {
	phase string
	err   error
}

func (e *phaseError) Error() string { return e.phase + ": " + e.err.Error() }
func (e *phaseError) Unwrap() error { return e.err }

// classifier turns the errors of connection attempts to one server into
// ConnectErrors.
type classifier struct {
	addr     string // host:port, for messages
	host     string // the host name alone
	overTLS  bool
	caCert   bool // whether the settings name a CA of their own
	timeout  time.Duration
	secrets  []conf.Secret
	withAuth bool // whether the settings send credentials
}

func (k classifier) fail(r Reason, status int, err error, format string, args ...any) *ConnectError {
	return &ConnectError{Reason: r, Status: status, Message: fmt.Sprintf(format, args...), err: err}
}

// classify says what err, with the handshake's response resp (nil when
// none came), means for a connection to u.
func (k classifier) classify(u *url.URL, resp *http.Response, err error) *ConnectError {
	var ce *ConnectError
	if errors.As(err, &ce) {
		return ce
	}
	var pe *phaseError
	if errors.As(err, &pe) {
		if pe.phase == "tls" {
			return k.tls(pe.err)
		}
		return k.dial(pe.err)
	}
	if resp != nil && errors.Is(err, websocket.ErrBadHandshake) {
		return k.status(u, resp, err)
	}
	switch {
	case neterr.IsTimeout(err):
		return k.fail(ReasonTimeout, 0, err, "timeout: the server at %s did not answer the WebSocket upgrade within %s", k.addr, neterr.Round(k.timeout))
	case neterr.ClosedEarly(err) && !k.overTLS:
		return k.fail(ReasonHandshake, 0, err, "the server at %s closed the connection during the WebSocket upgrade: is it a TLS port (then use wss://), or a WebSocket server at all?", k.addr)
	case neterr.ClosedEarly(err):
		return k.fail(ReasonHandshake, 0, err, "the server at %s closed the connection during the WebSocket upgrade: is it a WebSocket server?", k.addr)
	}
	return k.fail(ReasonOther, 0, err, "cannot connect to the WebSocket server at %s: %s", k.addr, k.detail(err))
}

// status says what an HTTP answer other than a valid upgrade means.
func (k classifier) status(u *url.URL, resp *http.Response, err error) *ConnectError {
	code := resp.StatusCode
	text := fmt.Sprintf("HTTP %d", code)
	if name := http.StatusText(code); name != "" {
		text += " " + name
	}
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden || code == http.StatusProxyAuthRequired:
		if !k.withAuth {
			return k.fail(ReasonCredentials, code, err, "the server refused the credentials (HTTP %d): it wants some, and the data source sends none; set a bearer token, a basic auth user and password, or a header", code)
		}
		return k.fail(ReasonCredentials, code, err, "the server refused the credentials (HTTP %d): check the bearer token, the basic auth user and password, and the headers", code)
	case code >= 300 && code < 400:
		loc, lerr := resp.Location()
		switch {
		case lerr != nil:
			return k.fail(ReasonRedirect, code, err, "the server at %s answered the WebSocket upgrade with a redirect (%s) without a usable Location; Pulse does not follow redirects", k.addr, text)
		case !web.SameOrigin(u, asWebSocket(loc)):
			return k.fail(ReasonRedirect, code, err, "the server at %s redirected the WebSocket upgrade to another host, %s (%s); Pulse does not follow redirects: set the data source's URL to the server you mean, if you trust it", k.addr, streaming.Excerpt(loc.Host), text)
		}
		return k.fail(ReasonRedirect, code, err, "the server at %s redirected the WebSocket upgrade to another path (%s); Pulse does not follow redirects: use the path it redirects to", k.addr, text)
	case code == http.StatusSwitchingProtocols:
		return k.fail(ReasonHandshake, code, err, "the server at %s switched protocols without a valid WebSocket upgrade (its Upgrade, Connection or Sec-WebSocket-Accept header is wrong)", k.addr)
	}
	return k.fail(ReasonStatus, code, err, "the server at %s answered the WebSocket upgrade with %s instead of switching protocols; check the URL and the query's path", k.addr, text)
}

func (k classifier) dial(err error) *ConnectError {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return k.fail(ReasonNoSuchHost, 0, err, "no such host: %s does not resolve; check the host in the URL", streaming.Excerpt(k.host))
	case errors.As(err, &dns) && dns.IsTimeout:
		return k.fail(ReasonTimeout, 0, err, "timeout: looking up %s took too long; check the host in the URL and the DNS", streaming.Excerpt(k.host))
	case errors.As(err, &dns):
		return k.fail(ReasonDNS, 0, err, "cannot look up %s: the DNS lookup failed (%s)", streaming.Excerpt(k.host), dns.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return k.fail(ReasonRefused, 0, err, "connection refused: nothing accepts connections at %s; check the host and port in the URL, and that the server runs", k.addr)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return k.fail(ReasonUnreachable, 0, err, "host unreachable: no route to %s; check the host in the URL and the network", k.addr)
	case neterr.IsTimeout(err):
		return k.fail(ReasonTimeout, 0, err, "timeout: no TCP connection to %s within %s; check the host, the port and any firewall", k.addr, neterr.Round(k.timeout))
	}
	return k.fail(ReasonOther, 0, err, "cannot connect to %s: %s", k.addr, k.detail(err))
}

func (k classifier) tls(err error) *ConnectError {
	var (
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		op        *net.OpError
	)
	switch {
	case errors.As(err, &authority) && k.caCert:
		return k.fail(ReasonTLS, 0, err, "TLS: the server's certificate is not signed by the CA in tlsCACert")
	case errors.As(err, &authority):
		return k.fail(ReasonTLS, 0, err, "TLS: the server's certificate is not signed by a trusted CA; set tlsAuthWithCACert and put the CA that signed it in tlsCACert")
	case errors.As(err, &hostname):
		return k.fail(ReasonTLS, 0, err, "TLS: the server's certificate is not valid for %s; use a host name it holds in the URL", streaming.Excerpt(hostname.Host))
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return k.fail(ReasonTLS, 0, err, "TLS: the server's certificate has expired or is not valid yet")
	case errors.As(err, &invalid):
		return k.fail(ReasonTLS, 0, err, "TLS: the server's certificate is not valid: %s", k.detail(invalid))
	case errors.As(err, &record):
		return k.fail(ReasonTLS, 0, err, "TLS: %s does not speak TLS; use ws:// for a plain port", k.addr)
	case errors.As(err, &op) && op.Op == "remote error":
		return k.fail(ReasonTLS, 0, err, "TLS: the server refused the handshake (%v); check the client certificate: tlsAuth, tlsClientCert and tlsClientKey", op.Err)
	case neterr.IsTimeout(err):
		return k.fail(ReasonTimeout, 0, err, "timeout: no TLS handshake with %s within %s", k.addr, neterr.Round(k.timeout))
	case neterr.ClosedEarly(err):
		return k.fail(ReasonTLS, 0, err, "TLS: the server at %s closed the connection during the TLS handshake: is it a plain port (then use ws://)?", k.addr)
	}
	return k.fail(ReasonTLS, 0, err, "TLS: the handshake with %s failed: %s", k.addr, k.detail(err))
}

// asWebSocket is a redirect's target with the WebSocket scheme of its
// HTTP one, to compare with the URL dialled.
func asWebSocket(u *url.URL) *url.URL {
	v := *u
	switch strings.ToLower(v.Scheme) {
	case "http":
		v.Scheme = "ws"
	case "https":
		v.Scheme = "wss"
	}
	return &v
}

// detail is err's text for a message, withheld when it would show a
// secret of the settings.
func (k classifier) detail(err error) string { return neterr.Detail(err, k.secrets) }
