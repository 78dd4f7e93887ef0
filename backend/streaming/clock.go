package streaming

import "time"

// Clock is a Pump's time: when points fall due and when to wake. SystemClock
// is the real one; specs and benchmarks bring their own.
type Clock interface {
	// Now is the current time.
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now is time.Now.
func (SystemClock) Now() time.Time { return time.Now() }

// After is time.After.
func (SystemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }
