package bench

import "time"

// Settler tells when a sampled figure, a process's resident memory, has
// stopped moving: once the samples of the last Quiet span (the latest one
// at least Quiet old and every one after it) lie within the slack of one
// another. The slack is the larger of SlackBytes and SlackShare of the
// span's largest sample, so that a large process may breathe a little. Feed
// it samples in time order with Add. The zero value uses 3 s, 1 MiB and 1 %.
type Settler struct {
	Quiet      time.Duration
	SlackBytes int64
	SlackShare float64

	samples []settleSample
	level   int64
}

type settleSample struct {
	at    time.Time
	value int64
}

func (s *Settler) quiet() time.Duration {
	if s.Quiet > 0 {
		return s.Quiet
	}
	return 3 * time.Second
}

// slack is how far apart settled samples may be when the largest is peak.
func (s *Settler) slack(peak int64) int64 {
	bytes, share := s.SlackBytes, s.SlackShare
	if bytes <= 0 {
		bytes = 1 << 20
	}
	if share <= 0 {
		share = 0.01
	}
	return max(bytes, int64(share*float64(peak)))
}

// Add records the value sampled at at and reports whether the samples have
// settled.
func (s *Settler) Add(at time.Time, value int64) bool {
	s.samples = append(s.samples, settleSample{at, value})
	// The span starts at the latest sample at least Quiet before this one;
	// older samples are of no more use.
	start := -1
	for i := len(s.samples) - 1; i >= 0; i-- {
		if at.Sub(s.samples[i].at) >= s.quiet() {
			start = i
			break
		}
	}
	if start < 0 {
		return false
	}
	s.samples = s.samples[start:]
	lo, hi := s.samples[0].value, s.samples[0].value
	for _, v := range s.samples[1:] {
		lo, hi = min(lo, v.value), max(hi, v.value)
	}
	if hi-lo > s.slack(hi) {
		return false
	}
	s.level = hi
	return true
}

// Level is the largest sample of the span that settled, or 0 before Add
// first reported settled samples.
func (s *Settler) Level() int64 { return s.level }

// Last is the latest sample, or 0 before any.
func (s *Settler) Last() int64 {
	if len(s.samples) == 0 {
		return 0
	}
	return s.samples[len(s.samples)-1].value
}
