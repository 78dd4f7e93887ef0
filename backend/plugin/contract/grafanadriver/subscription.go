package grafanadriver

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/centrifugal/centrifuge-go"

	"github.com/pulse-datasource/pulse/backend/plugin/contract"
	"github.com/pulse-datasource/pulse/backend/plugin/pluginhost"
)

var _ contract.Subscription = (*subscription)(nil)

// ErrClosed is wrapped by Next's error after Close.
var ErrClosed = errors.New("subscription closed")

// ErrEnded is wrapped by Next's error once the subscription ended without
// Close: Grafana unsubscribed it, the connection was lost, or the reader
// fell more than Options.MaxQueued publications behind. The error says
// which, with Centrifuge's code and reason. Next returns the publications
// that arrived before the end first.
var ErrEnded = errors.New("subscription ended")

// subscription is one viewer of a channel: a Centrifuge client with one
// subscription. The client's event handlers run on its callback goroutine
// and only record what happened, under mu, and wake whoever waits; they
// never call the client, whose Close waits for them.
type subscription struct {
	channel   string // as asked: ds/<uid>/<path>
	live      string // the Centrifuge channel: <orgId>/<channel>
	driver    *Driver
	client    *centrifuge.Client
	sub       *centrifuge.Subscription
	maxQueued int

	// lifetime ends (kill) when the subscription shuts down, or when
	// Subscribe's ctx ends before the admission; dials end with it.
	lifetime context.Context
	kill     context.CancelFunc

	// wake has room for one token: an event handler leaves one when it
	// recorded something, so that join or Next looks again.
	wake chan struct{}
	// done is closed by Close, to end a Next that waits.
	done chan struct{}

	mu sync.Mutex
	// While joining: the admission and its data, the failure that ends
	// joining, the last failure centrifuge-go will retry after, and whether
	// that was a refused WebSocket upgrade worth asking about.
	admitted     bool
	admission    []byte
	failed       error
	lastErr      error
	badHandshake bool
	// Once admitted: the publications Next has not taken yet, why the
	// subscription ended, and whether it was closed or is shutting down.
	queue    [][]byte
	ended    error
	closed   bool
	stopping bool

	// Owned by join, then by Next.
	initial    pluginhost.Packet
	hasInitial bool
	decoder    pluginhost.FrameDecoder

	shutdownOnce sync.Once
}

// Initial is the data the admission carried: the plugin's initial data,
// with the schema and the newest rows.
func (s *subscription) Initial() (pluginhost.Packet, bool) {
	return s.initial, s.hasInitial
}

// Next takes the next publication, in the order Grafana sent them, and
// decodes it under the last schema seen (the admission's, at first). A
// publication that cannot be read is an error, not skipped: a data-only one
// before any schema wraps pluginhost.ErrNoSchema.
func (s *subscription) Next(ctx context.Context) (pluginhost.Packet, error) {
	for {
		if err := ctx.Err(); err != nil {
			return pluginhost.Packet{}, fmt.Errorf("waiting for a frame on %s: %w", s.channel, err)
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			return pluginhost.Packet{}, fmt.Errorf("reading %s: %w", s.channel, ErrClosed)
		}
		if len(s.queue) > 0 {
			raw := s.queue[0]
			s.queue[0] = nil
			s.queue = s.queue[1:]
			s.mu.Unlock()
			p, err := s.decoder.Decode(raw)
			if err != nil {
				return pluginhost.Packet{}, fmt.Errorf("reading %s: publication %s: %w", s.channel, snippet(raw), err)
			}
			return p, nil
		}
		ended := s.ended
		s.mu.Unlock()
		if ended != nil {
			return pluginhost.Packet{}, fmt.Errorf("reading %s: %w", s.channel, ended)
		}
		select {
		case <-ctx.Done():
		case <-s.done:
		case <-s.wake:
		}
	}
}

// Close leaves the channel by closing the connection. It is safe to call
// more than once and from any goroutine; when it returns, the client's
// goroutines are gone or ending.
func (s *subscription) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.done)
	}
	s.mu.Unlock()
	s.shutdown()
}

// shutdown closes the client, which stops its reconnecting and closes the
// connection; Grafana unsubscribes a closed connection from its channels at
// once, so it counts one viewer less. It sends no unsubscribe command first:
// that would say nothing more, and centrifuge-go would leave a goroutine
// waiting up to its read timeout for a reply the close drops. It runs once,
// from Close or in the background when the subscription ended.
func (s *subscription) shutdown() {
	s.shutdownOnce.Do(func() {
		s.mu.Lock()
		s.stopping = true
		s.mu.Unlock()
		s.client.Close()
		s.kill()
	})
}

// signal wakes join or Next.
func (s *subscription) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
