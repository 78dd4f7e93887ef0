package bench_test

import (
	"context"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

// stalled is a stalled-stream result of bytesPerStream over streams.
func stalled(streams int, bytesPerStream int64, settled bool) bench.Stalled {
	n := float64(streams)
	return bench.Stalled{
		Streams: streams, Behind: 2 * time.Second, BaselineRSS: 25 << 20, RSS: 25<<20 + int64(streams)*bytesPerStream,
		Settled: settled, SettledAfter: 4 * time.Second, PluginCPU: 50 * time.Millisecond, CPUElapsed: 5 * time.Second,
		Running: n, FramesSent: 20 * n, BytesSent: 20 * n * 300_000,
		BaselineRuntime: bench.Runtime{Goroutines: 20, StackBytes: 1 << 20, HeapBytes: 4 << 20},
		LoadedRuntime:   bench.Runtime{Goroutines: 20 + n, StackBytes: 1<<20 + 8192*n, HeapBytes: 4<<20 + 0.9*float64(bytesPerStream)*n},
	}
}

// worst is a worst-request result: the answered run's peak growth, and how
// long the cancelled run stayed busy after the cancel.
func worst(queries int, growth int64, busy time.Duration) *bench.WorstQuery {
	base := bench.Memory{RSS: 30 << 20, HWM: 32 << 20}
	return &bench.WorstQuery{
		Queries: queries, Span: 24 * time.Hour, CancelAfter: time.Second,
		MaxRSS: 4_000_000_000, MaxTime: time.Minute, MaxResponseBytes: 256_000_000,
		Answered: bench.WorstRun{Baseline: base, PeakHWM: base.RSS + growth, Elapsed: 800 * time.Millisecond,
			Frames: 1, Errors: queries - 1, ResponseBytes: 14_400_000},
		Cancelled: bench.WorstRun{Baseline: base, PeakHWM: base.RSS + growth, CallError: status.Error(codes.Canceled, "context canceled"),
			BusyAfterCancel: busy, CPUAfterCancel: busy, CPUStopped: true, CPUBeforeCancel: 900 * time.Millisecond},
	}
}

var _ = Describe("Report, stalled streams and the worst request", func() {
	It("passes targets met exactly, at 500 streams and 100 queries only", func() {
		r := baseReport()
		onTime := stalled(500, 400_000, true)
		onTime.Behind = 0
		r.Stalled = []bench.Stalled{stalled(100, 300_000, true), stalled(500, 256_000, true), onTime}
		r.WorstQuery = worst(100, 512_000_000, time.Second)
		v := verdicts(r)
		Expect(v).To(HaveLen(3), "one stalled target (500 streams started behind), two for the worst request")
		for target, verdict := range v {
			Expect(verdict).To(Equal(bench.Pass), target)
		}
		md := r.Markdown()
		for _, want := range []string{
			"## Stalled streams", "## The worst QueryData request", "`v1/randomWalk/s=1/r=1/n=16/f=10`", `{"maxStreams":1000}`,
			"fixed at gRPC's initial 64 KiB", "256.0 KB", "1 with frames, 99 with errors (14 MB)", "none: cancelled",
			"busy 1.0 s after the cancel", "100 queries `{\"stepMs\":1,\"seriesCount\":16}` over one day", "None in this run.",
		} {
			Expect(md).To(ContainSubstring(want))
		}
		Expect(md).To(MatchRegexp(`\|\s+500 \| 2 s behind \|.*\| +256\.0 KB \| PASS`))
		Expect(md).To(MatchRegexp(`\|\s+500 \| at once +\|.*\| +400\.0 KB \| +\|`))

		r.WorstQuery = worst(30, 2_000_000_000, 20*time.Second)
		Expect(verdicts(r)).To(HaveLen(1), "the request's targets apply to the worst one only")
	})

	It("says by how much and why each target missed", func() {
		r := baseReport()
		r.Stalled = []bench.Stalled{stalled(500, 3_500_000, true)}
		r.WorstQuery = worst(100, 1_024_000_000, 3500*time.Millisecond)
		for target, verdict := range verdicts(r) {
			Expect(verdict).To(Equal(bench.Miss), target)
		}
		_, misses, found := strings.Cut(r.Markdown(), "## Misses")
		Expect(found).To(BeTrue())
		for _, want := range []string{
			"1267 % over the target", // 3.5 MB against 256 KB
			"3150.0 KB of heap in use",
			"frames of 300.0 KB on average",
			"a frame of more than 32 KiB waits in a 1 MiB buffer",
			"100 % over the target", // 1 024 MB against 512 MB
			"holds a whole answer at once",
			"went on for 3.5 s and used 3.5 s of CPU",
		} {
			Expect(misses).To(ContainSubstring(want))
		}
	})

	It("misses a figure that did not settle, and a run that was stopped, whatever they measured", func() {
		r := baseReport()
		r.Stalled = []bench.Stalled{stalled(500, 100_000, false)}
		w := worst(100, 100_000_000, 0)
		w.Answered.Exceeded, w.Answered.Stopped, w.Answered.Frames, w.Answered.Errors, w.Answered.ResponseBytes = "its resident memory passed 4 000 MB", true, 0, 0, 0
		w.Cancelled.CPUStopped, w.Cancelled.Exceeded = false, "1 min passed"
		r.WorstQuery = w
		for target, verdict := range verdicts(r) {
			Expect(verdict).To(Equal(bench.Miss), target)
		}
		md := r.Markdown()
		for _, want := range []string{
			"had not settled after 4 s", "not in 4.0 s",
			"at least 100 MB (stopped: its resident memory passed 4 000 MB)", "none: stopped after 0.8 s",
			"still busy when stopped (1 min passed)",
		} {
			Expect(md).To(ContainSubstring(want))
		}
	})

	It("names the answer the host refused as too large, with its size", func() {
		err := status.Error(codes.ResourceExhausted, "grpc: received message larger than max (1434000123 vs. 256000000)")
		size, ok := bench.RefusedSize(err)
		Expect(ok).To(BeTrue())
		Expect(size).To(Equal(int64(1434000123)))
		_, ok = bench.RefusedSize(status.Error(codes.Canceled, "context canceled"))
		Expect(ok).To(BeFalse())
		_, ok = bench.RefusedSize(nil)
		Expect(ok).To(BeFalse())

		r := baseReport()
		w := worst(100, 3_000_000_000, 0)
		w.Answered.CallError, w.Answered.Frames, w.Answered.Errors = err, 0, 0
		r.WorstQuery = w
		Expect(r.Markdown()).To(ContainSubstring("1 434 MB, more than the host accepts (256 MB)"))
	})

	It("says which sections a partial run holds", func() {
		r := baseReport()
		r.Sections = []string{"stalled", "worstquery"}
		Expect(r.Markdown()).To(MatchRegexp("\\| sections +\\| stalled, worstquery only \\(`-sections`\\): the others did not run"))
	})

	It("builds the worst request: distinct refIds, one day, maxDataPoints far beyond a panel", func() {
		now := time.UnixMilli(1_800_000_000_123)
		req := bench.WorstQueryRequest(3, 24*time.Hour, now)
		Expect(req.GetQueries()).To(HaveLen(3))
		for i, q := range req.GetQueries() {
			Expect(q.GetRefId()).To(Equal([]string{"Q1", "Q2", "Q3"}[i]))
			Expect(q.GetMaxDataPoints()).To(Equal(int64(bench.WorstMaxDataPoints)))
			Expect(q.GetTimeRange().GetToEpochMS() - q.GetTimeRange().GetFromEpochMS()).To(Equal(int64(86_400_000)))
			Expect(string(q.GetJson())).To(ContainSubstring(`"stepMs":1`))
			Expect(string(q.GetJson())).To(ContainSubstring(`"seriesCount":16`))
		}
	})
})

var _ = Describe("Stalled streams and the worst request, against the real plugin", func() {
	It("measures stalled streams on a fresh plugin process: every one runs, the memory settles", func(ctx SpecContext) {
		s, err := bench.MeasureStalled(ctx, pulseBinary, 4, bench.StalledOptions{
			Settle: 200 * time.Millisecond, Quiet: time.Second, MaxWait: 30 * time.Second, CPUWindow: 500 * time.Millisecond,
		})
		Expect(err).NotTo(HaveOccurred(), "MeasureStalled fails unless the plugin runs every stream")
		Expect(s.Streams).To(Equal(4))
		Expect(s.Running).To(Equal(4.0))
		Expect(s.BaselineRSS).To(BeNumerically(">", 0))
		Expect(s.RSS).To(BeNumerically(">", 0))
		Expect(s.FramesSent).To(BeNumerically(">=", 4), "every stream sent before it stalled")
		Expect(s.FrameBytes()).To(BeNumerically(">", 0))
		Expect(s.CPUElapsed).To(BeNumerically(">=", 500*time.Millisecond))
		Expect(s.LoadedRuntime.HeapBytes).To(BeNumerically(">", 0))
		if !s.Settled {
			Expect(s.SettledAfter).To(BeNumerically(">=", 30*time.Second), "gave up only at MaxWait")
		}
	}, SpecTimeout(2*time.Minute))

	It("starts stalled streams behind, so that they stall catching up, with frames larger than one flush window's", func(ctx SpecContext) {
		s, err := bench.MeasureStalled(ctx, pulseBinary, 3, bench.StalledOptions{
			Settle: 200 * time.Millisecond, Quiet: time.Second, MaxWait: 30 * time.Second, CPUWindow: 200 * time.Millisecond, Behind: time.Second,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Behind).To(Equal(time.Second))
		Expect(s.Running).To(Equal(3.0))
		// One flush window at 1 kHz is 10 rows of 16 series, about 3 KB; a
		// second behind, a stream's first frames hold far more.
		Expect(s.FrameBytes()).To(BeNumerically(">", 20_000))
	}, SpecTimeout(2*time.Minute))

	It("measures a request answered and one given up, each on a fresh plugin process", func(ctx SpecContext) {
		w, err := bench.MeasureWorstQuery(ctx, pulseBinary, bench.WorstQueryOptions{
			Queries: 2, Span: 30 * time.Second, CancelAfter: 200 * time.Millisecond, Quiet: 500 * time.Millisecond, Settle: 200 * time.Millisecond,
		})
		Expect(err).NotTo(HaveOccurred())
		a, c := w.Answered, w.Cancelled
		Expect(a.Exceeded).To(BeEmpty())
		Expect(a.CallError).NotTo(HaveOccurred())
		Expect(a.Frames).To(Equal(2), "30 s of 16 series at 1 ms is well within any budget")
		Expect(a.ResponseBytes).To(BeNumerically(">", 30_000*8))
		Expect(a.Baseline.RSS).To(BeNumerically(">", 0))
		Expect(a.PeakHWM).To(BeNumerically(">=", a.Baseline.HWM))
		Expect(a.Elapsed).To(BeNumerically(">", 0))
		Expect(c.Exceeded).To(BeEmpty())
		Expect(c.CPUStopped).To(BeTrue())
		if c.AnsweredBeforeCancel {
			Expect(c.Frames).To(Equal(2))
		} else {
			Expect(status.Code(c.CallError)).To(Equal(codes.Canceled))
		}
	}, SpecTimeout(2*time.Minute))

	It("stops a run that passes its memory bound, and says so", func(ctx SpecContext) {
		w, err := bench.MeasureWorstQuery(ctx, pulseBinary, bench.WorstQueryOptions{
			Queries: 2, Span: 30 * time.Second, MaxRSS: 1, Settle: 200 * time.Millisecond, Quiet: 500 * time.Millisecond,
		})
		Expect(err).NotTo(HaveOccurred())
		Expect(w.Answered.Exceeded).To(Equal("its resident memory passed 0.0 MB"))
		Expect(w.Cancelled.Exceeded).NotTo(BeEmpty())
		Expect(w.Cancelled.CPUStopped).To(BeFalse())
	}, SpecTimeout(2*time.Minute))

	It("gives up with its context", func() {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := bench.MeasureStalled(ctx, pulseBinary, 1, bench.StalledOptions{})
		Expect(err).To(MatchError(context.Canceled))
	})
})
