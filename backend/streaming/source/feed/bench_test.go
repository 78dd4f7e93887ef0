package feed_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
)

// handlerUpstream is an Upstream whose one subscription's handler the
// benchmark calls itself, on its own goroutine, as a source's reader does.
type handlerUpstream struct {
	mu         sync.Mutex
	handler    func(feed.Message)
	subscribed chan struct{}
}

func (u *handlerUpstream) Subscribe(_ feed.Subscription, handler func(feed.Message)) (feed.Subscribed, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.handler = handler
	close(u.subscribed)
	return feed.Subscribed{Unsubscribe: func() {}}, nil
}

func (u *handlerUpstream) Health(context.Context) error { return nil }
func (u *handlerUpstream) Stats() feed.UpstreamStats    { return feed.UpstreamStats{Connected: true} }
func (u *handlerUpstream) Close()                       {}

// countingSender counts the packets a stream sends and drops them.
type countingSender struct{ packets, bytes int }

func (s *countingSender) SendBytes(p []byte) error {
	s.packets++
	s.bytes += len(p)
	return nil
}

// BenchmarkFeedStream is the per-message path of a push source at
// saturation, as pulse-bench's feed sections drive it: each message
// ({"sent":<ns>,"v":<n>}, the benchmark's payload) handed to the tap's
// handler, decoded, kept in the history and sent by one stream with the
// default flush window, which runs on a goroutine of its own. ns/op is the
// handler's time; cpu-ns/op is the process's CPU time (handler, stream,
// encoder and garbage collector) per message, what the benchmark's CPU
// per row counts.
func BenchmarkFeedStream(b *testing.B) {
	m, err := streaming.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		b.Fatal(err)
	}
	up := &handlerUpstream{subscribed: make(chan struct{})}
	f := feed.New(source.Settings{UID: "bench"}, up, feed.Options{
		Name: "http", Target: "path", Label: "path", Metrics: m, Settings: feed.Settings{Linger: time.Hour},
	})
	defer f.Close()
	now := time.Now()
	q, err := f.Query([]byte(`{"path":"/bench","withStreaming":true,"flushMs":100}`), source.Range{From: now.Add(-time.Hour), To: now})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.Admit(q.Path(), now); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.Stream(ctx, q.Path(), &countingSender{}) }()
	defer func() {
		cancel()
		<-done
	}()
	<-up.subscribed
	up.mu.Lock()
	handle := up.handler
	up.mu.Unlock()
	payloads := make([][]byte, 1024)
	for i := range payloads {
		payloads[i] = []byte(`{"sent":` + strconv.FormatInt(now.UnixNano()+int64(i)*1000, 10) + `,"v":` + strconv.Itoa(i) + `}`)
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu := feedtest.CPUTime(b)
	n := 0
	for b.Loop() {
		handle(feed.Message{Series: "/bench", Payload: payloads[n%len(payloads)], Arrival: time.Now()})
		n++
	}
	// The stream sends the last rows within a flush window.
	deadline := time.Now().Add(10 * time.Second)
	for testutil.ToFloat64(m.Rows) < float64(n) && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if sent := testutil.ToFloat64(m.Rows); sent < float64(n) {
		b.Fatalf("the stream sent %v rows of %d", sent, n)
	}
	b.ReportMetric(float64(feedtest.CPUTime(b)-cpu)/float64(n), "cpu-ns/op")
}
