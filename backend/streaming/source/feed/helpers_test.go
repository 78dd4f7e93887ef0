package feed_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
)

// memUpstream is an Upstream in memory: what a broker would deliver is
// published by the spec. Each subscription's handler runs on a goroutine
// of its own, one message at a time, as the contract says.
type memUpstream struct {
	mu           sync.Mutex
	subs         map[*memSub]struct{}
	retained     map[string]string // series → payload, sent to each new subscription
	subscribes   int
	unsubscribes int
	closed       bool
	connected    bool
	reconnects   uint64
	healthErr    error
	wg           sync.WaitGroup
	// slow, when set, holds up subscriptions to targets holding "slow"
	// until it is closed.
	slow chan struct{}
	// stored are the messages a JetStream-like upstream keeps, replayed
	// to subscriptions that ask for them (Since) when storing is on.
	storing bool
	stored  []feed.Message
	// slowReplay, when set, holds every replay's end until it is closed.
	slowReplay chan struct{}
	// subscriptions are the Subscribe calls' subscriptions, in order.
	subscriptions []feed.Subscription
	// storedCalls are the Stored calls, in order; storedErr, when set, is
	// what Stored fails with.
	storedCalls []storedCall
	storedErr   error
	// confirm, when set, is every subscription's Subscribed.Confirmed, as
	// a broker's SUBACK that has not come yet: retained messages follow
	// when it is closed.
	confirm chan struct{}
}

type memSub struct {
	target   string
	handler  func(feed.Message)
	queue    chan feed.Message
	replayed chan struct{} // closed after the replay
	// slowReplay is the upstream's slowReplay when subscribed.
	slowReplay chan struct{}
}

func newMemUpstream() *memUpstream {
	return &memUpstream{subs: map[*memSub]struct{}{}, retained: map[string]string{}, connected: true}
}

func (u *memUpstream) Subscribe(sub feed.Subscription, handler func(feed.Message)) (feed.Subscribed, error) {
	target := sub.Target
	u.mu.Lock()
	u.subscriptions = append(u.subscriptions, sub)
	slow := u.slow
	u.mu.Unlock()
	if slow != nil && strings.Contains(target, "slow") {
		<-slow
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return feed.Subscribed{}, errors.New("closed")
	}
	if strings.Contains(target, "refuse") {
		return feed.Subscribed{}, errors.New("the broker refused the subscription: not authorized")
	}
	s := &memSub{target: target, handler: handler, queue: make(chan feed.Message, 1<<16)}
	u.subs[s] = struct{}{}
	u.subscribes++
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		for m := range s.queue {
			if m.Series == "" && m.Payload == nil {
				if s.slowReplay != nil {
					<-s.slowReplay
				}
				close(s.replayed)
				continue
			}
			s.handler(m)
		}
	}()
	retain := func() {
		for series, payload := range u.retained {
			if matches(target, series) {
				s.queue <- feed.Message{Series: series, Payload: []byte(payload), Arrival: time.Now(), Retained: true}
			}
		}
	}
	if confirm := u.confirm; confirm != nil {
		go func() {
			<-confirm
			u.mu.Lock()
			defer u.mu.Unlock()
			if _, ok := u.subs[s]; ok {
				retain()
			}
		}()
	} else {
		retain()
	}
	var replayed chan struct{}
	if u.storing && !sub.Since.IsZero() {
		var replay []feed.Message
		for _, m := range u.stored {
			if matches(target, m.Series) && !m.Arrival.Before(sub.Since) {
				replay = append(replay, m)
			}
		}
		if len(replay) > sub.MaxReplay {
			replay = replay[len(replay)-sub.MaxReplay:]
		}
		replayed = make(chan struct{})
		s.replayed, s.slowReplay = replayed, u.slowReplay
		for _, m := range replay {
			s.queue <- m
		}
		s.queue <- feed.Message{} // the handler goroutine closes replayed here
	}
	var once sync.Once
	unsubscribe := func() {
		once.Do(func() {
			u.mu.Lock()
			defer u.mu.Unlock()
			delete(u.subs, s)
			u.unsubscribes++
			close(s.queue)
		})
	}
	if replayed == nil {
		return feed.Subscribed{Unsubscribe: unsubscribe, Confirmed: u.confirm}, nil
	}
	return feed.Subscribed{Unsubscribe: unsubscribe, Replayed: replayed, Confirmed: u.confirm}, nil
}

// confirmNow closes confirm, once.
func (u *memUpstream) confirmNow() {
	u.mu.Lock()
	defer u.mu.Unlock()
	select {
	case <-u.confirm:
	default:
		close(u.confirm)
	}
}

// store keeps a message for replays and delivers it live.
func (u *memUpstream) store(series, payload string, arrival time.Time) {
	u.mu.Lock()
	u.storing = true
	u.stored = append(u.stored, feed.Message{Series: series, Payload: []byte(payload), Arrival: arrival})
	u.mu.Unlock()
	u.publishAt(series, payload, arrival)
}

// Stored makes memUpstream a Store of what store kept, once it kept
// something.
func (u *memUpstream) Stored(ctx context.Context, sub feed.Subscription, until time.Time) ([]feed.Message, bool, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.storedCalls = append(u.storedCalls, storedCall{sub: sub, until: until})
	switch {
	case u.storedErr != nil:
		return nil, false, u.storedErr
	case !u.storing:
		return nil, false, nil
	case ctx.Err() != nil:
		return nil, false, ctx.Err()
	}
	var out []feed.Message
	for _, m := range u.stored {
		if matches(sub.Target, m.Series) && !m.Arrival.Before(sub.Since) && m.Arrival.Before(until) {
			out = append(out, m)
		}
	}
	if sub.MaxReplay > 0 && len(out) > sub.MaxReplay {
		out = out[len(out)-sub.MaxReplay:]
	}
	return out, true, nil
}

// storedCall is one call of Stored.
type storedCall struct {
	sub   feed.Subscription
	until time.Time
}

// calls are the Stored calls so far.
func (u *memUpstream) calls() []storedCall {
	u.mu.Lock()
	defer u.mu.Unlock()
	return slices.Clone(u.storedCalls)
}

// lastSubscription is the newest Subscribe call's subscription.
func (u *memUpstream) lastSubscription() feed.Subscription {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.subscriptions[len(u.subscriptions)-1]
}

func (u *memUpstream) Health(context.Context) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.healthErr
}

func (u *memUpstream) Stats() feed.UpstreamStats {
	u.mu.Lock()
	defer u.mu.Unlock()
	return feed.UpstreamStats{Connected: u.connected, Reconnects: u.reconnects}
}

func (u *memUpstream) Close() {
	u.mu.Lock()
	u.closed = true
	u.mu.Unlock()
	u.wg.Wait()
}

// publish delivers payload on series to every subscription matching it,
// with the given arrival time (now when zero).
func (u *memUpstream) publishAt(series, payload string, arrival time.Time) {
	if arrival.IsZero() {
		arrival = time.Now()
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	for s := range u.subs {
		if matches(s.target, series) {
			s.queue <- feed.Message{Series: series, Payload: []byte(payload), Arrival: arrival}
		}
	}
}

func (u *memUpstream) publish(series, payload string) { u.publishAt(series, payload, time.Time{}) }

// resend delivers payload on series as a retained copy, as a broker does
// after a reconnect.
func (u *memUpstream) resend(series, payload string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	for s := range u.subs {
		if matches(s.target, series) {
			s.queue <- feed.Message{Series: series, Payload: []byte(payload), Arrival: time.Now(), Retained: true}
		}
	}
}

// live is how many subscriptions are open.
func (u *memUpstream) live() int {
	u.mu.Lock()
	defer u.mu.Unlock()
	return len(u.subs)
}

// matches is MQTT's topic matching, enough for the specs.
func matches(filter, topic string) bool {
	f, t := strings.Split(filter, "/"), strings.Split(topic, "/")
	for i, level := range f {
		if level == "#" {
			return true
		}
		if i >= len(t) || (level != "+" && level != t[i]) {
			return false
		}
	}
	return len(f) == len(t)
}

// specOptions are a feed's options as the MQTT source sets them, with a
// Check that refuses filters under "secret/" and malformed ones with "!".
func specOptions(s feed.Settings, m *streaming.Metrics) feed.Options {
	return feed.Options{
		Name:   "mqtt",
		Target: "topic",
		Label:  "topic",
		Check: func(target string) error {
			switch {
			case strings.Contains(target, "!"):
				return &streaming.FieldError{Field: "topic", Reason: "not a topic filter", Kind: streaming.ErrMalformed}
			case strings.HasPrefix(target, "secret/"):
				return &streaming.FieldError{Field: "topic", Reason: "not covered by allowedTopics", Kind: streaming.ErrOutOfBounds}
			}
			return nil
		},
		Wildcard:         func(t string) bool { return strings.ContainsAny(t, "+#") },
		Settings:         s,
		Metrics:          m,
		FirstMessageWait: 200 * time.Millisecond,
		SubscribeWait:    time.Second,
		SweepEvery:       20 * time.Millisecond,
	}
}

// newFeed makes a feed over a new memUpstream; its taps linger an hour
// unless s sets a linger.
func newFeed(s feed.Settings) (*feed.Feed, *memUpstream, *streaming.Metrics) {
	if s.Linger == 0 {
		s.Linger = time.Hour
	}
	m, err := streaming.NewMetrics(prometheus.NewRegistry())
	Expect(err).NotTo(HaveOccurred())
	up := newMemUpstream()
	f := feed.New(source.Settings{UID: "uid-of-the-spec"}, up, specOptions(s, m))
	return f, up, m
}

// query is a query's JSON.
func query(fields map[string]any) []byte {
	raw, err := json.Marshal(fields)
	Expect(err).NotTo(HaveOccurred())
	return raw
}

// runStream admits a viewer of path, as Grafana does first, then runs the
// channel's stream into a new recorder until the spec ends: the stream
// sends every row after the viewer's.
func runStream(f *feed.Feed, path string) (*feedtest.Recorder, <-chan error) {
	GinkgoHelper()
	_, err := f.Admit(path, time.Now())
	Expect(err).NotTo(HaveOccurred())
	return restartStream(f, path)
}

// restartStream runs the channel's stream into a new recorder until the
// spec ends, without admitting a viewer first: as Grafana restarts a
// stream that failed.
func restartStream(f *feed.Feed, path string) (*feedtest.Recorder, <-chan error) {
	rec := &feedtest.Recorder{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Stream(ctx, path, rec) }()
	DeferCleanup(func() {
		cancel()
		Eventually(done).WithTimeout(10 * time.Second).Should(Receive())
	})
	return rec, done
}

// upTo are the numbers from … to as text.
func upTo(from, to int) []string {
	var out []string
	for n := from; n <= to; n++ {
		out = append(out, strconv.Itoa(n))
	}
	return out
}
