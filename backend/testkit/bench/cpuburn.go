package bench

import "time"

// CPUSample is a process's CPU time (user + system) at a moment.
type CPUSample struct {
	At  time.Time
	CPU time.Duration
}

// BusyShare is the share of one core above which a process counts as busy
// between two samples: an idle Go process uses next to nothing, one that
// computes uses a whole core or more.
const BusyShare = 0.25

// LastBusy is the end of the last interval between consecutive samples (in
// time order) that ends after from and in which the process used more than
// share of a core; an interval that began before from counts from from on.
// It reports false when there is none: the process was not busy after from.
func LastBusy(samples []CPUSample, from time.Time, share float64) (time.Time, bool) {
	for i := len(samples) - 1; i > 0; i-- {
		prev, cur := samples[i-1], samples[i]
		if !cur.At.After(from) {
			break
		}
		begin := prev.At
		if begin.Before(from) {
			begin = from
		}
		// CPU time may be counted in ticks; all of the interval's counts
		// against what is left of it after from.
		span := cur.At.Sub(begin)
		if span > 0 && float64(cur.CPU-prev.CPU) > share*float64(span) {
			return cur.At, true
		}
	}
	return time.Time{}, false
}

// CPUAt is the CPU time of the last sample taken at or before t, or of the
// first sample when all are later; 0 without samples.
func CPUAt(samples []CPUSample, t time.Time) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	at := samples[0].CPU
	for _, s := range samples {
		if s.At.After(t) {
			break
		}
		at = s.CPU
	}
	return at
}
