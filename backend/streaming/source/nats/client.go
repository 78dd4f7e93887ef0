package nats

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// closeWait bounds how long Close waits for the library to report the
// connection closed.
const closeWait = 10 * time.Second

// Client is the one NATS connection of a data source, shared by all its
// channels. It connects in the background (nats.go's RetryOnFailedConnect:
// a server that is down delays nothing), reconnects for ever after a
// loss, waiting Options.ReconnectWait plus jitter between rounds over the
// servers, and nats.go subscribes its live subscriptions again on every
// new connection.
//
// Concurrency: every method may be called from any goroutine, at any
// time, also concurrently. Each Subscribe call's handler runs on a
// goroutine of the library, one message at a time in order, never
// concurrently with itself. A core NATS subscription's messages wait for
// the handler in a bounded queue (Options.QueueLength and QueueBytes)
// that drops new messages when full, counted in Stats.Dropped; a
// JetStream subscription pulls its messages as the handler takes them and
// drops none. A handler may call its Unsubscribe and Subscribe, but not
// Close, which waits for handlers to return.
type Client struct {
	s       Settings
	o       Options
	servers []string

	ready   chan struct{} // closed once nats.Connect returned: nc, js or connErr are set
	nc      *nats.Conn
	js      jetstream.JetStream
	connErr error

	mu     sync.Mutex
	subs   map[*subscription]struct{}
	closed bool

	quit      chan struct{} // closed by Close
	done      chan struct{} // closed when the library reports the connection closed
	doneOnce  sync.Once
	wg        sync.WaitGroup
	closeOnce sync.Once

	conns, messages, dropped atomic.Uint64
	jetStream                atomic.Int32 // a jetStreamState, as the last health check found
}

// New checks the settings and starts a Client, which connects in the
// background. Close it when the data source goes away.
func New(s Settings, o Options) (*Client, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	o = o.withDefaults()
	c := &Client{
		s:       s,
		o:       o,
		servers: s.Servers(),
		ready:   make(chan struct{}),
		subs:    map[*subscription]struct{}{},
		quit:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	opts, err := c.options()
	if err != nil {
		return nil, err
	}
	c.wg.Add(1)
	go c.connect(opts)
	return c, nil
}

// options are the nats.go options of the shared connection.
func (c *Client) options() ([]nats.Option, error) {
	auth, err := c.s.authOptions()
	if err != nil {
		return nil, err
	}
	opts := append([]nats.Option{
		nats.Name("pulse"),
		nats.Timeout(c.o.ConnectTimeout),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(c.o.ReconnectWait),
		nats.ReconnectJitter(c.o.ReconnectJitter, 2*c.o.ReconnectJitter),
		nats.PingInterval(c.o.PingInterval),
		nats.MaxPingsOutstanding(2),
		// Without it nats.go gives up on a server that refused the
		// credentials twice, and the data source would stay down after
		// the server's accounts were fixed.
		nats.IgnoreAuthErrorAbort(),
		nats.ConnectHandler(c.connected),
		nats.ReconnectHandler(c.connected),
		nats.DisconnectErrHandler(c.disconnected),
		nats.ReconnectErrHandler(c.attemptFailed),
		nats.ErrorHandler(c.asyncError),
		nats.ClosedHandler(func(*nats.Conn) { c.doneOnce.Do(func() { close(c.done) }) }),
	}, auth...)
	if c.s.secure() {
		cfg, err := c.s.tlsConfig()
		if err != nil {
			return nil, err
		}
		opts = append(opts, nats.Secure(cfg))
	}
	return opts, nil
}

// connect makes the connection; with RetryOnFailedConnect nats.Connect
// fails only for options it cannot use, and otherwise returns after its
// first round of attempts, connected or not.
func (c *Client) connect(opts []nats.Option) {
	defer c.wg.Done()
	nc, err := nats.Connect(strings.Join(c.servers, ","), opts...)
	var js jetstream.JetStream
	if err == nil {
		js, err = jetstream.New(nc)
		if err != nil {
			nc.Close()
			nc = nil
		}
	}
	if err != nil {
		c.doneOnce.Do(func() { close(c.done) })
		c.o.Logger.Warn("NATS client could not start", "servers", c.s.URL, "error", c.detail(err))
	}
	c.mu.Lock()
	c.nc, c.js, c.connErr = nc, js, err
	c.mu.Unlock()
	close(c.ready)
}

// conn waits for nats.Connect to return and gives its connection.
func (c *Client) conn() (*nats.Conn, jetstream.JetStream, error) {
	select {
	case <-c.ready:
	case <-c.quit:
		return nil, nil, ErrClosed
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return nil, nil, ErrClosed
	case c.connErr != nil:
		return nil, nil, fmt.Errorf("the NATS client could not start: %s", c.detail(c.connErr))
	}
	return c.nc, c.js, nil
}

// connected is the library's event: a connection is up.
func (c *Client) connected(nc *nats.Conn) {
	n := c.conns.Add(1)
	c.o.Logger.Info("NATS connection up", "server", nc.ConnectedUrlRedacted(), "reconnect", n > 1)
}

// disconnected is the library's event: the connection ended.
func (c *Client) disconnected(_ *nats.Conn, err error) {
	if err != nil {
		c.o.Logger.Warn("NATS connection lost; reconnecting", "servers", c.s.URL, "error", c.detail(err))
	}
}

// attemptFailed is the library's event: a connection attempt failed.
func (c *Client) attemptFailed(_ *nats.Conn, err error) {
	if err != nil {
		c.o.Logger.Debug("NATS connection attempt failed", "servers", c.s.URL, "error", c.detail(err))
	}
}

// asyncError is the library's event: an error outside any call, such as
// a slow subscription or a permissions violation.
func (c *Client) asyncError(_ *nats.Conn, sub *nats.Subscription, err error) {
	if sub != nil {
		c.o.Logger.Warn("NATS subscription error", "subject", streaming.Excerpt(sub.Subject), "error", c.detail(err))
		return
	}
	c.o.Logger.Warn("NATS error", "error", c.detail(err))
}

// Stats are the client's state and counters now.
func (c *Client) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	st := Stats{Messages: c.messages.Load(), Dropped: c.dropped.Load(), Subscriptions: len(c.subs)}
	if n := c.conns.Load(); n > 1 {
		st.Reconnects = n - 1
	}
	st.Connected = c.nc != nil && !c.closed && c.nc.IsConnected()
	for s := range c.subs {
		if s.stored != nil {
			st.Stored++
		}
		if s.core != nil {
			if n, err := s.core.Dropped(); err == nil && n > 0 {
				st.Dropped += uint64(n)
			}
		}
	}
	return st
}

// Close closes the connection and ends every goroutine of the client,
// waiting for handlers under way to return; the subscriptions end with
// it. Calling it again does nothing. It must not be called from a
// handler.
func (c *Client) Close() {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		subs := c.subs
		c.subs = map[*subscription]struct{}{}
		c.mu.Unlock()
		close(c.quit)
		<-c.ready // nats.Connect returns after one round of attempts
		for s := range subs {
			s.end(c)
		}
		c.mu.Lock()
		nc := c.nc
		c.mu.Unlock()
		if nc != nil {
			nc.Close()
		}
		for s := range subs {
			s.gate.drain()
		}
		select {
		case <-c.done:
		case <-time.After(closeWait):
			c.o.Logger.Warn("NATS connection did not report closing", "wait", closeWait)
		}
		c.wg.Wait()
	})
}

// String names the client for logs: its settings, secrets redacted.
func (c *Client) String() string { return fmt.Sprintf("nats.Client(%s)", c.s) }

// detail is err's text for a message or log line, withheld when it would
// show a secret (no library is known to put one there: this is a second
// line of defence).
func (c *Client) detail(err error) string { return detail(c.s, err) }

// detail is err's text, withheld when it holds one of s's secrets.
func detail(s Settings, err error) string {
	if err == nil {
		return ""
	}
	text := err.Error()
	for _, secret := range s.secrets() {
		if len(secret) >= 4 && strings.Contains(text, string(secret)) {
			return "(details withheld: they held a secret)"
		}
	}
	return streaming.Excerpt(text)
}
