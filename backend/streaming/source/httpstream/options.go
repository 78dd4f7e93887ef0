package httpstream

import (
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Defaults of the Options left at zero.
const (
	DefaultConnectTimeout      = 10 * time.Second
	DefaultTLSHandshakeTimeout = 10 * time.Second
	DefaultHeaderTimeout       = 30 * time.Second
	DefaultMinBackoff          = 250 * time.Millisecond
	DefaultMaxBackoff          = 30 * time.Second
	DefaultAuthBackoff         = 30 * time.Second
	DefaultMaxRedirects        = 5
	DefaultLogEvery            = time.Minute
)

// MaxHealthWait is the longest a health check waits for the server.
const MaxHealthWait = 10 * time.Second

// Options tune a Client beyond the data source's settings. The zero value
// is the defaults above, the readers' default bounds and no logging.
type Options struct {
	// ConnectTimeout bounds a TCP connection attempt. Zero means
	// DefaultConnectTimeout (10 s).
	ConnectTimeout time.Duration
	// TLSHandshakeTimeout bounds a TLS handshake. Zero means
	// DefaultTLSHandshakeTimeout (10 s).
	TLSHandshakeTimeout time.Duration
	// HeaderTimeout bounds the wait for a response's headers once the
	// request is sent. Nothing bounds the body: a stream lasts as long as
	// the server keeps it open. Zero means DefaultHeaderTimeout (30 s).
	HeaderTimeout time.Duration
	// MinBackoff is the wait before reconnecting after the first failure
	// in a row; each further failure doubles it, up to MaxBackoff, with
	// jitter (a random wait between half of it and all of it). Zero means
	// DefaultMinBackoff (250 ms).
	MinBackoff time.Duration
	// MaxBackoff is the longest wait after failures. Zero means
	// DefaultMaxBackoff (30 s).
	MaxBackoff time.Duration
	// AuthBackoff is the shortest wait after the server refused the
	// credentials (HTTP 401 or 403): they rarely change by themselves.
	// Zero means DefaultAuthBackoff (30 s).
	AuthBackoff time.Duration
	// MaxRedirects is how many redirects within the base URL's scheme,
	// host and port a request follows. Zero means DefaultMaxRedirects (5).
	MaxRedirects int
	// IdleTimeout is how long a stream may send nothing at all (no event,
	// line, comment or keep-alive byte) before its request is ended and
	// made again, a Server-Sent Events stream resuming with Last-Event-ID.
	// Zero or less means no limit. NewSource sets it from the data
	// source's idleTimeoutSeconds when it is zero.
	IdleTimeout time.Duration
	// MaxLineBytes and MaxEventBytes bound a line and a Server-Sent
	// Event's data (SSEOptions, NDJSONOptions); zero means 1 MiB each.
	MaxLineBytes, MaxEventBytes int
	// LogEvery is how often at most a stream logs a failure it logged
	// already. Zero means DefaultLogEvery (a minute).
	LogEvery time.Duration
	// Logger hears about streams opened, lost and refused, and skipped
	// parts; nil logs nothing. Log lines hold no secret.
	Logger streaming.Logger
}

// withDefaults fills the options left at zero (or below).
func (o Options) withDefaults() Options {
	set := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	set(&o.ConnectTimeout, DefaultConnectTimeout)
	set(&o.TLSHandshakeTimeout, DefaultTLSHandshakeTimeout)
	set(&o.HeaderTimeout, DefaultHeaderTimeout)
	set(&o.MinBackoff, DefaultMinBackoff)
	set(&o.MaxBackoff, DefaultMaxBackoff)
	set(&o.AuthBackoff, DefaultAuthBackoff)
	set(&o.LogEvery, DefaultLogEvery)
	o.MaxBackoff = max(o.MaxBackoff, o.MinBackoff)
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.Logger == nil {
		o.Logger = streaming.NopLogger{}
	}
	return o
}
