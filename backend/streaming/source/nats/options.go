package nats

import (
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Defaults of the Options left at zero.
const (
	DefaultConnectTimeout  = 5 * time.Second
	DefaultReconnectWait   = 500 * time.Millisecond
	DefaultReconnectJitter = 500 * time.Millisecond
	DefaultRequestTimeout  = 5 * time.Second
	DefaultPingInterval    = 20 * time.Second
	DefaultQueueLength     = 65_536
	DefaultQueueBytes      = 8 << 20
)

// MaxHealthWait is the longest a health check waits for the servers.
const MaxHealthWait = 10 * time.Second

// Options tune a Client beyond the data source's settings. The zero value
// is the defaults above and no logging.
type Options struct {
	// ConnectTimeout bounds one connection attempt to one server: the
	// dial, the TLS handshake and NATS's CONNECT. Zero means
	// DefaultConnectTimeout (5 s).
	ConnectTimeout time.Duration
	// ReconnectWait is the wait after every server was tried in vain,
	// before the next round; a random part of up to ReconnectJitter (of
	// twice it for tls:// servers) is added. Zero means
	// DefaultReconnectWait (500 ms) and DefaultReconnectJitter (500 ms).
	ReconnectWait   time.Duration
	ReconnectJitter time.Duration
	// RequestTimeout bounds each JetStream request a subscription or a
	// read of stored messages makes (the stream lookup, the consumers that
	// find its start). Zero means
	// DefaultRequestTimeout (5 s).
	RequestTimeout time.Duration
	// PingInterval is how often the client pings a silent server; two
	// unanswered pings end the connection. Zero means DefaultPingInterval
	// (20 s).
	PingInterval time.Duration
	// QueueLength is how many messages of a core NATS subscription wait
	// at most for its handler; past it new messages are dropped and
	// counted in Stats.Dropped. Zero means DefaultQueueLength (65 536,
	// nats.go's own default; QueueBytes bounds their memory).
	// JetStream subscriptions need no such queue: the client pulls their
	// messages as the handler takes them.
	QueueLength int
	// QueueBytes is how many payload bytes of a core NATS subscription
	// wait at most for its handler, as QueueLength. Zero means
	// DefaultQueueBytes (8 MiB).
	QueueBytes int
	// Logger hears about connections made, lost and refused, and about
	// subscriptions; nil logs nothing. Log lines hold no secret. The SDK's
	// log.Logger is one.
	Logger streaming.Logger
}

// withDefaults fills the options left at zero (or below).
func (o Options) withDefaults() Options {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.ReconnectWait <= 0 {
		o.ReconnectWait = DefaultReconnectWait
	}
	if o.ReconnectJitter <= 0 {
		o.ReconnectJitter = DefaultReconnectJitter
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.PingInterval <= 0 {
		o.PingInterval = DefaultPingInterval
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
