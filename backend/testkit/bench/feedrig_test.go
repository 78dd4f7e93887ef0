package bench_test

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ = Describe("Feed sections' paths and data sources", func() {
	It("writes Pulse's channel paths as the feed contract does, params in the source's order", func() {
		Expect(bench.PulseFeedPath("nats", 100, "a.b", nil, "")).To(Equal(contract.ChannelPath("nats", 100, "a.b", nil, "")))
		Expect(bench.PulseFeedPath("http", 250, "/x", []string{"sse", ""}, "ts", "v", "w")).
			To(Equal(contract.ChannelPath("http", 250, "/x", []string{"sse", ""}, "ts", "v", "w")))
		raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(bench.PulseFeedPath("websocket", 100, "/w", []string{""}, ""), "websocket/v1/100/"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).To(Equal("/w\x00\x00"))
	})

	It("names each section's Pulse source and data sources", func() {
		Expect(bench.FeedSources).To(Equal([]bench.FeedSource{bench.FeedNATS, bench.FeedSSE, bench.FeedNDJSON, bench.FeedWebSocket}))
		for source, want := range map[bench.FeedSource]string{bench.FeedNATS: "nats", bench.FeedSSE: "http", bench.FeedNDJSON: "http", bench.FeedWebSocket: "websocket"} {
			Expect(source.PulseSource()).To(Equal(want))
			var pulse, ref map[string]string
			Expect(json.Unmarshal(bench.FeedPulseInstance(source, "x://h").JSONData, &pulse)).To(Succeed())
			Expect(pulse).To(Equal(map[string]string{"source": want, "url": "x://h"}))
			Expect(json.Unmarshal(bench.FeedReferenceInstance(source, "x://h").JSONData, &ref)).To(Succeed())
			Expect(ref).To(Equal(map[string]string{"url": "x://h"}))
		}
	})
})

// pulseHasSource reports whether the plugin behind host knows source:
// sources are registered in backend/plugin as they land.
func pulseHasSource(ctx SpecContext, host *pluginhost.Host, inst pluginhost.Instance) bool {
	GinkgoHelper()
	resp, err := host.Diagnostics.CheckHealth(ctx, inst.CheckHealthRequest())
	Expect(err).NotTo(HaveOccurred())
	return !strings.Contains(resp.GetMessage(), "unknown source")
}

// These specs check that the feed sections measure what they say, on real
// servers (a nats-server, a feedhub) with few messages and short windows;
// how fast anything is is not their business.
var _ = Describe("Feed measurements against real servers", Ordered, func() {
	var pulseHost *pluginhost.Host
	opts := bench.FeedOptions{Warmup: 100 * time.Millisecond, Window: time.Second, DrainTimeout: 20 * time.Second}

	BeforeAll(func(ctx SpecContext) {
		var err error
		pulseHost, err = pluginhost.Start(ctx, pluginhost.Options{Binary: pulseBinary, LogOutput: GinkgoWriter})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(pulseHost.Close)
	}, NodeTimeout(time.Minute))

	// endpoint is side's endpoint on rig: the reference plugin's, or the
	// Pulse plugin's when it has the rig's source (false when not).
	endpoint := func(ctx SpecContext, rig *bench.FeedRig, side bench.FeedSide) (bench.FeedEndpoint, bool) {
		if side != bench.FeedPulse {
			return rig.Endpoint(side, reference), true
		}
		e := rig.Endpoint(side, pulseHost)
		return e, pulseHasSource(ctx, pulseHost, e.Inst)
	}

	for _, source := range bench.FeedSources {
		Context(source.Title(), Ordered, func() {
			var rig *bench.FeedRig

			BeforeAll(func(SpecContext) {
				var err error
				rig, err = bench.StartFeedRig(source, bench.FeedOptions{Messages: 2000})
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(rig.Close)
			}, NodeTimeout(time.Minute))

			It("counts every message of a burst on each side, the reference's a packet each, with Pulse's counters", func(ctx SpecContext) {
				for _, side := range bench.FeedSides {
					e, ok := endpoint(ctx, rig, side)
					if !ok {
						By("the plugin has no " + source.PulseSource() + " source yet: Pulse's side is left out")
						continue
					}
					if side == bench.FeedPulse {
						Expect(rig.CheckPulsePath(ctx, e)).To(Succeed())
					}
					s, err := rig.Saturation(ctx, e, 2000, opts)
					Expect(err).NotTo(HaveOccurred(), side.Title())
					Expect(s.Side).To(Equal(side))
					Expect(s.Published).To(Equal(int64(2000)))
					Expect(s.TimedOut).To(BeFalse())
					Expect(s.Elapsed).To(BeNumerically(">", 0))
					Expect(s.PluginCPU).To(BeNumerically(">", 0))
					Expect(s.BrokerDropped).To(Equal(int64(-1)), "no server but mosquitto counts its drops")
					if side == bench.FeedPulse {
						// A source whose queue is bounded (WebSocket's, 1 024
						// messages) drops the oldest messages of a burst by
						// design, and counts them.
						Expect(float64(s.Delivered)+s.QueueDropped+s.RowsSkipped).To(Equal(2000.0),
							"every message, and no probe, is a row or counted as dropped: %d rows, %.0f dropped, %.0f skipped", s.Delivered, s.QueueDropped, s.RowsSkipped)
						Expect(s.Received).To(BeNumerically(">=", s.Delivered), "every row delivered was a message handed to the tap")
						Expect(s.Packets).To(BeNumerically("<", s.Delivered), "Pulse sends many rows a packet")
					} else {
						Expect(s.Delivered).To(Equal(int64(2000)), "every message, and no probe, is a row")
						Expect(math.IsNaN(s.Received)).To(BeTrue(), "the reference reports no Pulse counters")
						Expect(s.Packets).To(Equal(s.Delivered), "the reference sends a packet per message")
					}
				}
			}, SpecTimeout(2*time.Minute))

			It("times each row from its publishing to the host, on each side", func(ctx SpecContext) {
				for _, side := range bench.FeedSides {
					e, ok := endpoint(ctx, rig, side)
					if !ok {
						continue
					}
					l, err := rig.Latency(ctx, e, 2, 20, opts)
					Expect(err).NotTo(HaveOccurred(), side.Title())
					expectLatencyRun(l)
				}
			}, SpecTimeout(2*time.Minute))
		})
	}
})
