package bench_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

// feedRun is a feed section of source whose Pulse side cost pulseCPU per
// row against the reference's refCPU, with p99s at the quiet and the busy
// rate.
func feedRun(source bench.FeedSource, pulseCPU, refCPU, quietP99, busyP99 time.Duration) bench.FeedRun {
	pulse := saturationRound(bench.FeedPulse, pulseCPU)
	ref := saturationRound(bench.FeedReferenceSide, refCPU)
	ref.Packets = ref.Delivered
	return bench.FeedRun{
		Source:     source,
		Saturation: []bench.FeedSaturation{pulse, ref},
		Latency: []bench.FeedLatency{
			mqttLatency(bench.FeedPulse, 10, 10, time.Millisecond, quietP99),
			mqttLatency(bench.FeedReferenceSide, 10, 10, time.Millisecond, 2*time.Millisecond),
			mqttLatency(bench.FeedPulse, 1, 1000, 50*time.Millisecond, busyP99),
			mqttLatency(bench.FeedReferenceSide, 1, 1000, time.Millisecond, 2*time.Millisecond),
		},
	}
}

var _ = Describe("Report, feed sections", func() {
	It("passes targets met exactly and shows a section per source, in the order they ran", func() {
		r := bench.Report{Feeds: []bench.FeedRun{
			feedRun(bench.FeedNATS, 2*time.Microsecond, 10*time.Microsecond, 10*time.Millisecond, 105*time.Millisecond),
			feedRun(bench.FeedWebSocket, 2*time.Microsecond, 10*time.Microsecond, 10*time.Millisecond, 105*time.Millisecond),
		}}
		checks := r.Checks()
		Expect(checks).To(HaveLen(6))
		for _, c := range checks {
			Expect(c.Verdict).To(Equal(bench.Pass), c.Target)
		}
		Expect(checks[0].Target).To(Equal("NATS at saturation: Pulse's plugin CPU per delivered row ≤ 1/5 of the reference's"))
		Expect(checks[0].Measured).To(Equal("0.20 (2.00 µs against 10.00 µs)"))
		Expect(checks[1].Target).To(ContainSubstring("NATS latency at 10 msg/s (10 subjects)"))
		Expect(checks[4].Target).To(ContainSubstring("WebSocket latency at 10 msg/s (10 paths)"))
		md := r.Markdown()
		nats, ws := strings.Index(md, "## NATS\n"), strings.Index(md, "## WebSocket\n")
		Expect(nats).To(BeNumerically(">", 0))
		Expect(ws).To(BeNumerically(">", nats))
		Expect(md).To(ContainSubstring(`{"source":"websocket","url":<the server>}`))
		Expect(md).To(ContainSubstring(`{"subject": <subject>, "withStreaming": true, "flushMs": 100}`))
		Expect(md).To(ContainSubstring("None in this run."))
	})

	It("says by how much and why each target missed", func() {
		r := bench.Report{Feeds: []bench.FeedRun{feedRun(bench.FeedSSE, 5*time.Microsecond, 10*time.Microsecond, 40*time.Millisecond, 130*time.Millisecond)}}
		checks := r.Checks()
		Expect(checks).To(HaveLen(3))
		for _, c := range checks {
			Expect(c.Verdict).To(Equal(bench.Miss), c.Target)
			Expect(c.Why).NotTo(BeEmpty())
		}
		Expect(checks[0].Why).To(HavePrefix("150 % over the target."))
		Expect(checks[0].Why).To(ContainSubstring("rows a packet, the reference one"))
		Expect(checks[1].Why).To(ContainSubstring("one flush window (100 ms) apart"))
		Expect(checks[1].Why).To(ContainSubstring("The reference, which sends each message at once"))
		Expect(checks[2].Why).To(ContainSubstring("the first of each waits about that long by design"))
		md := r.Markdown()
		Expect(md).To(ContainSubstring(`"format": "sse"`))
		Expect(md).To(ContainSubstring("## Misses"))
		Expect(md).To(ContainSubstring("HTTP Server-Sent Events at saturation"))
	})

	It("reports nothing of a section that did not run", func() {
		md := bench.Report{}.Markdown()
		for _, title := range []string{"## NATS", "## HTTP Server-Sent Events", "## HTTP NDJSON", "## WebSocket"} {
			Expect(md).NotTo(ContainSubstring(title))
		}
	})
})
