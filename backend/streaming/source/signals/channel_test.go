package signals_test

import (
	"math"
	"math/rand/v2"
	"regexp"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// grafanaPath is what Grafana Live accepts in a channel path.
var grafanaPath = regexp.MustCompile(`^[A-Za-z0-9_\-/=.]+$`)

// a40CharUID is as long as Grafana lets a data source uid be.
var a40CharUID = strings.Repeat("u", 40)

// randomQuery draws a query anywhere within bounds, with extreme values
// often, so round trips cover the corners.
func randomQuery(r *rand.Rand) signals.Query {
	pick := func(lo, hi float64) float64 {
		switch r.IntN(4) {
		case 0:
			return lo
		case 1:
			return hi
		default:
			return lo + r.Float64()*(hi-lo)
		}
	}
	return signals.Query{
		Kind:        signals.Kinds[r.IntN(len(signals.Kinds))],
		StepMs:      int64(pick(signals.MinStepMs, signals.MaxStepMs)),
		PeriodMs:    int64(pick(signals.MinPeriodMs, signals.MaxPeriodMs)),
		Amplitude:   pick(signals.MinAmplitude, signals.MaxAmplitude) * math.Pow(10, -float64(r.IntN(300))),
		Offset:      pick(signals.MinOffset, signals.MaxOffset) * math.Pow(10, -float64(r.IntN(300))),
		Seed:        int64(pick(signals.MinSeed, signals.MaxSeed)),
		SeriesCount: int(pick(signals.MinSeriesCount, signals.MaxSeriesCount)),
		FlushMs:     int64(pick(streaming.MinFlushMs, streaming.MaxFlushMs)),
	}
}

var _ = Describe("Channel paths", func() {
	It("leaves defaults out", func() {
		Expect(signals.DefaultQuery().Path()).To(Equal("v1/randomWalk"))
		q := signals.DefaultQuery()
		q.Kind, q.StepMs, q.PeriodMs, q.SeriesCount = signals.KindSine, 100, 5000, 3
		Expect(q.Path()).To(Equal("v1/sine/s=100/p=5000/n=3"))
	})

	It("writes numbers exactly and without '+'", func() {
		q := signals.DefaultQuery()
		q.Amplitude, q.Offset = 1e6, -0.000125
		Expect(q.Path()).To(Equal("v1/randomWalk/a=1e06/o=-0.000125"))
	})

	It("does not depend on withStreaming", func() {
		q := signals.DefaultQuery()
		live := q
		live.WithStreaming = true
		Expect(live.Path()).To(Equal(q.Path()))
	})

	It("round-trips every in-bounds query and always fits Grafana's rules", func() {
		r := rand.New(rand.NewPCG(1, 2))
		for range 5000 {
			q := randomQuery(r)
			Expect(q.Validate()).To(Succeed())
			path := q.Path()
			Expect(path).To(MatchRegexp(grafanaPath.String()))
			channel, err := q.Channel(a40CharUID)
			Expect(err).NotTo(HaveOccurred())
			Expect(len(channel)).To(BeNumerically("<=", streaming.MaxChannelLength))

			back, err := signals.ParsePath(path)
			Expect(err).NotTo(HaveOccurred(), path)
			q.WithStreaming = true
			Expect(back).To(Equal(q), path)
		}
	})

	It("gives equal queries equal channels", func() {
		a, err := signals.ParseQuery([]byte(`{"kind":"sine","stepMs":100,"seed":0,"withStreaming":true}`))
		Expect(err).NotTo(HaveOccurred())
		b, err := signals.ParseQuery([]byte(`{"stepMs":100.0,"kind":"sine","refId":"Z"}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(a.Path()).To(Equal(b.Path()))
	})

	It("refuses a channel longer than Grafana allows", func() {
		_, err := signals.DefaultQuery().Channel(strings.Repeat("u", 150))
		Expect(err).To(MatchError(ContainSubstring("160")))
	})

	DescribeTable("refuses paths Pulse never writes as malformed",
		func(path string) {
			_, err := signals.ParsePath(path)
			Expect(err).To(MatchError(streaming.ErrMalformed))
		},
		Entry("empty", ""),
		Entry("version only", "v1"),
		Entry("unknown version", "v9/sine"),
		Entry("unknown kind", "v1/nope"),
		Entry("unreadable number", "v1/sine/s=abc"),
		Entry("unknown key", "v1/sine/zz=1"),
		Entry("segment without '='", "v1/sine/s"),
		Entry("repeated key", "v1/sine/s=100/s=200"),
		Entry("keys out of order", "v1/sine/n=2/s=100"),
		Entry("default spelled out", "v1/sine/s=1000"),
		Entry("non-canonical number", "v1/sine/s=0100"),
		Entry("trailing slash", "v1/sine/"),
		Entry("plus sign", "v1/sine/a=1e+06"),
		Entry("fractional integer", "v1/sine/s=1.5"),
		Entry("negative zero offset", "v1/sine/o=-0"),
		Entry("negative zero amplitude", "v1/sine/a=-0"),
		Entry("negative zero offset, other spelling", "v1/sine/o=-0.0"),
	)

	It("quotes at most a short prefix of a huge path in its errors", func() {
		for _, path := range []string{
			"v1/" + strings.Repeat("k", 1<<20), "v9/" + strings.Repeat("x", 1<<20),
			"v1/sine/" + strings.Repeat("s", 1<<20), "v1/sine/s=" + strings.Repeat("9", 1<<20),
			"v1/sine/zz" + strings.Repeat("z", 1<<20) + "=1",
		} {
			_, err := signals.ParsePath(path)
			Expect(err).To(MatchError(streaming.ErrMalformed))
			Expect(len(err.Error())).To(BeNumerically("<", 200), err.Error()[:min(len(err.Error()), 300)])
		}
	})

	DescribeTable("refuses well-formed paths beyond the bounds as out of bounds",
		func(path string) {
			_, err := signals.ParsePath(path)
			Expect(err).To(MatchError(streaming.ErrOutOfBounds))
		},
		Entry("zero step", "v1/sine/s=0"),
		Entry("step too long", "v1/sine/s=3600001"),
		Entry("too many series", "v1/sine/n=17"),
		Entry("absurdly many series", "v1/sine/n=9223372036854775807"),
		Entry("negative amplitude", "v1/sine/a=-1"),
		Entry("not a number", "v1/sine/a=NaN"),
		Entry("infinite offset", "v1/sine/o=Inf"),
	)
})
