package httpstream

import (
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// Client is an HTTP data source's feed.Upstream: one http.Client, and for
// each subscription one goroutine that streams base URL + path, and
// reconnects when the stream ends or fails (see the package
// documentation).
//
// Concurrency: every method may be called from any goroutine, also
// concurrently. Each subscription's handler runs on that subscription's
// goroutine, one message at a time in the order the server sent them. A
// slow handler holds up the reading of its own stream only (the server's
// writes wait in TCP's buffers), never other streams, and nothing is
// dropped for it. A handler must not call its own Unsubscribe, nor Close:
// both wait for the handler to return.
type Client struct {
	s      web.Settings
	o      Options
	http   *http.Client
	header http.Header // the settings' headers; cloned for every request

	mu     sync.Mutex
	subs   map[*subscription]struct{}
	closed bool
	quit   chan struct{}
	wg     sync.WaitGroup

	reconnects, dropped atomic.Uint64
	// reached is how the last health check that reached the server
	// describes it.
	reached atomic.Pointer[string]
}

var _ feed.Upstream = (*Client)(nil)

// New makes the Client of an HTTP data source. It connects to nothing
// until Subscribe or Health.
func New(s web.Settings, o Options) (*Client, error) {
	if _, err := s.Resolve(""); err != nil {
		return nil, err
	}
	cfg, err := s.TLSConfig()
	if err != nil {
		return nil, err
	}
	o = o.withDefaults()
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: o.ConnectTimeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       cfg,
		TLSHandshakeTimeout:   o.TLSHandshakeTimeout,
		ResponseHeaderTimeout: o.HeaderTimeout,
		ForceAttemptHTTP2:     true,
		// A compressed stream can hold events back in the decompressor's
		// buffer: ask for none.
		DisableCompression: true,
		MaxIdleConns:       16,
		IdleConnTimeout:    90 * time.Second,
	}
	c := &Client{s: s, o: o, header: s.Header(), subs: map[*subscription]struct{}{}, quit: make(chan struct{})}
	c.http = &http.Client{Transport: transport, CheckRedirect: c.checkRedirect}
	return c, nil
}

// checkRedirect follows at most Options.MaxRedirects redirects, and only
// within the first request's scheme, host and port, so that the settings'
// credentials go to no other server, and to paths a query could name
// (web.Settings.CheckRedirect: under the base URL's path, and covered by
// allowedTopics).
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.o.MaxRedirects {
		return fmt.Errorf("%w: more than %d redirects from %s", ErrRedirectRefused, c.o.MaxRedirects, web.Where(via[0].URL))
	}
	if !web.SameOrigin(via[0].URL, req.URL) {
		return fmt.Errorf("%w: %s redirected to %s, another scheme, host or port; Pulse follows redirects within %s only, so that the data source's credentials go to no other server",
			ErrRedirectRefused, web.Where(via[len(via)-1].URL), web.Where(req.URL), via[0].URL.Scheme+"://"+via[0].URL.Host)
	}
	if err := c.s.CheckRedirect(req.URL); err != nil {
		return fmt.Errorf("%w: %s redirected to a place a query may not read: %v; Pulse follows redirects only to paths a query could name",
			ErrRedirectRefused, web.Where(via[len(via)-1].URL), err)
	}
	return nil
}

// Subscribe streams sub.Target, a path under the settings' URL, in the
// format of sub.Params["format"] (FormatAuto when empty), keeping only the
// Server-Sent Events of type sub.Params["event"] when set, and delivers
// each event's data or NDJSON line to handler as a feed.Message whose
// Series is the path. It returns at once; the stream opens in the
// background. The error is Resolve's for a path outside the base, or
// ErrClosed.
func (c *Client) Subscribe(sub feed.Subscription, handler func(feed.Message)) (feed.Subscribed, error) {
	u, err := c.s.Resolve(sub.Target)
	if err != nil {
		return feed.Subscribed{}, err
	}
	s := newSubscription(c, u, sub, handler)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return feed.Subscribed{}, ErrClosed
	}
	c.subs[s] = struct{}{}
	c.wg.Add(1)
	c.mu.Unlock()
	go s.run()
	return feed.Subscribed{Unsubscribe: func() { c.unsubscribe(s) }}, nil
}

// unsubscribe ends s's stream and waits for its goroutine.
func (c *Client) unsubscribe(s *subscription) {
	s.cancel()
	<-s.done
	c.mu.Lock()
	delete(c.subs, s)
	c.mu.Unlock()
}

// Stats are the streams' state and counters. Connected is true when there
// is at least one subscription and every subscription's stream is open
// (a response is being read): a panel whose stream is down shows as
// disconnected. Reconnects counts the streams opened again after one of
// the same subscription; Dropped counts the events and lines skipped for
// being longer than their bound.
func (c *Client) Stats() feed.UpstreamStats {
	c.mu.Lock()
	connected := len(c.subs) > 0
	for s := range c.subs {
		connected = connected && s.up.Load()
	}
	c.mu.Unlock()
	return feed.UpstreamStats{Connected: connected, Reconnects: c.reconnects.Load(), Dropped: c.dropped.Load()}
}

// Close ends every stream and waits for their goroutines; Subscribe and
// Health fail with ErrClosed afterwards.
func (c *Client) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	close(c.quit)
	for s := range c.subs {
		s.cancel()
	}
	c.mu.Unlock()
	c.wg.Wait()
	c.http.CloseIdleConnections()
}

// isClosed reports whether Close was called.
func (c *Client) isClosed() bool {
	select {
	case <-c.quit:
		return true
	default:
		return false
	}
}
