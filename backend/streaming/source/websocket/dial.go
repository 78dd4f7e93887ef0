package websocket

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/url"

	"github.com/gorilla/websocket"
)

// errAborted is a dial's error when its subscription or Client ended
// meanwhile.
var errAborted = errors.New("websocket: the connection attempt was abandoned")

// dialer opens WebSocket connections to one server with the data source's
// headers and TLS configuration. It follows no redirect and uses no proxy;
// it asks for no compression, so that the read limit bounds the bytes
// read as well as the message kept.
type dialer struct {
	header http.Header
	tls    *tls.Config // nil for ws://
	o      Options
	k      classifier
}

// dial connects to u within Options.HandshakeTimeout; when abort ends
// first, the attempt stops at once with errAborted. Its error is a
// *ConnectError.
func (d *dialer) dial(abort context.Context, u *url.URL) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(abort, d.o.HandshakeTimeout)
	defer cancel()
	// Until the upgrade is done, the end of ctx closes the connection:
	// the library bounds the upgrade by a deadline, but does not watch
	// abort while it reads the server's answer.
	stop := func() bool { return true }
	tcp := func(inner context.Context, addr string) (net.Conn, error) {
		var nd net.Dialer
		c, err := nd.DialContext(inner, "tcp", addr)
		if err != nil {
			return nil, &phaseError{phase: "dial", err: err}
		}
		// ctx, not the library's inner context, which ends when it
		// returns.
		stop = context.AfterFunc(ctx, func() { _ = c.Close() })
		return c, nil
	}
	wd := websocket.Dialer{
		NetDialContext: func(ctx context.Context, _, addr string) (net.Conn, error) { return tcp(ctx, addr) },
		NetDialTLSContext: func(ctx context.Context, _, addr string) (net.Conn, error) {
			c, err := tcp(ctx, addr)
			if err != nil {
				return nil, err
			}
			cfg := d.tls.Clone()
			if cfg == nil {
				cfg = &tls.Config{MinVersion: tls.VersionTLS12}
			}
			if cfg.ServerName == "" {
				cfg.ServerName = u.Hostname()
			}
			tc := tls.Client(c, cfg)
			if err := tc.HandshakeContext(ctx); err != nil {
				_ = c.Close()
				return nil, &phaseError{phase: "tls", err: err}
			}
			return tc, nil
		},
		HandshakeTimeout: d.o.HandshakeTimeout,
	}
	conn, resp, err := wd.DialContext(ctx, u.String(), d.header.Clone())
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	stopped := stop()
	if abort.Err() != nil {
		if conn != nil {
			_ = conn.Close()
		}
		return nil, errAborted
	}
	if ctx.Err() != nil && (err != nil && !errors.Is(err, websocket.ErrBadHandshake) || err == nil && !stopped) {
		// The timeout closed the connection: say so, not what the
		// closing did to the read or write under way.
		if conn != nil {
			_ = conn.Close()
		}
		var pe *phaseError
		if errors.As(err, &pe) {
			err = &phaseError{phase: pe.phase, err: context.DeadlineExceeded}
		} else {
			err = context.DeadlineExceeded
		}
	}
	if err != nil {
		return nil, d.k.classify(u, resp, err)
	}
	conn.SetReadLimit(d.o.ReadLimit)
	return conn, nil
}
