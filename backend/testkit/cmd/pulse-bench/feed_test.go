package main

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

// These specs run each feed section as the command does, with tiny
// options, against real servers and both plugins (built once; the Pulse
// plugin is $PULSE_PLUGIN_BINARY when set): they check that the figures
// add up, not how fast anything is.
var _ = Describe("The feed sections", Ordered, func() {
	var bins *binaries

	BeforeAll(func() {
		bins = newBinaries(config{}, GinkgoWriter)
		DeferCleanup(bins.cleanup)
	})

	for _, source := range bench.FeedSources {
		It("runs the "+string(source)+" section with tiny options: every message a row or counted, both sides timed, the tables written", func(ctx SpecContext) {
			cfg := config{rounds: 1, feedMessages: 1000, feedDuration: time.Second, warmup: 100 * time.Millisecond, latencyStreams: 2}
			var report bench.Report
			Expect(runFeed(ctx, cfg, bins, &report, GinkgoWriter, source)).To(Succeed())
			Expect(report.Feeds).To(HaveLen(1))
			f := report.Feeds[0]
			Expect(f.Source).To(Equal(source))
			Expect(f.Saturation).To(HaveLen(2), "a round of each side")
			for _, s := range f.Saturation {
				Expect(s.Published).To(Equal(int64(1000)))
				Expect(s.TimedOut).To(BeFalse())
				// CPU time moves in 10 ms ticks: a tiny round may read none.
				Expect(s.PluginCPU).To(BeNumerically(">=", 0))
				if s.Side == bench.FeedReferenceSide {
					Expect(s.Delivered).To(Equal(s.Published), "the reference delivers every message")
				} else {
					Expect(float64(s.Delivered)+s.QueueDropped+s.RowsSkipped).To(Equal(1000.0), "Pulse delivers every message or counts it dropped")
				}
			}
			Expect(f.Latency).To(HaveLen(4), "the quiet and the busy rate, each side")
			for _, l := range f.Latency {
				Expect(l.All.Count).To(BeNumerically(">", 0), "%s at %.0f msg/s", l.Side.Title(), l.Rate)
				Expect(l.All.Count).To(BeNumerically("<=", l.Published))
			}
			Expect(f.Latency[0].Topics).To(Equal(2), "the quiet rate on -latency-channels series")
			Expect(f.Latency[2].Topics).To(Equal(1), "the busy rate on one")
			md := report.Markdown()
			Expect(md).To(ContainSubstring("## " + source.Title() + "\n"))
			Expect(md).To(ContainSubstring("### Saturation"))
			Expect(md).To(ContainSubstring("### Latency"))
			Expect(md).To(ContainSubstring(source.Title() + " at saturation: Pulse's plugin CPU per delivered row ≤ 1/5 of the reference's"))
		}, SpecTimeout(4*time.Minute))
	}
})
