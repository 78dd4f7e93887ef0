package bench

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
)

// FeedCadence is how late a Pulse feed stream sends rows that come at a
// steady period, timed in the benchmark process over an in-memory
// upstream, without MQTT or gRPC: what the stream's flush rule alone adds.
type FeedCadence struct {
	// Period is the time between two rows; FlushMs the stream's window.
	Period  time.Duration
	FlushMs int64
	// Rows were handed to the stream; All summarises each row's latency,
	// from its hand-over to the end of the send that carried it, and
	// FirstTenth and LastTenth those of the first and the last tenth.
	Rows                       int
	All, FirstTenth, LastTenth Distribution
}

// MeasureFeedCadence hands rows rows, one every period, to a Pulse feed
// (package feed, as the MQTT source builds it) on one topic, whose one
// stream of flushMs sends them to a sender that only notes when each send
// ended.
func MeasureFeedCadence(ctx context.Context, period time.Duration, flushMs int64, rows int) (FeedCadence, error) {
	result := FeedCadence{Period: period, FlushMs: flushMs, Rows: rows}
	up := &memoryUpstream{}
	f := feed.New(source.Settings{UID: "bench-cadence"}, up, feed.Options{Name: "mqtt", Target: "topic", Label: "topic"})
	defer f.Close()
	path := PulseMQTTPath("cadence", flushMs)
	if _, err := f.Admit(path, time.Now()); err != nil {
		return result, err
	}
	sends := &sendTimes{}
	streamCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- f.Stream(streamCtx, path, sends) }()
	stop := func() error {
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			return err
		}
		return nil
	}
	// Let the stream start listening.
	if err := sleep(ctx, 50*time.Millisecond); err != nil {
		_ = stop()
		return result, err
	}
	handed := make([]time.Time, rows)
	start := time.Now()
	for i := range rows {
		if err := sleep(ctx, time.Until(start.Add(time.Duration(i)*period))); err != nil {
			_ = stop()
			return result, err
		}
		handed[i] = time.Now()
		up.deliver(feed.Message{Series: "cadence", Payload: []byte(`{"v":1}`), Arrival: handed[i]})
	}
	// The last row goes within a window.
	if err := sleep(ctx, time.Duration(flushMs)*time.Millisecond+50*time.Millisecond); err != nil {
		_ = stop()
		return result, err
	}
	if err := stop(); err != nil {
		return result, err
	}
	latencies, err := sends.latencies(handed)
	if err != nil {
		return result, err
	}
	tenth := max(len(latencies)/10, 1)
	result.All = Summarize(append([]time.Duration(nil), latencies...))
	result.FirstTenth = Summarize(append([]time.Duration(nil), latencies[:tenth]...))
	result.LastTenth = Summarize(append([]time.Duration(nil), latencies[len(latencies)-tenth:]...))
	return result, nil
}

// memoryUpstream is a feed.Upstream of one subscription whose messages
// the caller hands over.
type memoryUpstream struct {
	mu      sync.Mutex
	handler func(feed.Message)
}

func (u *memoryUpstream) Subscribe(_ feed.Subscription, handler func(feed.Message)) (feed.Subscribed, error) {
	u.mu.Lock()
	u.handler = handler
	u.mu.Unlock()
	return feed.Subscribed{Unsubscribe: func() {
		u.mu.Lock()
		u.handler = nil
		u.mu.Unlock()
	}}, nil
}

func (u *memoryUpstream) deliver(m feed.Message) {
	u.mu.Lock()
	h := u.handler
	u.mu.Unlock()
	if h != nil {
		h(m)
	}
}

func (*memoryUpstream) Health(context.Context) error { return nil }
func (*memoryUpstream) Stats() feed.UpstreamStats    { return feed.UpstreamStats{Connected: true} }
func (*memoryUpstream) Close()                       {}

// sendTimes notes each packet's rows and when its send ended.
type sendTimes struct {
	mu    sync.Mutex
	rows  []int
	times []time.Time
}

func (s *sendTimes) SendBytes(packet []byte) error {
	rows, err := CountRows(packet)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.rows = append(s.rows, rows)
	s.times = append(s.times, time.Now())
	s.mu.Unlock()
	return nil
}

// latencies assigns the rows handed over at handed, in order, to the
// packets in order, and returns each row's latency: the end of its
// packet's send less its hand-over.
func (s *sendTimes) latencies(handed []time.Time) ([]time.Duration, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []time.Duration
	row := 0
	for i, n := range s.rows {
		for range n {
			if row >= len(handed) {
				return nil, errors.New("the stream sent more rows than it was given")
			}
			out = append(out, s.times[i].Sub(handed[row]))
			row++
		}
	}
	if row != len(handed) {
		return nil, errors.New("the stream did not send every row it was given")
	}
	return out, nil
}
