package nats

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/neterr"
)

// jetStreamState is what the last health check found of JetStream.
type jetStreamState int32

const (
	jetStreamUnknown jetStreamState = iota
	jetStreamAvailable
	jetStreamMissing
)

// maxDiagnosed is how many servers a failed health check tries and names.
const maxDiagnosed = 3

// Health says whether the servers can be reached: nil while the client is
// connected, or when a server accepts a new connection with the
// settings; otherwise an error that says in plain words what failed for
// each server tried (at most three), without a secret. It waits at most
// MaxHealthWait (10 s), less when ctx ends sooner.
func (c *Client) Health(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, MaxHealthWait)
	defer cancel()
	select {
	case <-c.ready:
	case <-c.quit:
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("timeout: no answer from NATS at %s in time", c.s.URL)
	}
	nc, js, err := c.conn()
	if err != nil {
		return err
	}
	if nc.IsConnected() {
		state := jetStreamAvailable
		if _, err := js.AccountInfo(ctx); noJetStream(err) {
			state = jetStreamMissing
		} else if err != nil {
			state = jetStreamUnknown
		}
		c.jetStream.Store(int32(state))
		return nil
	}
	return c.diagnose(ctx)
}

// Describe is the first sentence of a healthy check: the server the
// client is connected to, and what the last health check found of
// JetStream.
func (c *Client) Describe() string {
	server := c.s.URL
	c.mu.Lock()
	if c.nc != nil && c.nc.IsConnected() {
		server = c.nc.ConnectedUrlRedacted()
	}
	c.mu.Unlock()
	text := fmt.Sprintf("Connected to NATS at %s.", server)
	switch jetStreamState(c.jetStream.Load()) {
	case jetStreamAvailable:
		text += " JetStream is available: subjects a stream keeps are read from the stream, history included."
	case jetStreamMissing:
		text += " JetStream is not enabled: queries show live messages only."
	}
	return text
}

// diagnose tries a fresh connection to each server in turn: nil when one
// accepts it, otherwise every failure in plain words.
func (c *Client) diagnose(ctx context.Context) error {
	servers := c.servers
	if len(servers) > maxDiagnosed {
		servers = servers[:maxDiagnosed]
	}
	var problems []string
	for _, server := range servers {
		err := c.probe(ctx, server)
		if err == nil {
			return nil
		}
		problems = append(problems, err.Error())
		if ctx.Err() != nil {
			break
		}
	}
	if len(c.servers) == 1 {
		return errors.New(problems[0])
	}
	return fmt.Errorf("none of the %d NATS servers could be reached: %s", len(c.servers), strings.Join(problems, "; "))
}

// probe connects to server once, with the settings, and says what failed.
func (c *Client) probe(ctx context.Context, server string) error {
	u, err := url.Parse(server)
	if err != nil {
		return fmt.Errorf("%s is not a server address", streaming.Excerpt(server))
	}
	wait := c.o.ConnectTimeout
	if deadline, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(deadline)/2)
	}
	if wait <= 0 {
		return fmt.Errorf("timeout: no time left to reach NATS at %s", server)
	}
	dialer := net.Dialer{Timeout: wait}
	conn, err := dialer.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return dialProblem(server, u.Hostname(), wait, err)
	}
	_ = conn.Close()

	opts, err := c.options()
	if err != nil {
		return err
	}
	// The shared connection's options, without its handlers, retries and
	// reconnects.
	opts = append(opts, nats.Name("pulse-health"), nats.Timeout(wait), nats.RetryOnFailedConnect(false), nats.NoReconnect(),
		nats.ConnectHandler(nil), nats.ReconnectHandler(nil), nats.DisconnectErrHandler(nil), nats.ReconnectErrHandler(nil),
		nats.ErrorHandler(nil), nats.ClosedHandler(nil))
	nc, err := nats.Connect(server, opts...)
	if err != nil {
		return c.connectProblem(server, wait, err)
	}
	nc.Close()
	return nil
}

// dialProblem says why no TCP connection to server was made.
func dialProblem(server, host string, wait time.Duration, err error) error {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns) && dns.IsNotFound:
		return fmt.Errorf("could not reach NATS at %s: no such host %s; check the host in url", server, streaming.Excerpt(host))
	case errors.As(err, &dns):
		return fmt.Errorf("could not reach NATS at %s: looking up %s failed; check the host in url and the DNS", server, streaming.Excerpt(host))
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("could not reach NATS at %s: connection refused; check the host and port in url, and that the server runs", server)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return fmt.Errorf("could not reach NATS at %s: no route to the host; check the host in url and the network", server)
	case neterr.IsTimeout(err):
		return fmt.Errorf("could not reach NATS at %s: no TCP connection within %s; check the host, the port and any firewall", server, neterr.Round(wait))
	}
	return fmt.Errorf("could not reach NATS at %s: %s", server, streaming.Excerpt(err.Error()))
}

// connectProblem says why NATS's handshake with server failed.
func (c *Client) connectProblem(server string, wait time.Duration, err error) error {
	text := strings.ToLower(err.Error())
	var (
		authority x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
	)
	switch {
	case strings.Contains(text, "authorization violation"):
		return fmt.Errorf("NATS at %s: the server refused the credentials (authorization violation); %s", server, c.authHint())
	case strings.Contains(text, "authentication expired"):
		return fmt.Errorf("NATS at %s: the server refused the credentials: they have expired", server)
	case strings.Contains(text, "authentication revoked"):
		return fmt.Errorf("NATS at %s: the server refused the credentials: they were revoked", server)
	case errors.Is(err, nats.ErrSecureConnRequired):
		return fmt.Errorf("NATS at %s: the server requires TLS: use tls:// in url, and the TLS settings", server)
	case errors.Is(err, nats.ErrSecureConnWanted):
		return fmt.Errorf("NATS at %s: the server does not offer TLS: use nats:// in url", server)
	case errors.As(err, &authority) && c.s.TLS.AuthWithCACert:
		return fmt.Errorf("NATS at %s: TLS: the server's certificate is not signed by the CA in tlsCACert", server)
	case errors.As(err, &authority):
		return fmt.Errorf("NATS at %s: TLS: the server's certificate is not signed by a trusted CA; set tlsAuthWithCACert and put the CA that signed it in tlsCACert", server)
	case errors.As(err, &hostname):
		return fmt.Errorf("NATS at %s: TLS: the server's certificate is not valid for %s; use a host name it holds in url", server, streaming.Excerpt(hostname.Host))
	case errors.As(err, &invalid):
		return fmt.Errorf("NATS at %s: TLS: the server's certificate is not valid (%s)", server, streaming.Excerpt(invalid.Error()))
	case errors.As(err, &record):
		return fmt.Errorf("NATS at %s: TLS: the server does not speak TLS on this port", server)
	case strings.Contains(text, "tls:") || strings.Contains(text, "x509:"):
		return fmt.Errorf("NATS at %s: TLS: the handshake failed (%s); check the TLS settings", server, c.detail(err))
	case neterr.IsTimeout(err) || errors.Is(err, nats.ErrTimeout):
		return fmt.Errorf("NATS at %s: timeout: the server did not complete NATS's handshake within %s: is this its client port?", server, neterr.Round(wait))
	case errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("NATS at %s: the server closed the connection during NATS's handshake: is this its client port?", server)
	}
	return fmt.Errorf("NATS at %s: cannot connect: %s", server, c.detail(err))
}

// authHint says which settings to check after a refusal.
func (c *Client) authHint() string {
	switch c.s.Auth() {
	case AuthToken:
		return "check token"
	case AuthUserPassword:
		return fmt.Sprintf("check the password of user %s", streaming.Excerpt(c.s.Username))
	case AuthNKey:
		return "check nkeySeed: the server must list its public key"
	case AuthCredentials:
		return credentialsHint(c.s.Credentials, time.Now())
	}
	return "the server requires authentication: set authType and its secret"
}

// credentialsHint says what to check after the server refused the
// credentials: when the user JWT's own claims say it expired, or is not
// valid yet, that (nats-server refuses either as a plain authorization
// violation); otherwise that the server must trust its account. It quotes
// nothing of the JWT but its dates.
func credentialsHint(creds conf.Secret, now time.Time) string {
	const trust = "check credentials: the server must trust the account that signed the user JWT"
	token, err := nkeys.ParseDecoratedJWT([]byte(string(creds)))
	if err != nil {
		return trust
	}
	claims, err := jwt.DecodeUserClaims(token)
	if err != nil {
		return trust
	}
	switch {
	case claims.Expires > 0 && now.Unix() >= claims.Expires:
		return fmt.Sprintf("check credentials: its user JWT expired at %s; ask for a new .creds file",
			time.Unix(claims.Expires, 0).UTC().Format(time.RFC3339))
	case claims.NotBefore > 0 && now.Unix() < claims.NotBefore:
		return fmt.Sprintf("check credentials: its user JWT is valid only from %s on (or this machine's clock is wrong)",
			time.Unix(claims.NotBefore, 0).UTC().Format(time.RFC3339))
	}
	return trust
}
