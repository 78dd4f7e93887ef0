package bench_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/testkit/bench"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// These specs check that the measurements measure what they say, on short
// windows; how fast anything is is not their business.
var _ = Describe("MeasureThroughput", func() {
	opts := bench.ThroughputOptions{Window: 200 * time.Millisecond}

	It("counts every row and byte the host received in the window", func(ctx SpecContext) {
		q := fastQuery(2)
		for _, d := range bench.Designs {
			t, err := bench.MeasureThroughput(ctx, reference, d, q, opts)
			Expect(err).NotTo(HaveOccurred(), string(d))
			Expect(t.Design).To(Equal(d))
			Expect(t.Packets).To(BeNumerically(">", 0))
			Expect(t.Elapsed).To(BeNumerically(">=", opts.Window))
			Expect(t.PluginCPU).To(BeNumerically(">=", 0))
			if d == bench.DesignTutorial {
				Expect(t.Rows).To(Equal(t.Packets))
			} else {
				Expect(t.Rows).To(Equal(100 * t.Packets))
			}
			Expect(t.BytesPerRow()).To(BeNumerically(">", 10))
		}
	}, SpecTimeout(time.Minute))
})

var _ = Describe("Measurements against the real plugin", func() {
	It("measures each row's latency from its timestamp", func(ctx SpecContext) {
		host, err := pluginhost.Start(ctx, pluginhost.Options{Binary: pulseBinary, LogOutput: GinkgoWriter})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(host.Close)
		q := signals.DefaultQuery()
		q.Kind, q.StepMs = signals.KindCounter, 10
		l, err := bench.MeasureLatency(ctx, host, q, bench.LatencyOptions{Channels: 2, Window: time.Second})
		Expect(err).NotTo(HaveOccurred())
		Expect(l.Channels).To(Equal(2))
		Expect(l.All.Count).To(BeNumerically(">", 0))
		Expect(l.All.P50).To(BeNumerically(">", 0), "no row arrives before its time")
		Expect(l.All.P99).To(BeNumerically(">=", l.All.P50))
		Expect(l.All.Max).To(BeNumerically(">=", l.All.P99))
	}, SpecTimeout(time.Minute))

	It("measures many 1 Hz channels on a fresh plugin process", func(ctx SpecContext) {
		// Enough channels that their goroutines stand out from the few a
		// busy plugin may start and end on its own (a finishing health
		// check, gRPC's transport), and a window of three sends per
		// channel, so that a late timer still leaves rows in it.
		const channels = 40
		s, err := bench.MeasureScale(ctx, pulseBinary, channels, bench.ScaleOptions{Settle: 500 * time.Millisecond, Window: 3 * time.Second})
		Expect(err).NotTo(HaveOccurred())
		Expect(s.Channels).To(Equal(channels))
		Expect(s.Seconds).To(Equal(3))
		Expect(s.BaselineRSS).To(BeNumerically(">", 0))
		Expect(s.RSS).To(BeNumerically(">", 0))
		Expect(s.MinChannelRows).To(BeNumerically(">=", 1), "every channel delivered within the window")
		Expect(s.Rows).To(BeNumerically(">=", channels))
		// The figures the section reports: the runtime's own, read at both
		// moments, and a goroutine per stream (the RunStream handler).
		for _, r := range []bench.Runtime{s.BaselineRuntime, s.LoadedRuntime} {
			Expect(r.Goroutines).To(BeNumerically(">", 0))
			Expect(r.StackBytes).To(BeNumerically(">", 0))
			Expect(r.HeapBytes).To(BeNumerically(">", 0))
		}
		perChannel := (s.LoadedRuntime.Goroutines - s.BaselineRuntime.Goroutines) / channels
		Expect(perChannel).To(BeNumerically(">=", 0.5), "the plugin runs a goroutine per stream: %.2f per channel", perChannel)
	}, SpecTimeout(2*time.Minute))

	It("gives every scale channel its own path", func() {
		Expect(bench.ScaleQuery(0).Path()).To(Equal("v1/counter/r=1"))
		Expect(bench.ScaleQuery(9999).Path()).To(Equal("v1/counter/r=10000"))
		_, err := signals.ParsePath(bench.ScaleQuery(9999).Path())
		Expect(err).NotTo(HaveOccurred())
	})
})
