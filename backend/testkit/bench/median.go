package bench

import "slices"

// MedianThroughput is the round with the median rate among rounds of one
// design and query (the lower middle one for an even count), so that a
// round slowed by other work on the machine, or one that had it to itself,
// does not decide a ratio. It panics on no rounds.
func MedianThroughput(rounds []Throughput) Throughput {
	sorted := slices.Clone(rounds)
	slices.SortFunc(sorted, func(a, b Throughput) int {
		switch ra, rb := a.RowsPerSecond(), b.RowsPerSecond(); {
		case ra < rb:
			return -1
		case ra > rb:
			return 1
		}
		return 0
	})
	return sorted[(len(sorted)-1)/2]
}
