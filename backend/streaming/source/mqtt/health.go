package mqtt

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/neterr"
)

// Reason is what kind of failure a ConnectError is, for code and metric
// labels; the error's message says it in words.
type Reason string

// The reasons a connection fails.
const (
	// ReasonNoSuchHost: the broker's host name does not exist in DNS.
	ReasonNoSuchHost Reason = "no_such_host"
	// ReasonDNS: the host name could not be looked up (DNS failed).
	ReasonDNS Reason = "dns"
	// ReasonRefused: nothing accepts connections at the address.
	ReasonRefused Reason = "refused"
	// ReasonUnreachable: no route to the address.
	ReasonUnreachable Reason = "unreachable"
	// ReasonTLS: the TLS handshake failed, on either side.
	ReasonTLS Reason = "tls"
	// ReasonWebsocket: the broker refused the websocket upgrade.
	ReasonWebsocket Reason = "websocket"
	// ReasonBadCredentials: CONNACK "bad user name or password".
	ReasonBadCredentials Reason = "bad_credentials"
	// ReasonNotAuthorized: CONNACK "not authorized" (or "banned").
	ReasonNotAuthorized Reason = "not_authorized"
	// ReasonTimeout: no answer in time, at any step.
	ReasonTimeout Reason = "timeout"
	// ReasonClosed: the broker closed the connection without answering
	// MQTT's CONNECT.
	ReasonClosed Reason = "closed"
	// ReasonProtocol: the broker does not speak the protocol version.
	ReasonProtocol Reason = "protocol"
	// ReasonClientID: the broker refused the client ID.
	ReasonClientID Reason = "client_id"
	// ReasonUnavailable: the broker refused as unavailable, busy or over
	// a quota.
	ReasonUnavailable Reason = "unavailable"
	// ReasonBrokerRefused: another CONNACK refusal.
	ReasonBrokerRefused Reason = "broker_refused"
	// ReasonOther: anything else.
	ReasonOther Reason = "other"
)

// ConnectError says in plain words why a connection to the broker failed:
// its message is what Grafana's "Save & test" shows. It never holds a
// secret.
type ConnectError struct {
	// Reason is the kind of failure.
	Reason Reason
	// Message says what failed and what to check.
	Message string
	err     error
}

// Error is the message.
func (e *ConnectError) Error() string { return e.Message }

// Unwrap is the library's or the network's error underneath.
func (e *ConnectError) Unwrap() error { return e.err }

// CheckHealth connects to the broker the settings name, with a new
// connection that it closes again, and says in plain words what failed
// (a *ConnectError), or nil when the broker accepted the connection. It
// waits at most MaxHealthWait (10 s), less when ctx ends sooner. A Client
// that is already running answers the same question with its Health
// method, without a second connection (which, with a fixed client ID,
// would take the first one's session).
func CheckHealth(ctx context.Context, s Settings, o Options) error {
	ctx, cancel := context.WithTimeout(ctx, MaxHealthWait)
	defer cancel()
	if deadline, ok := ctx.Deadline(); ok && (o.ConnectTimeout <= 0 || o.ConnectTimeout > time.Until(deadline)) {
		// The attempt ends with the wait, and says why.
		o.ConnectTimeout = max(time.Until(deadline), time.Millisecond)
	}
	c, err := Dial(ctx, s, o)
	if err != nil {
		return err
	}
	c.Close()
	return nil
}

// classifier turns the errors of connection attempts into ConnectErrors.
type classifier struct {
	s       Settings
	overTLS bool // whether the transport is TLS (ssl://, tls://, wss://)
	addr    string
	host    string
	timeout time.Duration
}

func newClassifier(s Settings, o Options) classifier {
	u := s.broker()
	t := s.transport()
	return classifier{s: s, overTLS: t == "tls" || t == "wss", addr: u.Host, host: u.Hostname(), timeout: o.ConnectTimeout}
}

// timedOut is the error for a wait of d that ended without an outcome.
func (k classifier) timedOut(d time.Duration) *ConnectError {
	return k.fail(ReasonTimeout, nil, "timeout: no answer from the broker at %s within %s", k.addr, neterr.Round(d))
}

func (k classifier) fail(r Reason, err error, format string, args ...any) *ConnectError {
	return &ConnectError{Reason: r, Message: fmt.Sprintf(format, args...), err: err}
}

// classify says what err, from a connection attempt, means.
func (k classifier) classify(err error) *ConnectError {
	var ce *ConnectError
	if errors.As(err, &ce) {
		return ce
	}
	var ack *connackError
	if errors.As(err, &ack) {
		return k.connack(ack)
	}
	var de *dialError
	if errors.As(err, &de) {
		switch de.phase {
		case "dial":
			return k.dial(de.err)
		case "tls":
			return k.tls(de.err)
		default:
			return k.websocket(de)
		}
	}
	// The connection was open: the failure came during MQTT's handshake.
	var op *net.OpError
	switch {
	case errors.As(err, &op) && op.Op == "remote error":
		// TLS 1.3 reports the broker's refusal of a client certificate on
		// the first read after the handshake.
		return k.fail(ReasonTLS, err, "TLS: the broker refused the handshake (%v); check the client certificate: tlsAuth, tlsClientCert and tlsClientKey", op.Err)
	case neterr.IsTimeout(err):
		return k.fail(ReasonTimeout, err, "timeout: the broker at %s did not answer MQTT's CONNECT within %s", k.addr, neterr.Round(k.timeout))
	case neterr.ClosedEarly(err) && k.overTLS:
		// A TLS 1.3 broker checks the client certificate after the
		// handshake, and its alert is lost when the connection is reset
		// before the client reads it.
		return k.fail(ReasonTLS, err, "TLS: the broker at %s ended the connection right after the TLS handshake; it may want a client certificate: check tlsAuth, tlsClientCert and tlsClientKey", k.addr)
	case neterr.ClosedEarly(err):
		return k.fail(ReasonClosed, err, "the broker at %s closed the connection without answering MQTT's CONNECT: is it a TLS port (then use ssl:// or wss://), or an MQTT port at all?", k.addr)
	}
	return k.other(err)
}

func (k classifier) dial(err error) *ConnectError {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return k.fail(ReasonNoSuchHost, err, "no such host: %s does not resolve; check the host in uri", streaming.Excerpt(k.host))
	case errors.As(err, &dns) && dns.IsTimeout:
		return k.fail(ReasonTimeout, err, "timeout: looking up %s took too long; check the host in uri and the DNS", streaming.Excerpt(k.host))
	case errors.As(err, &dns):
		return k.fail(ReasonDNS, err, "cannot look up %s: the DNS lookup failed (%s)", streaming.Excerpt(k.host), dns.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return k.fail(ReasonRefused, err, "connection refused: nothing accepts connections at %s; check the host and port in uri, and that the broker runs", k.addr)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return k.fail(ReasonUnreachable, err, "host unreachable: no route to %s; check the host in uri and the network", k.addr)
	case neterr.IsTimeout(err):
		return k.fail(ReasonTimeout, err, "timeout: no TCP connection to %s within %s; check the host, the port and any firewall", k.addr, neterr.Round(k.timeout))
	}
	return k.other(err)
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
	case errors.As(err, &authority) && k.s.TLSAuthWithCACert:
		return k.fail(ReasonTLS, err, "TLS: the broker's certificate is not signed by the CA in tlsCACert")
	case errors.As(err, &authority):
		return k.fail(ReasonTLS, err, "TLS: the broker's certificate is not signed by a trusted CA; set tlsAuthWithCACert and put the CA that signed it in tlsCACert")
	case errors.As(err, &hostname):
		return k.fail(ReasonTLS, err, "TLS: the broker's certificate is not valid for %s (it is for %s); use a host name it holds in uri", streaming.Excerpt(hostname.Host), certNames(hostname.Certificate))
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return k.fail(ReasonTLS, err, "TLS: the broker's certificate has expired or is not valid yet")
	case errors.As(err, &invalid):
		return k.fail(ReasonTLS, err, "TLS: the broker's certificate is not valid: %v", invalid)
	case errors.As(err, &record):
		return k.fail(ReasonTLS, err, "TLS: %s does not speak TLS; use tcp:// or ws:// for a plain port", k.addr)
	case errors.As(err, &op) && op.Op == "remote error":
		return k.fail(ReasonTLS, err, "TLS: the broker refused the handshake (%v); check the client certificate: tlsAuth, tlsClientCert and tlsClientKey", op.Err)
	case neterr.IsTimeout(err):
		return k.fail(ReasonTimeout, err, "timeout: no TLS handshake with %s within %s", k.addr, neterr.Round(k.timeout))
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		return k.fail(ReasonTLS, err, "TLS: the broker at %s closed the connection during the TLS handshake: is it a plain MQTT port (then use tcp://)?", k.addr)
	}
	return k.fail(ReasonTLS, err, "TLS: the handshake with %s failed: %s", k.addr, k.detail(err))
}

func (k classifier) websocket(e *dialError) *ConnectError {
	switch {
	case e.status != 0:
		return k.fail(ReasonWebsocket, e, "websocket: the broker at %s answered the upgrade with HTTP status %d; check the path in uri and that the port serves MQTT over websockets", k.addr, e.status)
	case neterr.IsTimeout(e.err):
		return k.fail(ReasonTimeout, e, "timeout: no websocket upgrade at %s within %s", k.addr, neterr.Round(k.timeout))
	case neterr.ClosedEarly(e.err):
		return k.fail(ReasonWebsocket, e, "websocket: the broker at %s closed the connection during the websocket upgrade: is it a websockets port (a plain MQTT port needs tcp://)?", k.addr)
	}
	return k.fail(ReasonWebsocket, e, "websocket: the upgrade at %s failed: %s", k.addr, k.detail(e.err))
}

// connack says what a CONNACK refusal means.
func (k classifier) connack(e *connackError) *ConnectError {
	code := e.code
	if !e.v5 {
		// MQTT 3.1.1's return codes 1 to 5 as MQTT 5's reason codes.
		code = map[byte]byte{1: 0x84, 2: 0x85, 3: 0x88, 4: 0x86, 5: 0x87}[e.code]
	}
	user := streaming.Excerpt(k.s.Username)
	switch code {
	case 0x86, 0x8C:
		if k.s.Username == "" {
			return k.fail(ReasonBadCredentials, e, "bad credentials: the broker wants a user name and password; set username and password")
		}
		return k.fail(ReasonBadCredentials, e, "bad credentials: the broker refused the user name %s with its password", user)
	case 0x87, 0x8A:
		if k.s.Username == "" {
			return k.fail(ReasonNotAuthorized, e, "not authorized: the broker refused an anonymous connection; set username and password, or a client certificate")
		}
		return k.fail(ReasonNotAuthorized, e, "not authorized: the broker refused the user %s: a wrong password, or a user that may not connect", user)
	case 0x84:
		if k.s.Version() == MQTT5 {
			return k.fail(ReasonProtocol, e, `the broker does not speak MQTT 5; set protocolVersion to "3.1.1"`)
		}
		return k.fail(ReasonProtocol, e, "the broker does not speak MQTT 3.1.1")
	case 0x85:
		return k.fail(ReasonClientID, e, "client ID refused: the broker does not accept the client ID %s; set another clientID, or none", streaming.Excerpt(k.s.ClientID))
	case 0x88, 0x89, 0x97, 0x9F:
		return k.fail(ReasonUnavailable, e, "broker unavailable: the broker at %s refused the connection as unavailable, busy or over a quota (%s); try again later", k.addr, e)
	}
	return k.fail(ReasonBrokerRefused, e, "the broker at %s refused the connection (%s)", k.addr, e)
}

func (k classifier) other(err error) *ConnectError {
	return k.fail(ReasonOther, err, "cannot connect to the broker at %s: %s", k.addr, k.detail(err))
}

// certNames lists the names a certificate is for, at most four.
func certNames(c *x509.Certificate) string {
	if c == nil {
		return "no name"
	}
	var names []string
	names = append(names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	if len(names) == 0 && c.Subject.CommonName != "" {
		names = append(names, c.Subject.CommonName)
	}
	if len(names) == 0 {
		return "no name"
	}
	if len(names) > 4 {
		names = append(names[:4], "…")
	}
	return strings.Join(names, ", ")
}

// detail is err's text for a message, withheld when it would show a
// secret of the settings.
func (k classifier) detail(err error) string {
	return neterr.Detail(err, []Secret{k.s.Password, k.s.TLSClientKey, k.s.TLSClientCert, k.s.TLSCACert})
}
