package mqtt

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// transport opens the network connections of one broker: TCP, TLS, or a
// websocket over either. Both protocol links dial through it, so that a
// failure reads the same whatever the protocol version.
type transport struct {
	kind    string // "tcp", "tls", "ws" or "wss"
	url     *url.URL
	tls     *tls.Config
	timeout time.Duration
}

func newTransport(s Settings, o Options) (*transport, error) {
	cfg, err := s.tlsConfig()
	if err != nil {
		return nil, err
	}
	return &transport{kind: s.transport(), url: s.broker(), tls: cfg, timeout: o.ConnectTimeout}, nil
}

// addr is the broker's host:port.
func (t *transport) addr() string { return t.url.Host }

// dialError is a failure before MQTT's CONNECT was sent: in the "dial"
// phase (name lookup, TCP), "tls" (the handshake) or "websocket" (the
// HTTP upgrade).
type dialError struct {
	phase string
	addr  string
	// status is the HTTP status of a refused websocket upgrade, or 0.
	status int
	err    error
}

func (e *dialError) Error() string {
	if e.status != 0 {
		return fmt.Sprintf("%s %s: HTTP status %d", e.phase, e.addr, e.status)
	}
	return fmt.Sprintf("%s %s: %v", e.phase, e.addr, e.err)
}

func (e *dialError) Unwrap() error { return e.err }

// dial opens a connection, within the transport's timeout, for an MQTT
// handshake. Until established is called on it, the connection is closed
// when abort ends, so that a handshake in progress ends with the link.
func (t *transport) dial(ctx, abort context.Context) (*conn, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	var (
		c   net.Conn
		err error
	)
	switch t.kind {
	case "tcp":
		c, err = t.dialTCP(ctx)
	case "tls":
		c, err = t.dialTLS(ctx)
	default:
		c, err = t.dialWebsocket(ctx)
	}
	if err != nil {
		return nil, err
	}
	wrapped := &conn{Conn: c}
	wrapped.stop = context.AfterFunc(abort, func() { _ = c.Close() })
	return wrapped, nil
}

func (t *transport) dialTCP(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", t.addr())
	if err != nil {
		return nil, &dialError{phase: "dial", addr: t.addr(), err: err}
	}
	return c, nil
}

func (t *transport) dialTLS(ctx context.Context) (net.Conn, error) {
	c, err := t.dialTCP(ctx)
	if err != nil {
		return nil, err
	}
	tc := tls.Client(c, t.tls)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = c.Close()
		return nil, &dialError{phase: "tls", addr: t.addr(), err: err}
	}
	return tc, nil
}

func (t *transport) dialWebsocket(ctx context.Context) (net.Conn, error) {
	d := websocket.Dialer{
		NetDialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return t.dialTCP(ctx)
		},
		NetDialTLSContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return t.dialTLS(ctx)
		},
		TLSClientConfig:  t.tls,
		HandshakeTimeout: t.timeout,
		Subprotocols:     []string{"mqtt"},
	}
	ws, resp, err := d.DialContext(ctx, t.url.String(), nil)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		var de *dialError
		if errors.As(err, &de) {
			return nil, err
		}
		e := &dialError{phase: "websocket", addr: t.addr(), err: err}
		if errors.Is(err, websocket.ErrBadHandshake) && resp != nil {
			e.status = resp.StatusCode
		}
		return nil, e
	}
	return &wsConn{ws: ws}, nil
}

// conn is a broker connection that its MQTT library may write to from
// several goroutines: every Write goes out whole, and conn is a
// sync.Locker, which paho.golang holds while it writes one packet in
// several Writes, so that packets never interleave. Until established is
// called, the end of the link closes it.
type conn struct {
	net.Conn
	wmu  sync.Mutex // one Write at a time
	pmu  sync.Mutex // one packet at a time
	stop func() bool
}

// Write writes p whole before another Write starts.
func (c *conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.Conn.Write(p)
}

// Lock starts writing a packet: paho.golang's packets call it.
func (c *conn) Lock() { c.pmu.Lock() }

// Unlock ends writing a packet.
func (c *conn) Unlock() { c.pmu.Unlock() }

// established stops closing the connection when the link ends: from now on
// the protocol library ends it, with a DISCONNECT.
func (c *conn) established() { c.stop() }

// Close closes the connection.
func (c *conn) Close() error {
	c.stop()
	return c.Conn.Close()
}

// wsConn carries MQTT's byte stream in binary websocket messages.
type wsConn struct {
	ws  *websocket.Conn
	rmu sync.Mutex
	r   io.Reader
}

// Read reads from the current websocket message, then the next ones.
func (c *wsConn) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	for {
		if c.r == nil {
			_, r, err := c.ws.NextReader()
			if err != nil {
				return 0, err
			}
			c.r = r
		}
		n, err := c.r.Read(p)
		if errors.Is(err, io.EOF) {
			c.r = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

// Write sends p as one binary message. Callers serialize writes (conn
// does).
func (c *wsConn) Write(p []byte) (int, error) {
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Close closes the underlying connection at once.
func (c *wsConn) Close() error { return c.ws.Close() }

// LocalAddr is the local end's address.
func (c *wsConn) LocalAddr() net.Addr { return c.ws.LocalAddr() }

// RemoteAddr is the broker's address.
func (c *wsConn) RemoteAddr() net.Addr { return c.ws.RemoteAddr() }

// SetDeadline sets the read and the write deadline.
func (c *wsConn) SetDeadline(t time.Time) error {
	return errors.Join(c.ws.SetReadDeadline(t), c.ws.SetWriteDeadline(t))
}

// SetReadDeadline sets the read deadline.
func (c *wsConn) SetReadDeadline(t time.Time) error { return c.ws.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline.
func (c *wsConn) SetWriteDeadline(t time.Time) error { return c.ws.SetWriteDeadline(t) }
