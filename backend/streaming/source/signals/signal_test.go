package signals_test

import (
	"math"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

func query(kind signals.Kind, mutate ...func(*signals.Query)) signals.Query {
	q := signals.DefaultQuery()
	q.Kind = kind
	for _, m := range mutate {
		m(&q)
	}
	return q
}

var _ = Describe("Signals", func() {
	// 2026-11-24T00:00:00Z, a multiple of every period used below.
	const day = int64(20416)
	dayMs := day * 86_400_000

	It("computes sine from the documented formula", func() {
		q := query(signals.KindSine, func(q *signals.Query) { q.StepMs, q.PeriodMs, q.Amplitude, q.Offset = 250, 1000, 2, 5 })
		n := dayMs / 250
		Expect(q.Value(0, n)).To(BeNumerically("~", 5, 1e-9))
		Expect(q.Value(0, n+1)).To(BeNumerically("~", 7, 1e-9))
		Expect(q.Value(0, n+2)).To(BeNumerically("~", 5, 1e-9))
		Expect(q.Value(0, n+3)).To(BeNumerically("~", 3, 1e-9))
	})

	It("spreads series and seeds over the cycle", func() {
		q := query(signals.KindSine, func(q *signals.Query) { q.SeriesCount = 4 })
		Expect(q.Phase(0)).To(Equal(0.0))
		Expect(q.Phase(1)).To(Equal(0.25))
		Expect(q.Phase(3)).To(Equal(0.75))
		q.Seed = 1
		Expect(q.Phase(0)).To(BeNumerically("~", 0.6180339887498949, 1e-12))
		Expect(q.Phase(2)).To(BeNumerically("~", 0.1180339887498949, 1e-12))
	})

	It("computes square and sawtooth from the documented formulas", func() {
		sq := query(signals.KindSquare, func(q *signals.Query) { q.StepMs, q.PeriodMs, q.Amplitude, q.Offset = 100, 400, 1, 10 })
		n := dayMs / 100
		Expect([]float64{sq.Value(0, n), sq.Value(0, n+1), sq.Value(0, n+2), sq.Value(0, n+3), sq.Value(0, n+4)}).
			To(Equal([]float64{11, 11, 9, 9, 11}))

		saw := query(signals.KindSawtooth, func(q *signals.Query) { q.StepMs, q.PeriodMs, q.Amplitude, q.Offset = 100, 400, 1, 0 })
		Expect([]float64{saw.Value(0, n), saw.Value(0, n+1), saw.Value(0, n+2), saw.Value(0, n+3), saw.Value(0, n+4)}).
			To(Equal([]float64{-1, -0.5, 0, 0.5, -1}))
	})

	It("counts grid points since midnight UTC", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.Amplitude, q.Offset = 2, 1 })
		Expect(q.Value(0, 0)).To(Equal(1.0))
		Expect(q.Value(5, 7)).To(Equal(15.0))
		// 2025-11-24 16:00:00 UTC, one-second steps: 57 600 points since midnight.
		Expect(q.Value(0, 1_764_000_000)).To(Equal(1 + 2*57_600.0))
		midnight := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
		Expect(q.Value(0, q.Index(midnight)-1)).To(Equal(1+2*86_399.0), "the last point of a day")
		Expect(q.Value(0, q.Index(midnight))).To(Equal(1.0), "midnight starts again at 0")
	})

	It("counts from the first point at or after midnight when steps do not divide a day", func() {
		q := query(signals.KindCounter, func(q *signals.Query) { q.StepMs, q.Amplitude, q.Offset = 7_000, 1, 0 })
		midnight := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
		first := q.Index(midnight.Add(-time.Millisecond)) + 1 // the first point at or after midnight
		Expect(q.Time(first).Before(midnight)).To(BeFalse())
		Expect(q.Time(first - 1).Before(midnight)).To(BeTrue())
		Expect(q.Value(0, first)).To(Equal(0.0))
		Expect(q.Value(0, first+5)).To(Equal(5.0))
		Expect(q.Value(0, first-1)).To(Equal(float64((86_400_000-1)/7_000)), "the day before ends at its last point's count")
		Expect(q.Value(0, -1)).To(BeNumerically(">", 0), "before the epoch too, a count within its day")
	})

	It("keeps periodic positions exact far from the epoch", func() {
		q := query(signals.KindSawtooth, func(q *signals.Query) { q.StepMs, q.PeriodMs = 1, 10 })
		Expect(q.Value(0, math.MaxInt64/2)).To(BeNumerically("~", q.Value(0, (math.MaxInt64/2)%10), 1e-12))
	})

	Describe("random walk", func() {
		q := query(signals.KindRandomWalk, func(q *signals.Query) { q.Amplitude, q.Offset = 3, 100 })

		It("is a pure function of the query and the index", func() {
			again := q
			for n := int64(-1000); n < 1000; n += 37 {
				Expect(again.Value(0, n)).To(Equal(q.Value(0, n)))
			}
		})

		It("takes steps of about amplitude and stays near offset", func() {
			const points = 200_000
			var sumSq, sum float64
			prev := q.Value(0, 0)
			for n := int64(1); n <= points; n++ {
				v := q.Value(0, n)
				sumSq += (v - prev) * (v - prev)
				sum += v
				prev = v
			}
			Expect(math.Sqrt(sumSq / points)).To(BeNumerically("~", 3, 0.3))
			// Anchors are spread by amplitude*sqrt(128) ≈ 34 around the offset.
			Expect(sum / points).To(BeNumerically("~", 100, 15))
		})

		It("differs between series and between seeds", func() {
			other := q
			other.Seed = 1
			differ := 0
			for n := int64(1); n < 100; n++ {
				if q.Value(0, n) != q.Value(1, n) && q.Value(0, n) != other.Value(0, n) {
					differ++
				}
			}
			Expect(differ).To(Equal(99))
		})

		It("continues across anchors and before the epoch without jumps", func() {
			for _, n := range []int64{-257, -256, -1, 0, 255, 256, 511, 512} {
				Expect(math.Abs(q.Value(0, n+1)-q.Value(0, n))).To(BeNumerically("<", 3*6), "at %d", n)
			}
		})
	})
})
