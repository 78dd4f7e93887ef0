package signals

import "math"

// goldenFraction spreads seeds evenly over a cycle.
const goldenFraction = 0.6180339887498949

// Value is series' value at grid index n, the point at n*StepMs
// milliseconds since the Unix epoch. It is a pure function of the query, the
// series (0-based) and n: the backfill, the stream and every restart agree.
func (q Query) Value(series int, n int64) float64 {
	switch q.Kind {
	case KindSine, KindSquare, KindSawtooth:
		return q.periodicValue(q.cyclePosition(series, n))
	case KindCounter:
		return q.Offset + q.Amplitude*float64(q.PointOfDay(n))
	default:
		return q.walkValue(walk(q.walkKey(series), n))
	}
}

// walkValue scales a unit random walk. The conversion stops a fused
// multiply-add, so Value and fillValues compute the same bits everywhere.
func (q Query) walkValue(w float64) float64 { return q.Offset + float64(q.Amplitude*w) }

// fillValues writes series' values at grid indexes first, first+stride, …
// into dst (a random walk through cache, which may be nil): the same numbers as Value, bit for bit, but a periodic kind
// steps its position through the cycle in integers instead of dividing
// for every point, which makes a stream's frames several times cheaper.
func (q Query) fillValues(series int, first, stride int64, dst []float64, cache *walkCache) {
	switch q.Kind {
	case KindSine, KindSquare, KindSawtooth:
		phase := q.Phase(series)
		t := mulMod(first, q.StepMs, q.PeriodMs)
		dt := mulMod(stride, q.StepMs, q.PeriodMs)
		for i := range dst {
			dst[i] = q.periodicValue(cycleFraction(t, q.PeriodMs, phase))
			if t += dt; t >= q.PeriodMs {
				t -= q.PeriodMs
			}
		}
	case KindCounter:
		for i := range dst {
			dst[i] = q.Value(series, first+int64(i)*stride)
		}
	default:
		fillWalk(q.walkKey(series), first, stride, dst, q.walkValue, cache)
	}
}

// dayMs is one day in milliseconds.
const dayMs = 86_400_000

// PointOfDay is how many grid points of its UTC day come before the point
// at grid index n: 0 for the first point at or after midnight, 1 for the
// next, and so on. A counter counts it, so that it reads as a count (it
// starts again at 0 every midnight UTC) yet stays a pure function of the
// time.
func (q Query) PointOfDay(n int64) int64 {
	midnight := floorDiv(n*q.StepMs, dayMs) * dayMs
	return n + floorDiv(-midnight, q.StepMs) // n minus the first index at or after midnight
}

// periodicValue is a periodic kind's value at position x in its cycle.
func (q Query) periodicValue(x float64) float64 {
	switch q.Kind {
	case KindSine:
		return q.Offset + q.Amplitude*math.Sin(2*math.Pi*x)
	case KindSquare:
		if x < 0.5 {
			return q.Offset + q.Amplitude
		}
		return q.Offset - q.Amplitude
	default:
		return q.Offset + q.Amplitude*(2*x-1)
	}
}

// Phase is where in its cycle a series starts at the epoch, in [0, 1):
// frac(series/SeriesCount + Seed*0.6180339887498949).
func (q Query) Phase(series int) float64 {
	p := float64(series)/float64(q.SeriesCount) + float64(q.Seed)*goldenFraction
	return p - math.Floor(p)
}

// cyclePosition is the fraction of the cycle elapsed at grid index n, in
// [0, 1). The time is reduced modulo the period in integers first, so the
// position stays exact for times far from the epoch.
func (q Query) cyclePosition(series int, n int64) float64 {
	return cycleFraction(mulMod(n, q.StepMs, q.PeriodMs), q.PeriodMs, q.Phase(series))
}

// cycleFraction is frac(t/period + phase) for t in [0, period).
func cycleFraction(t, period int64, phase float64) float64 {
	p := float64(t)/float64(period) + phase
	return p - math.Floor(p)
}

// mulMod is (n*step) mod period, non-negative, without overflow for any
// int64 n and the bounded step and period.
func mulMod(n, step, period int64) int64 {
	r := (n % period) * (step % period) % period
	if r < 0 {
		r += period
	}
	return r
}

// walkKey separates the random walks of different seeds and series.
func (q Query) walkKey(series int) uint64 {
	return uint64(q.Seed)<<8 | uint64(series)
}
