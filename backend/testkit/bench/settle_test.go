package bench_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

var _ = Describe("Settler", func() {
	const mib = 1 << 20
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	// feed adds one sample every 500 ms and returns the index of the first
	// that reported settled samples, or -1.
	feed := func(s *bench.Settler, values ...int64) int {
		for i, v := range values {
			if s.Add(t0.Add(time.Duration(i)*500*time.Millisecond), v) {
				return i
			}
		}
		return -1
	}

	It("settles once the samples of the quiet span lie within the slack, and reports their largest", func() {
		s := bench.Settler{Quiet: 2 * time.Second, SlackBytes: mib, SlackShare: 0.01}
		// Growing by 10 MiB a sample, then holding within 0.5 MiB.
		at := feed(&s, 10*mib, 20*mib, 30*mib, 40*mib, 40*mib+mib/2, 40*mib, 40*mib+mib/4, 40*mib, 40*mib)
		// Sample 7 is the first whose span (samples 3 … 7, 2 s) holds still.
		Expect(at).To(Equal(7))
		Expect(s.Level()).To(Equal(int64(40*mib + mib/2)))
		Expect(s.Last()).To(Equal(int64(40 * mib)))
	})

	It("does not settle before a whole quiet span was sampled", func() {
		s := bench.Settler{Quiet: 3 * time.Second}
		Expect(feed(&s, 5*mib, 5*mib, 5*mib, 5*mib, 5*mib, 5*mib)).To(Equal(-1), "2.5 s of samples")
		Expect(s.Level()).To(BeZero())
		Expect(s.Add(t0.Add(3*time.Second), 5*mib)).To(BeTrue())
		Expect(s.Level()).To(Equal(int64(5 * mib)))
	})

	It("does not settle while the figure creeps up by more than the slack over the span", func() {
		s := bench.Settler{Quiet: 2 * time.Second, SlackBytes: mib, SlackShare: 0.001}
		values := make([]int64, 40)
		for i := range values {
			values[i] = 100*mib + int64(i)*mib/3 // 1.33 MiB per 2 s
		}
		Expect(feed(&s, values...)).To(Equal(-1))
	})

	It("lets a large figure breathe by its share of the slack", func() {
		s := bench.Settler{Quiet: time.Second, SlackBytes: mib, SlackShare: 0.01}
		// 2 GiB moving by 10 MiB: within 1 % of it.
		Expect(feed(&s, 2048*mib, 2058*mib, 2050*mib)).To(Equal(2))
		Expect(s.Level()).To(Equal(int64(2058 * mib)))
	})

	It("does not count a drop as settled: the memory must hold still", func() {
		s := bench.Settler{Quiet: time.Second, SlackBytes: mib, SlackShare: 0.01}
		Expect(feed(&s, 50*mib, 40*mib, 30*mib, 30*mib, 30*mib)).To(Equal(4))
		Expect(s.Level()).To(Equal(int64(30 * mib)))
	})

	It("uses 3 s, 1 MiB and 1 % by default", func() {
		var s bench.Settler
		Expect(feed(&s, 10*mib, 10*mib+mib, 10*mib, 10*mib, 10*mib, 10*mib, 10*mib)).To(Equal(6))
		s = bench.Settler{}
		Expect(feed(&s, 10*mib, 10*mib+2*mib, 10*mib, 10*mib, 10*mib, 10*mib, 10*mib)).To(Equal(-1), "2 MiB apart within 3 s")
	})
})

var _ = Describe("LastBusy", func() {
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	// samples are CPU times every 100 ms.
	samples := func(cpuMs ...int64) []bench.CPUSample {
		s := make([]bench.CPUSample, len(cpuMs))
		for i, ms := range cpuMs {
			s[i] = bench.CPUSample{At: t0.Add(time.Duration(i) * 100 * time.Millisecond), CPU: time.Duration(ms) * time.Millisecond}
		}
		return s
	}

	It("finds the end of the last interval the process was busy in after a moment", func() {
		// Busy (a core) until 500 ms, then a tick now and then.
		s := samples(0, 100, 200, 300, 400, 500, 500, 510, 510, 510, 520)
		end, busy := bench.LastBusy(s, t0.Add(200*time.Millisecond), bench.BusyShare)
		Expect(busy).To(BeTrue())
		Expect(end).To(Equal(t0.Add(500 * time.Millisecond)))
	})

	It("reports no busy interval when the process was idle after the moment", func() {
		s := samples(0, 100, 200, 200, 210, 210, 210)
		_, busy := bench.LastBusy(s, t0.Add(200*time.Millisecond), bench.BusyShare)
		Expect(busy).To(BeFalse())
		_, busy = bench.LastBusy(s, t0.Add(time.Hour), bench.BusyShare)
		Expect(busy).To(BeFalse(), "no sample after the moment")
		_, busy = bench.LastBusy(nil, t0, bench.BusyShare)
		Expect(busy).To(BeFalse())
	})

	It("counts an interval that straddles the moment against its part after it", func() {
		// 60 ms of CPU in the interval 100 … 200 ms; the moment is 180 ms.
		s := samples(0, 0, 60, 60, 60)
		end, busy := bench.LastBusy(s, t0.Add(180*time.Millisecond), bench.BusyShare)
		Expect(busy).To(BeTrue())
		Expect(end).To(Equal(t0.Add(200 * time.Millisecond)))
	})

	It("reads the CPU time at a moment from the sample taken at or before it", func() {
		s := samples(0, 100, 200, 250)
		Expect(bench.CPUAt(s, t0.Add(150*time.Millisecond))).To(Equal(100 * time.Millisecond))
		Expect(bench.CPUAt(s, t0.Add(200*time.Millisecond))).To(Equal(200 * time.Millisecond))
		Expect(bench.CPUAt(s, t0.Add(-time.Second))).To(BeZero())
		Expect(bench.CPUAt(s, t0.Add(time.Hour))).To(Equal(250 * time.Millisecond))
		Expect(bench.CPUAt(nil, t0)).To(BeZero())
	})
})
