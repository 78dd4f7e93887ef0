package mqtt

import (
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Defaults of the Options left at zero.
const (
	DefaultConnectTimeout = 10 * time.Second
	DefaultKeepAlive      = 30 * time.Second
	DefaultRequestTimeout = 10 * time.Second
	DefaultMinBackoff     = 100 * time.Millisecond
	DefaultMaxBackoff     = 10 * time.Second
	DefaultQueueLength    = 1024
	DefaultQueueBytes     = 1 << 20
)

// MaxHealthWait is the longest a health check waits for the broker.
const MaxHealthWait = 10 * time.Second

// Options tune a Client, and a health check, beyond the data source's
// settings. The zero value is the defaults above and no logging.
type Options struct {
	// ConnectTimeout bounds one connection attempt: dialling, the TLS or
	// websocket handshake and the broker's CONNACK. Zero means
	// DefaultConnectTimeout (10 s).
	ConnectTimeout time.Duration
	// KeepAlive is the MQTT keep-alive interval the client asks for; a
	// broker that falls silent for one and a half of them is taken as
	// lost. Zero means DefaultKeepAlive (30 s); it is rounded to whole
	// seconds, at least one.
	KeepAlive time.Duration
	// RequestTimeout bounds how long Subscribe and an unsubscribe wait for
	// the broker's SUBACK or UNSUBACK. Zero means DefaultRequestTimeout
	// (10 s).
	RequestTimeout time.Duration
	// MinBackoff is the wait before the second attempt of a series of
	// failed ones; each further failure doubles it, up to MaxBackoff. Zero
	// means DefaultMinBackoff (100 ms).
	MinBackoff time.Duration
	// MaxBackoff is the longest wait between two connection attempts.
	// Zero means DefaultMaxBackoff (10 s).
	MaxBackoff time.Duration
	// QueueLength is how many messages wait at most for one subscriber's
	// handler; past it the oldest waiting message is dropped and counted.
	// Zero means DefaultQueueLength (1024).
	QueueLength int
	// QueueBytes is how many payload bytes wait at most for one
	// subscriber's handler; past it the oldest waiting messages are
	// dropped and counted, though the newest message is always kept.
	// Zero means DefaultQueueBytes (1 MiB).
	QueueBytes int
	// Logger hears about connections made, lost and refused, and refused
	// subscriptions; nil logs nothing. Log lines hold no secret.
	Logger streaming.Logger
}

// withDefaults fills the options left at zero (or below).
func (o Options) withDefaults() Options {
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = DefaultKeepAlive
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = DefaultRequestTimeout
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.QueueLength <= 0 {
		o.QueueLength = DefaultQueueLength
	}
	if o.QueueBytes <= 0 {
		o.QueueBytes = DefaultQueueBytes
	}
	return o
}

// keepAliveSeconds is KeepAlive in whole seconds, as MQTT sends it.
func (o Options) keepAliveSeconds() uint16 {
	s := int64(o.KeepAlive / time.Second)
	switch {
	case s < 1:
		return 1
	case s > 65535:
		return 65535
	}
	return uint16(s)
}
