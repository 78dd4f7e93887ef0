package streaming_test

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// recorder is a FrameSender that keeps what it was sent.
type recorder struct {
	mu       sync.Mutex
	frames   []*data.Frame
	includes []data.FrameInclude
	delay    time.Duration
	err      error
}

func (r *recorder) SendFrame(f *data.Frame, include data.FrameInclude) error {
	time.Sleep(r.delay)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.frames = append(r.frames, f)
	r.includes = append(r.includes, include)
	return r.err
}

func (r *recorder) snapshot() ([]*data.Frame, []data.FrameInclude) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*data.Frame(nil), r.frames...), append([]data.FrameInclude(nil), r.includes...)
}

// runPump runs a pump in the background and returns a function that
// cancels it and returns Run's error.
func runPump(q streaming.Query, r *recorder, opts streaming.PumpOptions) (*streaming.Pump, func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	pump := streaming.NewPump(q, r, opts)
	done := make(chan error, 1)
	go func() { done <- pump.Run(ctx) }()
	return pump, func() error {
		cancel()
		var err error
		Eventually(done, 2*time.Second).Should(Receive(&err))
		return err
	}
}

var _ = Describe("Pump", func() {
	It("sends the schema once, then data, with consecutive grid points and the signal's values", func() {
		q := query(streaming.KindCounter, func(q *streaming.Query) { q.StepMs = 20; q.SeriesCount = 2 })
		start := time.Now()
		r := &recorder{}
		_, stop := runPump(q, r, streaming.PumpOptions{})
		Eventually(func() int { f, _ := r.snapshot(); return len(f) }, 5*time.Second).Should(BeNumerically(">=", 4))
		Expect(stop()).To(MatchError(context.Canceled))

		frames, includes := r.snapshot()
		Expect(includes[0]).To(Equal(data.IncludeAll))
		for _, inc := range includes[1:] {
			Expect(inc).To(Equal(data.IncludeDataOnly))
		}
		want := q.Index(start) + 1
		for _, f := range frames {
			Expect(f.Fields).To(HaveLen(3))
			for row, t := range times(f) {
				Expect(q.Index(t)).To(Equal(want))
				Expect(t).To(Equal(q.Time(want)))
				Expect(f.Fields[1].At(row)).To(Equal(q.Value(0, want)))
				Expect(f.Fields[2].At(row)).To(Equal(q.Value(1, want)))
				want++
			}
		}
	})

	It("batches fast signals into few frames", func() {
		q := query(streaming.KindCounter, func(q *streaming.Query) { q.StepMs = 1 })
		r := &recorder{}
		pump, stop := runPump(q, r, streaming.PumpOptions{MinFlushInterval: 100 * time.Millisecond})
		Eventually(func() int { f, _ := r.snapshot(); return len(f) }, 5*time.Second).Should(BeNumerically(">=", 3))
		Expect(stop()).To(MatchError(context.Canceled))
		stats := pump.Stats()
		Expect(stats.RowsSent).To(BeNumerically(">", 3*stats.Frames), "rows per frame")
		frames, _ := r.snapshot()
		for _, f := range frames[1:] {
			Expect(f.Rows()).To(BeNumerically(">", 1))
		}
	})

	It("drops and counts the oldest points when the sender is slower than the signal", func() {
		q := query(streaming.KindCounter, func(q *streaming.Query) { q.StepMs = 1 })
		r := &recorder{delay: 150 * time.Millisecond}
		pump, stop := runPump(q, r, streaming.PumpOptions{MaxBacklog: 20, MaxRowsPerFrame: 8})
		Eventually(func() int { f, _ := r.snapshot(); return len(f) }, 5*time.Second).Should(BeNumerically(">=", 8))
		Expect(stop()).To(MatchError(context.Canceled))
		stats := pump.Stats()
		Expect(stats.RowsDropped).To(BeNumerically(">", 0))
		frames, _ := r.snapshot()
		var rows int64
		for _, f := range frames {
			Expect(f.Rows()).To(BeNumerically("<=", 8))
			rows += int64(f.Rows())
		}
		Expect(rows).To(Equal(stats.RowsSent))
	})

	It("returns the send error, never nil", func() {
		q := query(streaming.KindCounter, func(q *streaming.Query) { q.StepMs = 10 })
		r := &recorder{err: errors.New("client gone")}
		err := streaming.NewPump(q, r, streaming.PumpOptions{}).Run(context.Background())
		Expect(err).To(MatchError(ContainSubstring("client gone")))
	})

	It("returns ctx.Err() promptly when cancelled while waiting for a slow signal", func() {
		q := query(streaming.KindCounter, func(q *streaming.Query) { q.StepMs = streaming.MaxStepMs })
		r := &recorder{}
		_, stop := runPump(q, r, streaming.PumpOptions{})
		Expect(stop()).To(MatchError(context.Canceled))
		frames, _ := r.snapshot()
		Expect(frames).To(BeEmpty())
	})
})
