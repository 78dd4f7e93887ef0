package mqtt

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Client is the one broker connection of an MQTT data source, shared by
// all its channels. It connects in the background, reconnects after a
// loss with the backoff of Options (0, then 100 ms doubling to 10 s with
// jitter), and after every reconnection subscribes again to every live
// topic filter before Stats reports them no longer Pending.
//
// Subscriptions are counted per filter: the first Subscribe to a filter
// subscribes it at the broker (QoS 1), further ones share that
// subscription, and the last unsubscribe unsubscribes it.
//
// Concurrency: every method may be called from any goroutine, at any
// time, also concurrently; Subscribe and unsubscribe calls are served one
// at a time (each waits for the broker's answer, at most
// Options.RequestTimeout). Each Subscribe call's handler runs on a
// goroutine of its own, one message at a time in the order the broker sent
// them, never concurrently with itself but concurrently with other
// handlers. A handler never holds up the connection or other handlers:
// messages wait for it in a bounded queue (Options.QueueLength and
// QueueBytes) that drops its oldest message when full, counted in
// Stats.Dropped. A handler may call its unsubscribe function and
// Subscribe, but not Close, which waits for handlers to return.
type Client struct {
	s    Settings
	o    Options
	k    classifier
	link link

	// ops serializes the changes of broker subscriptions: Subscribe,
	// unsubscribe and the resubscription after a reconnect.
	ops sync.Mutex

	mu      sync.RWMutex
	filters map[string]*filter // live filters by name
	byID    map[int]*filter    // the same by subscription identifier
	wild    map[string]*filter // those with a wildcard
	nextID  int
	conns   uint64 // connections made; a filter subscribed on the current one has gen == conns
	up      bool   // whether a connection is up
	lastErr *ConnectError
	outcome chan struct{} // closed at the next connection made or attempt failed
	closed  bool

	resubscribe chan struct{}
	quit        chan struct{}
	wg          sync.WaitGroup
	closeOnce   sync.Once

	messages, reconnects, failures, dropped atomic.Uint64
}

// filter is one live topic filter: one broker subscription, shared by its
// subscribers.
type filter struct {
	name string
	id   int
	subs []*subscriber
	// gen is the connection the broker confirmed the subscription on, 0
	// for none.
	gen uint64
	// confirmed is closed when the broker first confirmed the
	// subscription.
	confirmed chan struct{}
}

// New checks the settings and starts a Client, which connects in the
// background: a broker that is down delays nothing, and Subscribe works
// at once (filters are subscribed when the connection is up). Close it
// when the data source goes away.
func New(s Settings, o Options) (*Client, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if s.ClientID == "" {
		s.ClientID = NewClientID()
	}
	s.URI = s.broker().String()
	o = o.withDefaults()
	c := &Client{
		s:           s,
		o:           o,
		k:           newClassifier(s, o),
		filters:     map[string]*filter{},
		byID:        map[int]*filter{},
		wild:        map[string]*filter{},
		outcome:     make(chan struct{}),
		resubscribe: make(chan struct{}, 1),
		quit:        make(chan struct{}),
	}
	l, err := newLink(s, o, c)
	if err != nil {
		return nil, err
	}
	// The link may report a connection before this line: the
	// resubscriber, which uses the link, finds its signal waiting.
	c.link = l
	c.wg.Add(1)
	go c.resubscriber()
	return c, nil
}

// Dial is New, then waits for the first connection attempt's outcome: the
// Client once connected, or the attempt's *ConnectError (the Client then
// closed). It waits at most MaxHealthWait (10 s), less when ctx ends
// sooner, and then fails with a timeout ConnectError.
func Dial(ctx context.Context, s Settings, o Options) (*Client, error) {
	ctx, cancel := context.WithTimeout(ctx, MaxHealthWait)
	defer cancel()
	c, err := New(s, o)
	if err != nil {
		return nil, err
	}
	if err := c.await(ctx, time.Now()); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Health says whether the Client can reach its broker: nil while connected;
// otherwise the last attempt's *ConnectError, or, before the first attempt
// ended, its outcome, waiting at most MaxHealthWait (10 s) or until ctx
// ends.
func (c *Client) Health(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, MaxHealthWait)
	defer cancel()
	return c.await(ctx, time.Now())
}

// await waits until the client is connected (nil) or an attempt failed
// (its error), or ctx ends (a timeout ConnectError counted from start).
func (c *Client) await(ctx context.Context, start time.Time) error {
	for {
		c.mu.RLock()
		connected, lastErr, outcome, closed := c.up, c.lastErr, c.outcome, c.closed
		c.mu.RUnlock()
		switch {
		case closed:
			return ErrClosed
		case connected:
			return nil
		case lastErr != nil:
			return lastErr
		}
		select {
		case <-outcome:
		case <-ctx.Done():
			return c.k.timedOut(time.Since(start))
		}
	}
}

// Settings are the client's settings (their client ID filled in).
func (c *Client) Settings() Settings { return c.s }

// Subscribe calls handler with every message published to a topic that
// filter matches, until the returned unsubscribe function is called
// (calling it again does nothing). Each message is handed to handler once
// per Subscribe call, in the order it arrived; see Client for the
// goroutine it runs on and the queue that bounds it.
//
// The filter must be valid (ValidateFilter) and covered by the settings'
// allowedTopics, or the error is a *streaming.FieldError for "topic"
// (ErrNotAllowed for the latter). When the filter is new and the client
// connected, Subscribe waits for the broker's SUBACK and returns a refusal
// as an error wrapping ErrSubscriptionRefused; when not connected, the
// filter is subscribed once the connection is up. A retained message is
// sent by the broker when a filter is first subscribed (and after a
// reconnect), so a second subscriber to a live filter does not get the
// retained messages the first one got.
func (c *Client) Subscribe(filterName string, handler func(Message)) (unsubscribe func(), err error) {
	if err := c.s.CheckFilter(filterName); err != nil {
		return nil, err
	}
	if handler == nil {
		return nil, errors.New("mqtt: Subscribe needs a handler")
	}
	sub := newSubscriber(handler, c.o, &c.dropped)

	c.ops.Lock()
	defer c.ops.Unlock()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, ErrClosed
	}
	c.wg.Add(1)
	go sub.run(&c.wg)
	f := c.filters[filterName]
	if f != nil {
		f.subs = append(f.subs, sub)
		c.mu.Unlock()
		return c.unsubscriber(f, sub), nil
	}
	c.nextID++
	f = &filter{name: filterName, id: c.nextID, subs: []*subscriber{sub}, confirmed: make(chan struct{})}
	c.filters[f.name], c.byID[f.id] = f, f
	if strings.ContainsAny(f.name, "+#") {
		c.wild[f.name] = f
	}
	gen, connected := c.conns, c.up
	c.mu.Unlock()

	if connected {
		var refused *subackError
		if err := c.send(f, gen); errors.As(err, &refused) {
			c.mu.Lock()
			c.remove(f)
			c.mu.Unlock()
			sub.stop()
			return nil, refusal(f.name, refused)
		}
	}
	return c.unsubscriber(f, sub), nil
}

// Confirmed is closed once the broker confirmed the subscription of
// filterName (its SUBACK), the first time: messages that match it,
// retained ones too, arrive from then on. It is nil when filterName is not
// subscribed.
func (c *Client) Confirmed(filterName string) <-chan struct{} {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if f := c.filters[filterName]; f != nil {
		return f.confirmed
	}
	return nil
}

// unsubscriber is the unsubscribe function of sub on f.
func (c *Client) unsubscriber(f *filter, sub *subscriber) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			sub.stop()
			c.ops.Lock()
			defer c.ops.Unlock()
			c.mu.Lock()
			f.subs = slices.DeleteFunc(f.subs, func(s *subscriber) bool { return s == sub })
			last := len(f.subs) == 0 && c.filters[f.name] == f
			if last {
				c.remove(f)
			}
			// Sent also when the broker never confirmed the subscription:
			// a SUBSCRIBE that timed out may still have been made.
			send := last && !c.closed && c.up
			c.mu.Unlock()
			if !send {
				return
			}
			ctx, cancel := context.WithTimeout(context.Background(), c.o.RequestTimeout)
			defer cancel()
			if err := c.link.unsubscribe(ctx, f.name); err != nil {
				c.log().Debug("MQTT unsubscribe failed", "topic", streaming.Excerpt(f.name), "error", err)
			}
		})
	}
}

// remove forgets f; the caller holds mu.
func (c *Client) remove(f *filter) {
	delete(c.filters, f.name)
	delete(c.byID, f.id)
	delete(c.wild, f.name)
}

// send subscribes f on connection gen and records the broker's
// confirmation; the caller holds ops. Only a *subackError means the
// broker refused: any other error leaves f to the resubscription after
// the next reconnect.
func (c *Client) send(f *filter, gen uint64) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.o.RequestTimeout)
	defer cancel()
	err := c.link.subscribe(ctx, f.name, f.id)
	var refused *subackError
	switch {
	case err == nil:
		c.mu.Lock()
		if f.gen == 0 {
			close(f.confirmed)
		}
		f.gen = gen
		c.mu.Unlock()
	case errors.As(err, &refused):
		c.log().Warn("MQTT broker refused a subscription", "topic", streaming.Excerpt(f.name), "error", refusal(f.name, refused))
	default:
		c.log().Debug("MQTT subscribe did not complete; retried after the next reconnect", "topic", streaming.Excerpt(f.name), "error", err)
	}
	return err
}

// resubscriber subscribes the live filters again after each reconnect.
func (c *Client) resubscriber() {
	defer c.wg.Done()
	for {
		select {
		case <-c.quit:
			return
		case <-c.resubscribe:
			c.restore()
		}
	}
}

// resubscribeConcurrency is how many SUBSCRIBEs a resubscription has in
// flight at once.
const resubscribeConcurrency = 8

// restore subscribes every live filter the current connection lacks.
func (c *Client) restore() {
	c.ops.Lock()
	defer c.ops.Unlock()
	c.mu.RLock()
	gen, connected := c.conns, c.up
	var todo []*filter
	for _, f := range c.filters {
		if f.gen != gen {
			todo = append(todo, f)
		}
	}
	c.mu.RUnlock()
	if !connected || len(todo) == 0 {
		return
	}
	var (
		wg   sync.WaitGroup
		down atomic.Bool
		work = make(chan *filter)
	)
	for range min(resubscribeConcurrency, len(todo)) {
		wg.Go(func() {
			for f := range work {
				if !down.Load() && errors.Is(c.send(f, gen), errNotConnected) {
					down.Store(true)
				}
			}
		})
	}
	for _, f := range todo {
		work <- f
	}
	close(work)
	wg.Wait()
	c.log().Debug("MQTT subscriptions restored", "filters", len(todo))
}

// connected is the link's event: a connection is up.
func (c *Client) connected() {
	c.mu.Lock()
	c.conns++
	first := c.conns == 1
	c.up = true
	c.lastErr = nil
	c.signalOutcome()
	c.mu.Unlock()
	if !first {
		c.reconnects.Add(1)
	}
	c.log().Info("MQTT connection up", "broker", c.k.addr, "reconnect", !first)
	select {
	case c.resubscribe <- struct{}{}:
	default:
	}
}

// lost is the link's event: the connection ended.
func (c *Client) lost(err error) {
	c.mu.Lock()
	c.up = false
	c.mu.Unlock()
	c.log().Warn("MQTT connection lost; reconnecting", "broker", c.k.addr, "error", err)
}

// attemptFailed is the link's event: an attempt failed.
func (c *Client) attemptFailed(err error) {
	ce := c.k.classify(err)
	c.failures.Add(1)
	c.mu.Lock()
	repeated := c.lastErr != nil && c.lastErr.Message == ce.Message
	c.lastErr = ce
	c.signalOutcome()
	c.mu.Unlock()
	if repeated {
		c.log().Debug("MQTT connection attempt failed", "broker", c.k.addr, "error", ce.Message)
	} else {
		c.log().Warn("MQTT connection attempt failed", "broker", c.k.addr, "error", ce.Message)
	}
}

// signalOutcome wakes those waiting for an attempt's outcome; the caller
// holds mu.
func (c *Client) signalOutcome() {
	close(c.outcome)
	c.outcome = make(chan struct{})
}

// message is the link's event: a message arrived. It hands the message to
// the queue of every subscriber it is for, without waiting.
func (c *Client) message(m Message, subID int) {
	c.messages.Add(1)
	c.mu.RLock()
	defer c.mu.RUnlock()
	if subID > 0 {
		// MQTT 5 names the subscription the copy is for; an identifier
		// no longer live is a subscription being removed.
		if f := c.byID[subID]; f != nil {
			deliver(f, m)
		}
		return
	}
	if f := c.filters[m.Topic]; f != nil {
		deliver(f, m)
	}
	for _, f := range c.wild {
		if match(f.name, m.Topic) {
			deliver(f, m)
		}
	}
}

func deliver(f *filter, m Message) {
	for _, s := range f.subs {
		s.push(m)
	}
}

// Stats are the client's state and counters now.
func (c *Client) Stats() Stats {
	c.mu.RLock()
	defer c.mu.RUnlock()
	st := Stats{
		Connected:       c.up,
		Reconnects:      c.reconnects.Load(),
		ConnectFailures: c.failures.Load(),
		Messages:        c.messages.Load(),
		Dropped:         c.dropped.Load(),
		Subscriptions:   len(c.filters),
	}
	for _, f := range c.filters {
		st.Subscribers += len(f.subs)
		if !c.up || f.gen != c.conns {
			st.Pending++
		}
	}
	if c.lastErr != nil {
		st.LastError = c.lastErr.Message
	}
	return st
}

// Close disconnects from the broker and ends every goroutine of the
// client, waiting for handlers under way to return; the subscriptions end
// with it, their waiting messages discarded. Calling it again does
// nothing. It must not be called from a handler.
func (c *Client) Close() {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		l := c.link
		var subs []*subscriber
		for _, f := range c.filters {
			subs = append(subs, f.subs...)
		}
		c.signalOutcome()
		c.mu.Unlock()
		close(c.quit)
		if l != nil {
			l.close()
		}
		c.mu.Lock()
		c.up = false
		c.mu.Unlock()
		for _, s := range subs {
			s.stop()
		}
		c.wg.Wait()
	})
}

// String names the client for logs: its settings, secrets redacted.
func (c *Client) String() string { return fmt.Sprintf("mqtt.Client(%s)", c.s) }
