package bench_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

var _ = Describe("Percentile", func() {
	ms := func(values ...int) []time.Duration {
		d := make([]time.Duration, len(values))
		for i, v := range values {
			d[i] = time.Duration(v) * time.Millisecond
		}
		return d
	}

	It("takes the nearest rank", func() {
		hundred := make([]time.Duration, 100)
		for i := range hundred {
			hundred[i] = time.Duration(i+1) * time.Millisecond
		}
		Expect(bench.Percentile(hundred, 50)).To(Equal(50 * time.Millisecond))
		Expect(bench.Percentile(hundred, 99)).To(Equal(99 * time.Millisecond))
		Expect(bench.Percentile(hundred, 100)).To(Equal(100 * time.Millisecond))
		Expect(bench.Percentile(ms(1, 2, 3), 50)).To(Equal(2 * time.Millisecond))
		Expect(bench.Percentile(ms(1, 2, 3, 4), 50)).To(Equal(2 * time.Millisecond))
		Expect(bench.Percentile(ms(7), 99)).To(Equal(7 * time.Millisecond))
		Expect(bench.Percentile(nil, 99)).To(BeZero())
	})

	It("summarises unsorted samples", func() {
		d := bench.Summarize(ms(30, 10, 20))
		Expect(d).To(Equal(bench.Distribution{Count: 3, P50: 20 * time.Millisecond, P99: 30 * time.Millisecond, Max: 30 * time.Millisecond}))
		Expect(bench.Summarize(nil)).To(Equal(bench.Distribution{}))
	})
})

var _ = Describe("MedianThroughput", func() {
	round := func(rows int64) bench.Throughput {
		return bench.Throughput{Design: bench.DesignPulse, Rows: rows, Elapsed: time.Second}
	}

	It("picks the round with the median rate, the lower middle of an even count", func() {
		Expect(bench.MedianThroughput([]bench.Throughput{round(30), round(10), round(20)}).Rows).To(Equal(int64(20)))
		Expect(bench.MedianThroughput([]bench.Throughput{round(40), round(10), round(30), round(20)}).Rows).To(Equal(int64(20)))
		Expect(bench.MedianThroughput([]bench.Throughput{round(7)}).Rows).To(Equal(int64(7)))
	})
})
