package websocket

import (
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// ErrClosed is Subscribe's and Health's error once the Client is closed.
var ErrClosed = errors.New("websocket: the client is closed")

// Client is a WebSocket data source's feed.Upstream: one WebSocket
// connection per subscription, to the subscription's path under the data
// source's URL.
//
// Concurrency: every method may be called from any goroutine, also
// concurrently. Each subscription's handler runs one message at a time in
// the order the server sent them: on the connection's reader while it
// keeps up, otherwise on a goroutine of its own, fed through a bounded
// queue (Options.QueueLength and QueueBytes): when the
// handler falls behind, the connection's reader waits for room, and TCP
// slows the server, so no message is dropped. A handler must call neither its Unsubscribe nor Close:
// both wait for it to return.
type Client struct {
	base    *url.URL
	check   func(path string) error // the settings' CheckPath
	resolve func(path string) (*url.URL, error)
	d       *dialer
	o       Options

	mu       sync.Mutex
	sessions map[*session]struct{}
	closed   bool

	reconnects atomic.Uint64
	note       atomic.Pointer[string] // what the last health check noticed
}

// Subscribe opens a connection to sub.Target, a path under the data
// source's URL that its allowedTopics allow (web.Settings.CheckPath's
// error otherwise), and calls handler with every message the server sends on
// it, text and binary alike, as the payload of a feed.Message whose Series
// is sub.Target. It sends sub.Params["subscribeMessage"], when set, as a
// text message after every connect. It returns at once: the connection is
// made in the background, and made again after every end (see Client).
// Unsubscribe closes the connection and waits for its goroutines.
func (c *Client) Subscribe(sub feed.Subscription, handler func(feed.Message)) (feed.Subscribed, error) {
	if handler == nil {
		return feed.Subscribed{}, errors.New("websocket: Subscribe needs a handler")
	}
	if err := c.check(sub.Target); err != nil {
		return feed.Subscribed{}, err
	}
	u, err := c.resolve(sub.Target)
	if err != nil {
		return feed.Subscribed{}, err
	}
	message := sub.Params[ParamSubscribeMessage]
	if err := CheckSubscribeMessage(message); err != nil {
		return feed.Subscribed{}, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return feed.Subscribed{}, ErrClosed
	}
	s := &session{c: c, target: sub.Target, url: u, message: message, q: newQueue(handler, c.o)}
	c.sessions[s] = struct{}{}
	s.start()
	var once sync.Once
	return feed.Subscribed{Unsubscribe: func() {
		once.Do(func() {
			c.mu.Lock()
			delete(c.sessions, s)
			c.mu.Unlock()
			s.stop()
		})
	}}, nil
}

// Stats are the connections' state and counters: Connected is true while
// there is at least one subscription and every subscription's connection
// is up; Reconnects counts the connections made after a subscription's
// first; Dropped is always zero (a queue waits instead).
func (c *Client) Stats() feed.UpstreamStats {
	c.mu.Lock()
	up := 0
	for s := range c.sessions {
		if s.up {
			up++
		}
	}
	n := len(c.sessions)
	c.mu.Unlock()
	return feed.UpstreamStats{Connected: n > 0 && up == n, Reconnects: c.reconnects.Load()}
}

// Close ends every subscription, closing its connection, and waits for
// every goroutine of the Client; calling it again does nothing. It must
// not be called from a handler.
func (c *Client) Close() {
	c.mu.Lock()
	c.closed = true
	sessions := make([]*session, 0, len(c.sessions))
	for s := range c.sessions {
		sessions = append(sessions, s)
	}
	clear(c.sessions)
	c.mu.Unlock()
	for _, s := range sessions {
		s.cancel()
	}
	for _, s := range sessions {
		s.stop()
	}
}

// String names the client for logs: its URL without a query string.
func (c *Client) String() string { return fmt.Sprintf("websocket.Client(%s)", web.Where(c.base)) }

// connected is a session's event: its connection is up.
func (c *Client) connected(s *session, first bool) {
	c.mu.Lock()
	s.up = true
	c.mu.Unlock()
	if first {
		c.o.Logger.Debug("WebSocket connected", "path", streaming.Excerpt(s.target))
		return
	}
	c.reconnects.Add(1)
	c.o.Logger.Info("WebSocket reconnected", "path", streaming.Excerpt(s.target))
}

// disconnected is a session's event: its connection ended with err.
func (c *Client) disconnected(s *session, err error) {
	c.mu.Lock()
	s.up = false
	c.mu.Unlock()
	if s.ctx.Err() != nil {
		return
	}
	c.o.Logger.Info("WebSocket connection ended; reconnecting", "path", streaming.Excerpt(s.target), "reason", endReason(err, c.o.ReadLimit))
}

// attemptFailed is a session's event: a connection attempt failed;
// repeated says the one before failed the same way.
func (c *Client) attemptFailed(s *session, err error, repeated bool) {
	if repeated {
		c.o.Logger.Debug("WebSocket connection attempt failed", "path", streaming.Excerpt(s.target), "error", err.Error())
		return
	}
	c.o.Logger.Warn("WebSocket connection attempt failed", "path", streaming.Excerpt(s.target), "error", err.Error())
}
