package signals_test

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/experimental"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

func times(f *data.Frame) []time.Time {
	out := make([]time.Time, f.Rows())
	for i := range out {
		out[i] = f.Fields[0].At(i).(time.Time)
	}
	return out
}

var _ = Describe("Frames", func() {
	base := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

	It("has a time field and one value field per series, labelled when several", func() {
		one := signals.DefaultQuery().Frame(0, 2, 1)
		Expect(one.Fields).To(HaveLen(2))
		Expect(one.Fields[0].Name).To(Equal("time"))
		Expect(one.Fields[1].Name).To(Equal("value"))
		Expect(one.Fields[1].Labels).To(BeNil())

		q := signals.DefaultQuery()
		q.SeriesCount = 3
		three := q.Frame(0, 2, 1)
		Expect(three.Fields).To(HaveLen(4))
		for i, want := range []string{"1", "2", "3"} {
			Expect(three.Fields[i+1].Name).To(Equal("value"))
			Expect(three.Fields[i+1].Labels).To(Equal(data.Labels{"series": want}))
		}
	})

	It("backfills every grid point within the range, ends included", func() {
		q := signals.DefaultQuery()
		f := q.Backfill(base, base.Add(10*time.Second), 1000)
		Expect(f.Rows()).To(Equal(11))
		Expect(times(f)[0]).To(Equal(base))
		Expect(times(f)[10]).To(Equal(base.Add(10 * time.Second)))

		f = q.Backfill(base.Add(100*time.Millisecond), base.Add(10900*time.Millisecond), 1000)
		Expect(f.Rows()).To(Equal(10))
		Expect(times(f)[0]).To(Equal(base.Add(time.Second)))
	})

	It("fills values from the signal at each point's time", func() {
		q := signals.DefaultQuery()
		q.Kind, q.SeriesCount = signals.KindSine, 2
		f := q.Backfill(base, base.Add(5*time.Second), 1000)
		for r, t := range times(f) {
			n := q.Index(t)
			Expect(f.Fields[1].At(r)).To(Equal(q.Value(0, n)))
			Expect(f.Fields[2].At(r)).To(Equal(q.Value(1, n)))
		}
	})

	It("keeps every k-th point when the range holds more than maxDataPoints, ending at the newest", func() {
		q := signals.DefaultQuery()
		to := base.Add(time.Hour)
		f := q.Backfill(base, to, 100)
		Expect(f.Rows()).To(BeNumerically("<=", 100))
		Expect(f.Rows()).To(BeNumerically(">", 90))
		ts := times(f)
		Expect(ts[len(ts)-1]).To(Equal(to))
		Expect(ts[0]).To(BeTemporally("<", base.Add(time.Minute)))
		step := ts[1].Sub(ts[0])
		Expect(step).To(Equal(37 * time.Second))
		for i := 1; i < len(ts); i++ {
			Expect(ts[i].Sub(ts[i-1])).To(Equal(step))
		}
	})

	It("never exceeds MaxBackfillRows and defaults an unset maxDataPoints", func() {
		q := signals.DefaultQuery()
		q.StepMs = 1
		Expect(q.Backfill(base, base.Add(time.Hour), 1<<40).Rows()).To(BeNumerically("<=", signals.MaxBackfillRows))
		Expect(q.Backfill(base, base.Add(time.Hour), 0).Rows()).To(Equal(streaming.DefaultMaxPoints))
	})

	It("is empty, with its fields, for an empty or inverted range", func() {
		q := signals.DefaultQuery()
		f := q.Backfill(base.Add(100*time.Millisecond), base.Add(900*time.Millisecond), 100)
		Expect(f.Rows()).To(Equal(0))
		Expect(f.Fields).To(HaveLen(2))
		Expect(q.Backfill(base.Add(time.Hour), base, 100).Rows()).To(Equal(0))
	})

	It("holds exactly Value's numbers for every kind, start and stride", func() {
		r := rand.New(rand.NewPCG(3, 4))
		for range 500 {
			q := randomQuery(r)
			first := r.Int64N(1<<42) - 1<<41
			stride := 1 + r.Int64N(int64(1)<<r.IntN(40))
			if r.IntN(2) == 0 {
				stride = 1 + r.Int64N(40) // dense: the random walk fills whole blocks
			}
			f := q.Frame(first, first+int64(r.IntN(600))*stride, stride)
			for s := range q.SeriesCount {
				for row := range f.Rows() {
					Expect(f.Fields[s+1].At(row)).To(Equal(q.Value(s, first+int64(row)*stride)), "%+v series %d row %d", q, s, row)
				}
			}
		}
	})

	It("gives a late subscriber the newest rows, ending where the stream continues", func() {
		q := query(signals.KindSine, func(q *signals.Query) { q.StepMs = 250; q.SeriesCount = 2 })
		now := base.Add(10*time.Second + 100*time.Millisecond)
		f := q.Recent(now, 5)
		Expect(f.Fields).To(HaveLen(3))
		rows := times(f)
		Expect(rows).To(HaveLen(5))
		Expect(rows[4]).To(Equal(q.Time(q.Index(now))))
		Expect(f).To(Equal(q.Frame(q.Index(now)-4, q.Index(now), 1)))
	})

	It("computes long backfills in chunks with the same values, and counts their points beforehand", func() {
		for _, kind := range signals.Kinds {
			q := query(kind, func(q *signals.Query) { q.StepMs = 1; q.SeriesCount = 2; q.Seed = 5 })
			from, to := base, base.Add(9999*time.Millisecond)
			f := q.Backfill(from, to, 20_000)
			Expect(f.Rows()).To(Equal(10_000))
			Expect(q.BackfillPoints(from, to, 20_000)).To(BeEquivalentTo(2 * 10_000))
			first := q.Index(from)
			for s := range q.SeriesCount {
				for _, row := range []int{0, 4095, 4096, 8191, 8192, 9999} {
					Expect(f.Fields[s+1].At(row)).To(Equal(q.Value(s, first+int64(row))), "%s series %d row %d", kind, s, row)
				}
			}
			Expect(q.BackfillPoints(from, to, 1000)).To(BeEquivalentTo(2 * q.Backfill(from, to, 1000).Rows()))
			Expect(q.BackfillPoints(to, from, 1000)).To(BeZero(), "an empty range")
		}
	})

	It("stops computing a backfill when its request is cancelled", func() {
		q := query(signals.KindRandomWalk, func(q *signals.Query) { q.StepMs = 1; q.SeriesCount = 16 })
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		f, err := q.BackfillContext(ctx, base, base.Add(24*time.Hour), signals.MaxBackfillRows)
		Expect(err).To(MatchError(context.Canceled))
		Expect(f).To(BeNil())
	})

	DescribeTable("matches the golden frames",
		func(name, body string) {
			q, err := signals.ParseQuery([]byte(body))
			Expect(err).NotTo(HaveOccurred())
			f := q.Backfill(base, base.Add(2*time.Second), 1000)
			Expect(experimental.CheckGoldenFrame(filepath.Join("testdata", name+".golden.txt"), f, *updateGolden)).To(Succeed())
		},
		Entry(nil, "random-walk-default", `{}`),
		Entry(nil, "sine-three-series", `{"kind":"sine","stepMs":500,"periodMs":2000,"seriesCount":3}`),
		Entry(nil, "square", `{"kind":"square","stepMs":250,"periodMs":1000,"amplitude":1}`),
		Entry(nil, "sawtooth-seeded", `{"kind":"sawtooth","stepMs":500,"periodMs":1500,"seed":42,"offset":-5}`),
		Entry(nil, "counter", `{"kind":"counter","stepMs":1000,"amplitude":0.5,"offset":3}`),
	)
})
