package bench_test

import (
	"math"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

var _ = Describe("Table", func() {
	It("renders padded Markdown with right-aligned number columns", func() {
		t := bench.Table{Columns: []bench.Column{{Title: "design"}, {Title: "rows/s", Right: true}}}
		t.Add("Pulse", "1 234 567")
		t.Add("tutorial loop", "42")
		t.Add("short row")
		Expect(t.Markdown()).To(Equal(
			"| design        |    rows/s |\n" +
				"| ------------- | --------: |\n" +
				"| Pulse         | 1 234 567 |\n" +
				"| tutorial loop |        42 |\n" +
				"| short row     |           |\n"))
	})
})

var _ = Describe("Formatting", func() {
	It("groups thousands with spaces and rounds", func() {
		Expect(bench.FormatCount(0)).To(Equal("0"))
		Expect(bench.FormatCount(999.6)).To(Equal("1 000"))
		Expect(bench.FormatCount(1234567)).To(Equal("1 234 567"))
		Expect(bench.FormatCount(-12345)).To(Equal("-12 345"))
		Expect(bench.FormatCount(math.NaN())).To(Equal("–"))
	})

	It("writes durations, ratios and sizes", func() {
		Expect(bench.FormatMs(101300 * time.Microsecond)).To(Equal("101.3 ms"))
		Expect(bench.FormatMicros(420 * time.Nanosecond)).To(Equal("0.42 µs"))
		Expect(bench.FormatRatio(0.8449)).To(Equal("0.84×"))
		Expect(bench.FormatRatio(23.4)).To(Equal("23×"))
		Expect(bench.FormatRatio(math.Inf(1))).To(Equal("–"))
		Expect(bench.FormatMiB(3 << 20)).To(Equal("3.0 MiB"))
		Expect(bench.FormatKB(20_000)).To(Equal("20.0 KB"))
		Expect(bench.FormatSpan(3 * time.Second)).To(Equal("3 s"))
		Expect(bench.FormatSpan(1500 * time.Millisecond)).To(Equal("1.5 s"))
		Expect(bench.FormatSpan(500 * time.Millisecond)).To(Equal("500 ms"))
		Expect(bench.Pass.String()).To(Equal("PASS"))
		Expect(bench.Miss.String()).To(Equal("MISS"))
	})
})

var _ = Describe("CommandLine", func() {
	It("repeats the arguments, quoted where a shell needs it", func() {
		Expect(bench.CommandLine("go run ./cmd/pulse-bench", []string{"-out", "../../docs/benchmarks.md", "-sections", "latency,scale"})).
			To(Equal("go run ./cmd/pulse-bench -out ../../docs/benchmarks.md -sections latency,scale"))
		Expect(bench.CommandLine("x", []string{"-kind", "it's"})).To(Equal(`x -kind 'it'\''s'`))
	})

	It("names no directory of the machine", func() {
		Expect(bench.CommandLine("x", []string{"-binary", "/home/someone/dist/gpx_pulse_streaming_linux_amd64", "-out=/srv/b.md"})).
			To(Equal("x -binary gpx_pulse_streaming_linux_amd64 -out=b.md"))
	})
})
