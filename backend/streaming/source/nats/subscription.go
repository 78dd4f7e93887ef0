package nats

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Subscription is a subscription a Client made.
type Subscription struct {
	// Unsubscribe ends it: its handler is not called after the call under
	// way, if any, returns. Calling it again does nothing.
	Unsubscribe func()
	// Replayed is closed once the stored messages asked for were handed
	// to the handler; nil for a core NATS subscription, which replays
	// nothing.
	Replayed <-chan struct{}
	// Stream is the JetStream stream the subscription reads, "" for a
	// core NATS subscription.
	Stream string
}

// subscription is a live subscription: a core NATS one, or an ordered
// consumer of a stream.
type subscription struct {
	gate   *gate
	core   *nats.Subscription
	stored *stored
	once   sync.Once
}

// Subscribe calls handler with every message published to a subject that
// subject matches ("*" one token, ">" one or more trailing ones), until
// the returned Subscription's Unsubscribe is called. See Client for the
// goroutine handler runs on.
//
// The subject must be valid (ValidateSubject) and covered by the
// settings' allowedTopics, or the error is a *streaming.FieldError for
// "subject" (ErrNotAllowed for the latter).
//
// With a zero since, or when no JetStream stream keeps every subject
// that subject matches, it makes a core NATS subscription, which works
// while the connection is down too (nats.go sends it on connecting);
// while connected, Subscribe returns once the server has it.
// Otherwise it reads the stream with one ordered consumer: first the
// messages stored from since on (at most the newest maxReplay of them,
// when maxReplay > 0), then the live ones as the stream stores them, with
// no gap and no duplicate, also across reconnects and server restarts;
// each message's Arrival is when the stream stored it, and Replayed is
// closed once the messages stored when Subscribe ran were delivered. A
// since that needs the server while the connection is down fails with an
// error wrapping ErrNotConnected.
func (c *Client) Subscribe(subject string, since time.Time, maxReplay int, handler func(Message)) (Subscription, error) {
	if err := c.s.CheckSubject(subject); err != nil {
		return Subscription{}, err
	}
	if handler == nil {
		return Subscription{}, errors.New("nats: Subscribe needs a handler")
	}
	nc, js, err := c.conn()
	if err != nil {
		return Subscription{}, err
	}
	s := &subscription{gate: newGate(handler, &c.messages)}
	if !since.IsZero() {
		if !nc.IsConnected() {
			return Subscription{}, fmt.Errorf("%w at %s: the JetStream stream of subject %s cannot be looked up now; try again once the server can be reached",
				ErrNotConnected, c.s.URL, streaming.Excerpt(subject))
		}
		if s.stored, err = c.subscribeStored(nc, js, subject, since, maxReplay, s.gate); err != nil {
			return Subscription{}, err
		}
	}
	if s.stored == nil {
		if s.core, err = c.subscribeCore(nc, subject, s.gate); err != nil {
			return Subscription{}, err
		}
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		s.end(c)
		return Subscription{}, ErrClosed
	}
	c.subs[s] = struct{}{}
	c.mu.Unlock()

	out := Subscription{Unsubscribe: func() {
		c.mu.Lock()
		delete(c.subs, s)
		c.mu.Unlock()
		s.end(c)
	}}
	if s.stored != nil {
		out.Replayed, out.Stream = s.stored.replay.done, s.stored.stream
		c.o.Logger.Debug("NATS subscription reads a JetStream stream", "subject", streaming.Excerpt(subject), "stream", s.stored.stream,
			"replaying", s.stored.replay.want)
	}
	return out, nil
}

// subscribeCore makes a core NATS subscription with a bounded queue.
func (c *Client) subscribeCore(nc *nats.Conn, subject string, g *gate) (*nats.Subscription, error) {
	sub, err := nc.Subscribe(subject, func(m *nats.Msg) {
		g.call(Message{Subject: m.Subject, Payload: m.Data, Arrival: time.Now()})
	})
	if err != nil {
		if errors.Is(err, nats.ErrConnectionClosed) {
			return nil, ErrClosed
		}
		return nil, fmt.Errorf("cannot subscribe to subject %s: %s", streaming.Excerpt(subject), c.detail(err))
	}
	if err := sub.SetPendingLimits(c.o.QueueLength, c.o.QueueBytes); err != nil {
		_ = sub.Unsubscribe()
		return nil, fmt.Errorf("cannot subscribe to subject %s: %s", streaming.Excerpt(subject), c.detail(err))
	}
	if nc.IsConnected() {
		// Once the server answered a ping sent after the SUB, it has the
		// subscription: what is published after Subscribe returns
		// arrives. A failed flush leaves that to the next connection.
		_ = nc.FlushTimeout(c.o.RequestTimeout)
	}
	return sub, nil
}

// end ends the subscription without waiting for its handler; the
// messages the core subscription dropped stay counted.
func (s *subscription) end(c *Client) {
	s.once.Do(func() {
		s.gate.stop()
		if s.core != nil {
			if n, err := s.core.Dropped(); err == nil && n > 0 {
				c.dropped.Add(uint64(n))
			}
			_ = s.core.Unsubscribe()
		}
		if s.stored != nil {
			s.stored.stop(c)
		}
	})
}
