package bench_test

import (
	"math"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// expectLatencyRun checks a latency run of 2 series at 20 messages a
// second each: it timed rows it published, none before its publishing.
func expectLatencyRun(l bench.FeedLatency) {
	GinkgoHelper()
	Expect(l.Topics).To(Equal(2))
	Expect(l.TotalRate()).To(Equal(40.0))
	Expect(l.Published).To(BeNumerically(">", 0))
	Expect(l.All.Count).To(BeNumerically(">", 0))
	Expect(l.All.Count).To(BeNumerically("<=", l.Published))
	Expect(l.All.P50).To(BeNumerically(">", 0), "no row arrives before it was published")
	Expect(l.All.Max).To(BeNumerically(">=", l.All.P99))
}

// These specs check that the MQTT measurements measure what they say, on
// a real broker with few messages and short windows; how fast anything is
// is not their business.
var _ = Describe("MQTT measurements against a real broker", Ordered, func() {
	var (
		rig       *bench.MQTTRig
		pulseHost *pluginhost.Host
		endpoints map[bench.MQTTSide]bench.MQTTEndpoint
	)
	opts := bench.MQTTOptions{
		Warmup: 100 * time.Millisecond, Window: time.Second, Settle: 200 * time.Millisecond,
		Quiet: 500 * time.Millisecond, MaxWait: 20 * time.Second, Sample: 100 * time.Millisecond, DrainTimeout: 20 * time.Second,
		Host: pluginhost.Options{LogOutput: GinkgoWriter},
	}

	BeforeAll(func(ctx SpecContext) {
		var err error
		rig, err = bench.StartMQTTRig()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(rig.Close)
		pulseHost, err = pluginhost.Start(ctx, pluginhost.Options{Binary: pulseBinary, LogOutput: GinkgoWriter})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(pulseHost.Close)
		endpoints = map[bench.MQTTSide]bench.MQTTEndpoint{
			bench.MQTTPulse:         rig.Endpoint(bench.MQTTPulse, pulseHost),
			bench.MQTTReferenceSide: rig.Endpoint(bench.MQTTReferenceSide, reference),
			bench.MQTTFloor:         rig.Endpoint(bench.MQTTFloor, reference),
		}
	}, NodeTimeout(time.Minute))

	It("opens the channels Pulse names in its answer to a query", func(ctx SpecContext) {
		Expect(rig.CheckPulsePath(ctx, endpoints[bench.MQTTPulse])).To(Succeed())
	}, SpecTimeout(time.Minute))

	It("counts every message of a burst on each side, with the plugin's CPU and Pulse's counters", func(ctx SpecContext) {
		for _, side := range bench.MQTTSaturationSides {
			s, err := rig.Saturation(ctx, endpoints[side], 2000, opts)
			Expect(err).NotTo(HaveOccurred(), side.Title())
			Expect(s.Side).To(Equal(side))
			Expect(s.Published).To(Equal(int64(2000)))
			Expect(s.Delivered).To(BeNumerically(">", 0), side.Title())
			Expect(s.Delivered).To(BeNumerically("<=", 2000), "the probes are not counted")
			Expect(s.PluginCPU).To(BeNumerically(">=", 0))
			Expect(s.Elapsed).To(BeNumerically(">", 0))
			if side == bench.MQTTPulse {
				Expect(s.Received).To(BeNumerically(">=", s.Delivered), "every row delivered was a message handed to the tap")
				Expect(math.IsNaN(s.QueueDropped)).To(BeFalse())
			} else {
				Expect(math.IsNaN(s.Received)).To(BeTrue(), "the reference reports no Pulse counters")
			}
		}
	}, SpecTimeout(2*time.Minute))

	It("times each row from its publishing to the host, on each side", func(ctx SpecContext) {
		for _, side := range bench.MQTTSides {
			l, err := rig.Latency(ctx, endpoints[side], 2, 20, opts)
			Expect(err).NotTo(HaveOccurred(), side.Title())
			expectLatencyRun(l)
		}
	}, SpecTimeout(2*time.Minute))

	It("follows the memory of a stalled stream on a fresh process of each side", func(ctx SpecContext) {
		for _, side := range []struct {
			side   bench.MQTTSide
			binary string
		}{{bench.MQTTPulse, pulseBinary}, {bench.MQTTReferenceSide, referenceBinary}} {
			s, err := rig.Stalled(ctx, side.side, side.binary, 5000, opts)
			Expect(err).NotTo(HaveOccurred(), side.side.Title())
			Expect(s.BaselineRSS).To(BeNumerically(">", 0))
			Expect(s.PeakRSS).To(BeNumerically(">", 0))
			Expect(s.HWM).To(BeNumerically(">=", s.PeakRSS/2))
			Expect(s.LoadedRuntime.HeapBytes).To(BeNumerically(">", 0))
			if side.side == bench.MQTTPulse {
				Expect(s.HistoryRows).To(BeNumerically(">", 0), "the stalled stream's tap kept rows")
				Expect(s.Received).To(BeNumerically(">", 0))
			}
		}
	}, SpecTimeout(3*time.Minute))

	It("measures many topics on one connection, a channel each or through a wildcard", func(ctx SpecContext) {
		for _, run := range []struct {
			side     bench.MQTTSide
			binary   string
			wildcard bool
		}{{bench.MQTTPulse, pulseBinary, false}, {bench.MQTTPulse, pulseBinary, true}, {bench.MQTTReferenceSide, referenceBinary, false}, {bench.MQTTFloor, referenceBinary, true}} {
			t, err := rig.Topics(ctx, run.side, run.binary, 5, run.wildcard, opts)
			Expect(err).NotTo(HaveOccurred(), "%s, wildcard %v", run.side.Title(), run.wildcard)
			Expect(t.Topics).To(Equal(5))
			Expect(t.Elapsed).To(BeNumerically(">=", time.Second))
			Expect(t.Published).To(BeNumerically(">", 0))
			Expect(t.Rows).To(BeNumerically(">", 0))
			if run.wildcard {
				Expect(t.MinTopicRows).To(Equal(int64(-1)))
			}
		}
		_, err := rig.Topics(ctx, bench.MQTTFloor, referenceBinary, 5, false, opts)
		Expect(err).To(MatchError(ContainSubstring("one wildcard subscription only")))
	}, SpecTimeout(3*time.Minute))

	It("times a feed stream alone, in process, and accounts for every row", func(ctx SpecContext) {
		c, err := bench.MeasureFeedCadence(ctx, 20*time.Millisecond, 10, 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(c.Rows).To(Equal(10))
		Expect(c.All.Count).To(Equal(10))
		Expect(c.FirstTenth.Count).To(Equal(1))
		Expect(c.All.P50).To(BeNumerically(">", 0))
	}, SpecTimeout(time.Minute))
})
