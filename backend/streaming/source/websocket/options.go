package websocket

import (
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Defaults of the Options left at zero.
const (
	// DefaultHandshakeTimeout bounds one connection attempt: TCP, TLS and
	// the HTTP upgrade.
	DefaultHandshakeTimeout = 10 * time.Second
	// DefaultMinBackoff is the wait before the first reconnect.
	DefaultMinBackoff = 100 * time.Millisecond
	// DefaultMaxBackoff is the longest wait between two attempts.
	DefaultMaxBackoff = 10 * time.Second
	// DefaultPingInterval is how often a connection sends a ping.
	DefaultPingInterval = 20 * time.Second
	// DefaultPongWait is how long a ping's answer may take at least.
	DefaultPongWait = 10 * time.Second
	// DefaultReadLimit is the largest message read: 1 MiB.
	DefaultReadLimit = 1 << 20
	// DefaultQueueLength is how many messages wait at most for a handler.
	DefaultQueueLength = 1024
	// DefaultQueueBytes is how many payload bytes wait at most for a
	// handler: 4 MiB.
	DefaultQueueBytes = 4 << 20
)

// MaxHealthWait is the longest a health check waits for the server.
const MaxHealthWait = 10 * time.Second

// Options tune a Client beyond the data source's settings. The zero value
// is the defaults above and no logging.
type Options struct {
	// HandshakeTimeout bounds one connection attempt: the TCP connection,
	// the TLS handshake and the HTTP upgrade. Zero means
	// DefaultHandshakeTimeout (10 s).
	HandshakeTimeout time.Duration
	// MinBackoff is the wait before the first reconnect after a
	// connection ended; each further failure in a row doubles it, up to
	// MaxBackoff. Zero means DefaultMinBackoff (100 ms).
	MinBackoff time.Duration
	// MaxBackoff is the longest wait between two connection attempts, and
	// how long a connection must have stayed up for the doubling to start
	// again. Zero means DefaultMaxBackoff (10 s).
	MaxBackoff time.Duration
	// PingInterval is how often a connection sends a WebSocket ping. Zero
	// means DefaultPingInterval (20 s).
	PingInterval time.Duration
	// PongWait is how long, at least, the server has to answer a ping: a
	// connection on which nothing arrives (no message, no pong) for
	// PingInterval + PongWait is dropped and dialled again. Zero means
	// DefaultPongWait (10 s).
	PongWait time.Duration
	// ReadLimit is the largest message read, in bytes; the connection of
	// a server that sends a larger one is closed (WebSocket close code
	// 1009) and dialled again. Zero means DefaultReadLimit (1 MiB).
	ReadLimit int64
	// QueueLength is how many messages wait at most for one
	// subscription's handler; past it the connection's reader waits for
	// room. Zero means DefaultQueueLength (1024).
	QueueLength int
	// QueueBytes is how many payload bytes wait at most for one
	// subscription's handler (one message always fits); past it the
	// connection's reader waits for room. Zero means DefaultQueueBytes
	// (4 MiB).
	QueueBytes int
	// Logger hears about connections made, ended and refused; nil logs
	// nothing (NewSource logs through the SDK's default logger). Log lines
	// hold no secret.
	Logger streaming.Logger
}

// withDefaults fills the options left at zero (or below).
func (o Options) withDefaults() Options {
	if o.HandshakeTimeout <= 0 {
		o.HandshakeTimeout = DefaultHandshakeTimeout
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	if o.PingInterval <= 0 {
		o.PingInterval = DefaultPingInterval
	}
	if o.PongWait <= 0 {
		o.PongWait = DefaultPongWait
	}
	if o.ReadLimit <= 0 {
		o.ReadLimit = DefaultReadLimit
	}
	if o.QueueLength <= 0 {
		o.QueueLength = DefaultQueueLength
	}
	if o.QueueBytes <= 0 {
		o.QueueBytes = DefaultQueueBytes
	}
	if o.Logger == nil {
		o.Logger = streaming.NopLogger{}
	}
	return o
}
