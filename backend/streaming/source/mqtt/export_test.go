package mqtt

import "time"

// Backoff exposes the reconnect backoff to the specs.
type Backoff = backoff

// NewBackoff is the backoff of options with these bounds.
func NewBackoff(minimum, maximum time.Duration) *Backoff {
	return newBackoff(Options{MinBackoff: minimum, MaxBackoff: maximum}.withDefaults())
}

// Delay is the wait after n failures with jitter r in [0, 1).
func (b *backoff) Delay(n int, r float64) time.Duration { return b.delay(n, r) }

// Next is the wait before the next attempt.
func (b *backoff) Next() time.Duration { return b.next() }

// Failed records a failed attempt.
func (b *backoff) Failed() { b.failed() }

// Up records a connection made at now.
func (b *backoff) Up(now time.Time) { b.up(now) }

// Down records the end of the connection at now.
func (b *backoff) Down(now time.Time) { b.down(now) }
