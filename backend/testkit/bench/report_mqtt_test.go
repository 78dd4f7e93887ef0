package bench_test

import (
	"math"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

// saturationRound is a round of side that delivered every one of 100 000
// messages at cpuPerRow.
func saturationRound(side bench.MQTTSide, cpuPerRow time.Duration) bench.MQTTSaturation {
	s := bench.MQTTSaturation{
		Side: side, Published: 100_000, PublishElapsed: 2 * time.Second, Delivered: 100_000, Packets: 1000, Bytes: 4_000_000,
		Elapsed: 3 * time.Second, PluginCPU: cpuPerRow * 100_000, Received: math.NaN(), QueueDropped: math.NaN(), RowsSkipped: math.NaN(), BrokerDropped: 0,
	}
	if side == bench.MQTTPulse {
		s.Received, s.QueueDropped, s.RowsSkipped = 100_000, 0, 0
	}
	return s
}

func mqttLatency(side bench.MQTTSide, topics int, rate float64, p50, p99 time.Duration) bench.MQTTLatency {
	return bench.MQTTLatency{
		Side: side, Topics: topics, Rate: rate, Published: 1000,
		All:          bench.Distribution{Count: 1000, P50: p50, P99: p99, Max: p99 + time.Millisecond},
		FirstQuarter: bench.Distribution{Count: 250, P50: p50},
		LastQuarter:  bench.Distribution{Count: 250, P50: p50},
	}
}

func mqttStalled(side bench.MQTTSide, growth int64) bench.MQTTStalled {
	s := bench.MQTTStalled{
		Side: side, Published: 1_000_000, PublishElapsed: 40 * time.Second,
		BaselineRSS: 25 << 20, PeakRSS: 25<<20 + growth, LevelRSS: 25<<20 + growth - 1<<20, Settled: true, HWM: 26<<20 + growth,
		BaselineRuntime: bench.Runtime{Goroutines: 30, StackBytes: 1 << 20, HeapBytes: 4 << 20},
		LoadedRuntime:   bench.Runtime{Goroutines: 32, StackBytes: 1 << 20, HeapBytes: 4<<20 + float64(growth)/2},
		HistoryRows:     math.NaN(), HistoryBytes: math.NaN(), Received: math.NaN(), QueueDropped: math.NaN(), RowsSkipped: math.NaN(),
	}
	if side == bench.MQTTPulse {
		s.HistoryRows, s.HistoryBytes, s.Received, s.QueueDropped, s.RowsSkipped = 10_000, 2_500_000, 1_000_000, 0, 0
	}
	return s
}

func mqttTopics(side bench.MQTTSide, wildcard bool, cores float64) bench.MQTTTopics {
	t := bench.MQTTTopics{
		Side: side, Topics: 1000, Wildcard: wildcard, BaselineRSS: 25 << 20, RSS: 60 << 20,
		PluginCPU: time.Duration(cores * float64(10*time.Second)), Elapsed: 10 * time.Second,
		Published: 10_000, Rows: 10_000, MinTopicRows: 10, FieldsDropped: math.NaN(),
	}
	if wildcard {
		t.MinTopicRows = -1
	}
	if side == bench.MQTTPulse {
		t.FieldsDropped = 0
		if wildcard {
			t.FieldsDropped = 7440
		}
	}
	return t
}

func mqttReport(pulseCPU time.Duration, quietP99, busyP99 time.Duration, stallGrowth int64, topicsCores float64) bench.Report {
	r := baseReport()
	r.MQTT = &bench.MQTT{
		Options: bench.MQTTOptions{Messages: 100_000, Rounds: 1},
		Saturation: []bench.MQTTSaturation{
			saturationRound(bench.MQTTPulse, pulseCPU), saturationRound(bench.MQTTReferenceSide, 20*time.Microsecond),
			saturationRound(bench.MQTTFloor, 15*time.Microsecond),
		},
		Latency: []bench.MQTTLatency{
			mqttLatency(bench.MQTTPulse, 10, 10, time.Millisecond, quietP99), mqttLatency(bench.MQTTReferenceSide, 10, 10, 50*time.Millisecond, 99*time.Millisecond),
			mqttLatency(bench.MQTTPulse, 1, 1000, 50*time.Millisecond, busyP99), mqttLatency(bench.MQTTReferenceSide, 1, 1000, 50*time.Millisecond, 100*time.Millisecond),
		},
		Stalled: []bench.MQTTStalled{mqttStalled(bench.MQTTPulse, stallGrowth), mqttStalled(bench.MQTTReferenceSide, 300<<20)},
		Topics: []bench.MQTTTopics{
			mqttTopics(bench.MQTTPulse, false, topicsCores), mqttTopics(bench.MQTTPulse, true, 0.05),
			mqttTopics(bench.MQTTReferenceSide, false, 0.6), mqttTopics(bench.MQTTFloor, true, 0.04),
		},
		Cadence: []bench.FeedCadence{
			{Period: 100 * time.Millisecond, FlushMs: 100, Rows: 50, All: bench.Distribution{Count: 50, P50: 40 * time.Millisecond, P99: 90 * time.Millisecond},
				FirstTenth: bench.Distribution{Count: 5, P50: 2 * time.Millisecond}, LastTenth: bench.Distribution{Count: 5, P50: 60 * time.Millisecond}},
			{Period: 111 * time.Millisecond, FlushMs: 100, Rows: 50, All: bench.Distribution{Count: 50, P50: 200 * time.Microsecond, P99: time.Millisecond}},
		},
	}
	return r
}

var _ = Describe("Report, MQTT", func() {
	It("passes targets met exactly, with Pulse's figures only, and shows every part", func() {
		// 4 µs against the reference's 20 µs is 1/5; 4 MiB of history, 1 MiB
		// of queue and the 256 KB allowance are the bound when the stalled
		// section did not run.
		r := mqttReport(4*time.Microsecond, 10*time.Millisecond, 105*time.Millisecond, 4<<20+1<<20+256_000, 0.19)
		v := verdicts(r)
		Expect(v).To(HaveLen(5), "CPU per row, two latencies, the stall, many topics")
		for target, verdict := range v {
			Expect(verdict).To(Equal(bench.Pass), target)
		}
		md := r.Markdown()
		for _, want := range []string{
			"## MQTT", "### Saturation", "### Latency", "### Stalled receiver", "### Many topics",
			"works like grafana/mqtt-datasource", "MQTT client alone", "QoS 0", "`{\"sent\":<publish time, Unix ns>,\"v\":<n>}`",
			"the stalled-streams section's target per stream, as that section did not run", "1, on a wildcard", "1 000, one per topic",
			"Where the latency comes from", "None in this run.",
		} {
			Expect(md).To(ContainSubstring(want))
		}
		Expect(md).To(MatchRegexp(`\| +0\.20 \| PASS +\| +0\.75 \|`), "the ratios, the floor's too")
		Expect(md).To(MatchRegexp(`\| 10 msg/s +\| +10 \| Pulse +\|.*\| +10\.0 ms \| PASS`))
		Expect(md).To(MatchRegexp(`\| 10 msg/s +\| +10 \| reference +\|.*\| +\| +\|`), "no target for the reference")
	})

	It("takes the gRPC allowance from the stalled-streams section when it ran", func() {
		r := mqttReport(4*time.Microsecond, time.Millisecond, time.Millisecond, 6<<20, 0.1)
		r.Stalled = []bench.Stalled{stalled(500, 400_000, true)}
		allowance, from := r.MQTTGRPCAllowance()
		Expect(allowance).To(Equal(400_000.0))
		Expect(from).To(ContainSubstring("this run"))
		Expect(r.MQTTStallBound()).To(Equal(float64(5<<20 + 400_000)))
	})

	It("says by how much and why each target missed", func() {
		r := mqttReport(30*time.Microsecond, 100*time.Millisecond, 150*time.Millisecond, 11<<20, 0.3)
		r.MQTT.Saturation[0].Delivered = 99_000
		r.MQTT.Saturation[0].QueueDropped = 600
		r.MQTT.Saturation[0].BrokerDropped = 300
		for target, verdict := range verdicts(r) {
			Expect(verdict).To(Equal(bench.Miss), target)
		}
		md := r.Markdown()
		_, misses, found := strings.Cut(md, "## Misses")
		Expect(found).To(BeTrue())
		for _, want := range []string{
			"658 % over the target", // 30.3 µs against 20 µs is 1.52, against 0.2
			"cost 15.00 µs of plugin CPU per message in the same run, 75 % of the reference's whole cost per row; the target asks Pulse for at most 4.00 µs",
			"No design that receives through paho.mqtt.golang",
			"600 dropped by Pulse's queue, 300 dropped by the broker, 100 not accounted for",
			"900 % over the target", // 100 ms against 10 ms
			"one flush window (100 ms) apart",
			"a feed stream given a row every 100 ms sent them with a median latency of 40.0 ms (p99 90.0 ms; median 2.0 ms in the first tenth, 60.0 ms in the last); given a row every 111 ms sent them with a median latency of 0.2 ms",
			"43 % over the target", // 150 ms against 105 ms
			"history held 10 000 rows",
			"the reference, which keeps every message for its blocked send, grew by 300.0 MiB",
			"50 % over the target", // 0.3 cores against 0.2
			"as a frame of its own",
			"Receiving alone, the same messages",
			"7 440 in the window",
		} {
			Expect(misses).To(ContainSubstring(want))
		}
		Expect(md).To(ContainSubstring("11.0 MiB (the reference: 300.0 MiB)"))
		Expect(md).To(ContainSubstring("| 30.30 µs (1 000 lost: 600 dropped by Pulse's queue, 300 dropped by the broker, 100 not accounted for) |"),
			"a round's losses are shown beside its CPU per row")
	})

	It("reports nothing of a section that did not run", func() {
		r := baseReport()
		Expect(r.Markdown()).NotTo(ContainSubstring("## MQTT"))
		r.MQTT = &bench.MQTT{Latency: []bench.MQTTLatency{mqttLatency(bench.MQTTPulse, 1, 1000, 50*time.Millisecond, 90*time.Millisecond)}}
		md := r.Markdown()
		Expect(md).To(ContainSubstring("### Latency"))
		Expect(md).NotTo(ContainSubstring("### Saturation"))
		Expect(md).NotTo(ContainSubstring("### Stalled receiver"))
		Expect(verdicts(r)).To(HaveLen(1))
	})
})
