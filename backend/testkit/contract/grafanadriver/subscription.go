package grafanadriver

import (
	"context"
	"sync"

	"github.com/centrifugal/centrifuge-go"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ contract.Subscription = (*subscription)(nil)

// ErrClosed is wrapped by Next's error after Close.
var ErrClosed = contract.ErrClosed

// ErrEnded is wrapped by Next's error once the subscription ended without
// Close: Grafana unsubscribed it, the connection was lost, or the reader
// fell more than Options.MaxQueued publications behind. The error says
// which, with Centrifuge's code and reason. Next returns the publications
// that arrived before the end first.
var ErrEnded = contract.ErrEnded

// subscription is one viewer of a channel: a Centrifuge client with one
// subscription. The client's event handlers run on its callback goroutine
// and only record what happened, under mu, and wake whoever waits; they
// never call the client, whose Close waits for them.
type subscription struct {
	channel string // as asked: ds/<uid>/<path>
	live    string // the Centrifuge channel: <orgId>/<channel>
	driver  *Driver
	client  *centrifuge.Client
	sub     *centrifuge.Subscription
	// frames hold the publications Next has not taken yet, and how the
	// subscription ended.
	frames *contract.FrameQueue

	// lifetime ends (kill) when the subscription shuts down, or when
	// Subscribe's ctx ends before the admission; dials end with it.
	lifetime context.Context
	kill     context.CancelFunc

	// wake has room for one token: an event handler leaves one when it
	// recorded something, so that join looks again.
	wake chan struct{}

	mu sync.Mutex
	// While joining: the admission and its data, the failure that ends
	// joining, the last failure centrifuge-go will retry after, and whether
	// that was a refused WebSocket upgrade worth asking about.
	admitted     bool
	admission    []byte
	failed       error
	lastErr      error
	badHandshake bool
	// Whether it is shutting down.
	stopping bool

	// Set by join.
	initial    pluginhost.Packet
	hasInitial bool

	shutdownOnce sync.Once
}

// Initial is the data the admission carried: the plugin's initial data,
// with the schema and the newest rows.
func (s *subscription) Initial() (pluginhost.Packet, bool) {
	return s.initial, s.hasInitial
}

// Next takes the next publication, in the order Grafana sent them, and
// decodes it under the last schema seen (the admission's, at first).
func (s *subscription) Next(ctx context.Context) (pluginhost.Packet, error) {
	return s.frames.Next(ctx)
}

// Close leaves the channel by closing the connection. It is safe to call
// more than once and from any goroutine; when it returns, the client's
// goroutines are gone or ending.
func (s *subscription) Close() {
	s.frames.Close()
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
