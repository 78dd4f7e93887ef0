package bench_test

import (
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

// throughput is a result of rowsPerSecond over one second, 100-row packets
// for Pulse and the SDK limit, one-row packets for the tutorial loop.
func throughput(d bench.Design, series int, rowsPerSecond, bytesPerRow int64) bench.Throughput {
	rowsPerPacket := int64(100)
	if d == bench.DesignTutorial {
		rowsPerPacket = 1
	}
	return bench.Throughput{
		Design: d, Query: fastQuery(series),
		Rows: rowsPerSecond, Bytes: rowsPerSecond * bytesPerRow, Packets: rowsPerSecond / rowsPerPacket,
		Elapsed: time.Second, PluginCPU: 900 * time.Millisecond,
	}
}

func latency(stepMs int64, p99, firstMedian, lastMedian time.Duration) bench.Latency {
	q := signals.DefaultQuery()
	q.Kind, q.StepMs = signals.KindCounter, stepMs
	return bench.Latency{
		Query: q, Channels: 10,
		All:          bench.Distribution{Count: 1000, P50: firstMedian, P99: p99, Max: p99 + time.Millisecond},
		FirstQuarter: bench.Distribution{Count: 250, P50: firstMedian},
		LastQuarter:  bench.Distribution{Count: 250, P50: lastMedian},
	}
}

func scale(channels int, bytesPerChannel int64, cpu time.Duration) bench.Scale {
	return bench.Scale{
		Channels: channels, BaselineRSS: 30 << 20, RSS: 30<<20 + int64(channels)*bytesPerChannel,
		BaselineRuntime: bench.Runtime{Goroutines: 20, StackBytes: 1 << 20, HeapBytes: 4 << 20},
		LoadedRuntime:   bench.Runtime{Goroutines: 20 + 2*float64(channels), StackBytes: 1<<20 + 8192*float64(channels), HeapBytes: 4<<20 + 6000*float64(channels)},
		PluginCPU:       cpu, Elapsed: 10 * time.Second, Rows: int64(channels) * 10, MinChannelRows: 10,
	}
}

func baseReport() bench.Report {
	return bench.Report{
		Machine:           bench.Machine{CPU: "Test CPU", Cores: 2, OS: "linux", Arch: "amd64", GoVersion: "go1.26.8", MemoryBytes: 8 << 30, LoadAverage: "0.10 0.20 0.30"},
		Command:           "go run ./cmd/pulse-bench -out ../../docs/benchmarks.md",
		Dir:               "backend/testkit",
		Date:              time.Date(2026, 11, 24, 22, 0, 0, 0, time.UTC),
		ThroughputOptions: bench.ThroughputOptions{Warmup: 500 * time.Millisecond, Window: 3 * time.Second},
		LatencyOptions:    bench.LatencyOptions{Channels: 10, Warmup: 500 * time.Millisecond, Window: 10 * time.Second},
		ScaleOptions:      bench.ScaleOptions{Settle: 2 * time.Second, Window: 10 * time.Second},
	}
}

// verdicts maps each check's target to its verdict.
func verdicts(r bench.Report) map[string]bench.Verdict {
	v := map[string]bench.Verdict{}
	for _, c := range r.Checks() {
		v[c.Target] = c.Verdict
		if c.Verdict == bench.Miss {
			Expect(c.Why).NotTo(BeEmpty(), c.Target)
		} else {
			Expect(c.Why).To(BeEmpty(), c.Target)
		}
	}
	return v
}

var _ = Describe("Report", func() {
	It("passes targets met exactly and says there were no misses", func() {
		r := baseReport()
		r.Throughput = []bench.Throughput{
			throughput(bench.DesignPulse, 1, 800_000, 30),
			throughput(bench.DesignSDKLimit, 1, 1_000_000, 30),
			throughput(bench.DesignTutorial, 1, 40_000, 90),
		}
		r.Latency = []bench.Latency{latency(100, 105*time.Millisecond, time.Millisecond, time.Millisecond)}
		r.Scale = []bench.Scale{scale(100, 50_000, 20*time.Second), scale(10_000, 20_000, 9*time.Second)}
		for target, v := range verdicts(r) {
			Expect(v).To(Equal(bench.Pass), target)
		}
		Expect(r.Checks()).To(HaveLen(3+1+2), "the scale targets apply at 10 000 channels only")

		md := r.Markdown()
		for _, want := range []string{
			"# Benchmarks", "`go run ./cmd/pulse-bench -out ../../docs/benchmarks.md` (from `backend/testkit`)", "2026-11-24 22:00 UTC",
			"Test CPU, 2 logical CPUs, linux/amd64, 8.0 GiB memory", "go1.26.8", "0.10 0.20 0.30",
			"## Targets", "## Throughput and bytes per row", "## Latency", "## Scale", "How measured",
			"`v1/counter/s=100/r=1`", "None in this run.", "for 3 s after a 500 ms warm-up",
		} {
			Expect(md).To(ContainSubstring(want))
		}
		Expect(md).To(MatchRegexp(`\| 1 +\| Pulse +\| +800 000 \|`))
		Expect(md).NotTo(ContainSubstring("MISS"))
		Expect(md).NotTo(ContainSubstring("drifts upwards"))
	})

	It("says by how much and why each miss missed", func() {
		r := baseReport()
		r.Throughput = []bench.Throughput{
			throughput(bench.DesignPulse, 8, 500_000, 200),
			throughput(bench.DesignSDKLimit, 8, 1_000_000, 200),
			throughput(bench.DesignTutorial, 8, 100_000, 500),
		}
		r.Costs = []bench.RowCosts{{Query: fastQuery(8), PulseStream: 2 * time.Microsecond, SDKEncode: time.Microsecond}}
		r.Latency = []bench.Latency{latency(100, 150*time.Millisecond, 2*time.Millisecond, 60*time.Millisecond)}
		Expect(r.Markdown()).To(ContainSubstring("At 10 Hz, whatever the verdict: The latency drifts upwards"))
		r.Scale = []bench.Scale{scale(10_000, 40_000, 12*time.Second)}
		for target, v := range verdicts(r) {
			Expect(v).To(Equal(bench.Miss), target)
		}

		md := r.Markdown()
		_, misses, found := strings.Cut(md, "## Misses")
		Expect(found).To(BeTrue())
		for _, want := range []string{
			"38 % short of the target", // 0.5 against 0.8
			"predict a ratio of about 0.50×",
			"75 % short of the target", // 5 against 20
			"The SDK limit, which builds nothing and encodes with the SDK's data.FrameToJSON, delivered 10×",
			"pump computes and encodes a row in 2.00 µs",
			"20 % over the target", // 0.4 against 1/3
			"drifts upwards",
			"100 % over the target", // 40 KB against 20 KB
			"goroutines per channel",
			"20 % over the target", // 1.2 cores against 1
		} {
			Expect(misses).To(ContainSubstring(want))
		}
	})
})
