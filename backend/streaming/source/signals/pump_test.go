package signals_test

import (
	"context"
	"errors"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// start is a virtual clock's first reading, between two grid points of
// every step used here.
var start = time.Date(2026, 11, 24, 12, 0, 0, 500_000, time.UTC)

// expectConsecutive checks that the packets hold consecutive grid points
// from first on, with the signal's values, and returns the next index.
func expectConsecutive(q signals.Query, packets []sent, first int64) int64 {
	want := first
	for _, p := range packets {
		Expect(p.frame.Fields).To(HaveLen(q.SeriesCount + 1))
		for row, t := range times(p.frame) {
			Expect(t).To(Equal(q.Time(want)))
			for s := range q.SeriesCount {
				Expect(p.frame.Fields[s+1].At(row)).To(Equal(q.Value(s, want)))
			}
			want++
		}
	}
	return want
}

var _ = Describe("Pump", func() {
	It("sends the schema once, then data only, with consecutive points and the signal's values", func() {
		q := query(signals.KindSine, func(q *signals.Query) { q.StepMs = 7; q.SeriesCount = 3 })
		_, packets := runVirtual(q, start, 20, signals.PumpOptions{})
		Expect(packets[0].withSchema).To(BeTrue())
		for _, p := range packets[1:] {
			Expect(p.withSchema).To(BeFalse())
		}
		expectConsecutive(q, packets, q.Index(start)+1)
	})

	It("streams a fast random walk with exactly Value's numbers across frames that share blocks", func() {
		q := query(signals.KindRandomWalk, func(q *signals.Query) { q.StepMs = 1; q.SeriesCount = 3; q.Seed = 11 })
		_, packets := runVirtual(q, start, 40, signals.PumpOptions{})
		Expect(expectConsecutive(q, packets, q.Index(start)+1)).To(BeNumerically(">", q.Index(start)+3*256))
	})

	It("starts after StartAfter, at once, with every point due since, and tells OnSent each frame's newest row", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs = 100 })
		after := q.Time(q.Index(start) - 7)
		var newest []time.Time
		_, packets := runVirtual(q, start, 3, signals.PumpOptions{
			StartAfter: after,
			OnSent:     func(t time.Time) { newest = append(newest, t) },
		})
		Expect(packets[0].at).To(Equal(start), "the points already due go out at once")
		Expect(times(packets[0].frame)[0]).To(Equal(after.Add(100 * time.Millisecond)))
		expectConsecutive(q, packets, q.Index(after)+1)
		Expect(newest).To(HaveLen(len(packets)))
		for i, p := range packets {
			ts := times(p.frame)
			Expect(newest[i]).To(Equal(ts[len(ts)-1]))
		}
	})

	It("ignores a StartAfter later than now", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs = 100 })
		_, packets := runVirtual(q, start, 2, signals.PumpOptions{StartAfter: start.Add(time.Hour)})
		expectConsecutive(q, packets, q.Index(start)+1)
	})

	It("sends each point of a slow signal at its own time, alone", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs = 1000 })
		_, packets := runVirtual(q, start, 5, signals.PumpOptions{})
		for _, p := range packets {
			Expect(p.frame.Rows()).To(Equal(1))
			Expect(p.at).To(Equal(times(p.frame)[0]))
		}
	})

	It("sends a fast signal as one frame per flush window, no point waiting longer than the window", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs = 1; q.FlushMs = 100 })
		_, packets := runVirtual(q, start, 12, signals.PumpOptions{})
		Expect(packets[0].frame.Rows()).To(Equal(1), "the first point goes out at once")
		for i, p := range packets[1:] {
			Expect(p.frame.Rows()).To(Equal(100))
			Expect(p.at.Sub(packets[i].at)).To(Equal(q.FlushWindow()))
		}
		for _, p := range packets {
			for _, t := range times(p.frame) {
				Expect(p.at.Sub(t)).To(BeNumerically("<=", q.FlushWindow()))
			}
		}
		expectConsecutive(q, packets, q.Index(start)+1)
	})

	It("sends a frame early when it fills up within the window", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs = 1; q.FlushMs = streaming.MaxFlushMs })
		_, packets := runVirtual(q, start, 6, signals.PumpOptions{MaxRowsPerFrame: 50})
		for _, p := range packets[1:] {
			Expect(p.frame.Rows()).To(Equal(50))
			rows := times(p.frame)
			Expect(p.at).To(Equal(rows[len(rows)-1]), "sent when its last row fell due")
		}
		expectConsecutive(q, packets, q.Index(start)+1)
	})

	It("drops and counts the oldest rows after the receiver fell behind, and sends the newest in bounded frames", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs = 1 })
		opts := signals.PumpOptions{MaxBacklog: 500, MaxRowsPerFrame: 64}
		stall := func(n int, clock *virtualClock) {
			if n == 1 {
				clock.now = clock.now.Add(time.Hour) // the receiver took an hour
			}
		}
		pump, packets := runVirtual(q, start, 1+8, opts, stall)
		stalledAt := packets[0].at.Add(time.Hour)
		lastDue := q.Index(stalledAt)
		stats := pump.Stats()
		Expect(stats.RowsDropped).To(Equal(lastDue - (q.Index(start) + 1) - int64(opts.MaxBacklog)))
		caughtUp := packets[1:]
		for _, p := range caughtUp {
			Expect(p.frame.Rows()).To(BeNumerically("<=", 64))
		}
		Expect(expectConsecutive(q, caughtUp, lastDue-int64(opts.MaxBacklog)+1)).To(Equal(lastDue + 1))
		Expect(stats.RowsSent).To(Equal(int64(1 + opts.MaxBacklog)))
	})

	It("bounds a wide query's catch-up frames in bytes as well as rows", func() {
		q := query(signals.KindRandomWalk, func(q *signals.Query) { q.StepMs = 1; q.SeriesCount = 16; q.FlushMs = 10 })
		stall := func(n int, clock *virtualClock) {
			if n == 1 {
				clock.now = clock.now.Add(time.Minute) // the receiver stalled
			}
		}
		pump, packets := runVirtual(q, start, 1+12, signals.PumpOptions{}, stall)
		for _, p := range packets[1:] {
			Expect(p.withSchema).To(BeFalse())
			Expect(p.bytes).To(BeNumerically("<=", streaming.DefaultMaxFrameBytes), "a frame of %d rows", p.frame.Rows())
			Expect(p.frame.Rows()).To(BeNumerically(">=", 50), "still a useful batch")
		}
		Expect(pump.Stats().RowsDropped).To(BeNumerically(">", 0))
		expectConsecutive(q, packets[1:], q.Index(packets[1].frame.Fields[0].At(0).(time.Time)))
	})

	It("keeps a full first frame, schema and all, within gRPC's 32 KiB buffers", func() {
		q := query(signals.KindRandomWalk, func(q *signals.Query) { q.StepMs = 1; q.SeriesCount = 16; q.FlushMs = 10 })
		_, packets := runVirtual(q, start, 3, signals.PumpOptions{StartAfter: start.Add(-5 * time.Second)})
		Expect(packets[0].withSchema).To(BeTrue())
		Expect(packets[0].frame.Rows()).To(BeNumerically(">=", 50), "a stream that starts behind catches up in full frames")
		Expect(packets[0].bytes).To(BeNumerically("<=", 32<<10-64))
	})

	It("counts frames, rows, bytes and drops in its stats and metrics, and the stream while it runs", func() {
		reg := prometheus.NewRegistry()
		metrics, err := streaming.NewMetrics(reg)
		Expect(err).NotTo(HaveOccurred())
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs = 1 })
		var activeWhileRunning float64
		probe := func(n int, clock *virtualClock) {
			activeWhileRunning = testutil.ToFloat64(metrics.ActiveStreams)
			if n == 2 {
				clock.now = clock.now.Add(time.Minute)
			}
		}
		pump, packets := runVirtual(q, start, 40, signals.PumpOptions{Metrics: metrics, MaxBacklog: 1000}, probe)
		stats := pump.Stats()
		var rows, bytes int64
		for _, p := range packets {
			rows += int64(p.frame.Rows())
			bytes += int64(p.bytes)
		}
		Expect(stats).To(Equal(signals.PumpStats{Frames: 40, RowsSent: rows, RowsDropped: stats.RowsDropped, BytesSent: bytes}))
		Expect(stats.RowsDropped).To(BeNumerically(">", 0))
		Expect(activeWhileRunning).To(Equal(1.0))
		Expect(testutil.ToFloat64(metrics.ActiveStreams)).To(Equal(0.0))
		Expect(testutil.ToFloat64(metrics.Frames)).To(Equal(40.0))
		Expect(testutil.ToFloat64(metrics.Rows)).To(Equal(float64(rows)))
		Expect(testutil.ToFloat64(metrics.Bytes)).To(Equal(float64(bytes)))
		Expect(testutil.ToFloat64(metrics.RowsDropped)).To(Equal(float64(stats.RowsDropped)))
		Expect(testutil.CollectAndCount(metrics.EncodeSeconds)).To(Equal(1))
	})

	It("shares its metrics between registrations with one registry", func() {
		reg := prometheus.NewRegistry()
		first, err := streaming.NewMetrics(reg)
		Expect(err).NotTo(HaveOccurred())
		second, err := streaming.NewMetrics(reg)
		Expect(err).NotTo(HaveOccurred())
		second.Frames.Inc()
		Expect(testutil.ToFloat64(first.Frames)).To(Equal(1.0))
	})

	It("returns the send error, never nil", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs = 10 })
		r := &recorder{err: errors.New("client gone")}
		err := signals.NewPump(q, r, signals.PumpOptions{}).Run(context.Background())
		Expect(err).To(MatchError(ContainSubstring("client gone")))
	})

	It("streams on the wall clock by default", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs = 20 })
		ctx, cancel := context.WithCancel(context.Background())
		r := &recorder{onSend: func(n int) {
			if n == 3 {
				cancel()
			}
		}}
		before := time.Now()
		Expect(signals.NewPump(q, r, signals.PumpOptions{}).Run(ctx)).To(MatchError(context.Canceled))
		packets := r.snapshot()
		Expect(packets).To(HaveLen(3))
		Expect(times(packets[0].frame)[0]).To(BeTemporally(">", before))
		expectConsecutive(q, packets, q.Index(times(packets[0].frame)[0]))
	})

	It("returns ctx.Err() promptly when cancelled while waiting for a slow signal", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs = signals.MaxStepMs })
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		r := &recorder{}
		Expect(signals.NewPump(q, r, signals.PumpOptions{}).Run(ctx)).To(MatchError(context.DeadlineExceeded))
		Expect(r.snapshot()).To(BeEmpty())
	})
})
