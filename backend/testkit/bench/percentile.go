package bench

import (
	"math"
	"slices"
	"time"
)

// Percentile is the nearest-rank p-th percentile (0 < p <= 100) of sorted
// samples: the smallest sample at least p percent of all samples are less
// than or equal to. It is 0 for no samples.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// Distribution summarises latency samples.
type Distribution struct {
	Count         int
	P50, P99, Max time.Duration
}

// Summarize sorts samples in place and summarises them.
func Summarize(samples []time.Duration) Distribution {
	slices.Sort(samples)
	d := Distribution{Count: len(samples), P50: Percentile(samples, 50), P99: Percentile(samples, 99)}
	if len(samples) > 0 {
		d.Max = samples[len(samples)-1]
	}
	return d
}
