package websocket

import (
	"math/rand/v2"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/retry"
)

// backoff decides how long a subscription's connection loop waits before
// dialling again. The rule:
//
//   - the first attempt goes at once;
//   - after n failures in a row the wait is min·2^(n-1), at most max,
//     with jitter: a random duration between half of it and all of it,
//     so that the connections a server dropped at once do not come back
//     in step;
//   - the end of a connection counts as a failure, whatever its close
//     code; one that stayed up for at least max starts the count again,
//     so the first reconnect after it waits about min, while a server
//     that accepts and drops at once is dialled ever more slowly.
//
// It belongs to one goroutine: it has no lock.
type backoff struct {
	min, max time.Duration
	failures int
	upAt     time.Time
}

func newBackoff(o Options) *backoff { return &backoff{min: o.MinBackoff, max: o.MaxBackoff} }

// next is the wait before the next attempt.
func (b *backoff) next() time.Duration { return b.delay(b.failures, rand.Float64()) }

// delay is the wait after n failures, with r in [0, 1) choosing the
// jitter.
func (b *backoff) delay(n int, r float64) time.Duration {
	if n <= 0 {
		return 0
	}
	return retry.Backoff(b.min, b.max, n, r)
}

// failed records a failed attempt.
func (b *backoff) failed() { b.failures++ }

// up records a connection made at now.
func (b *backoff) up(now time.Time) { b.upAt = now }

// down records, at now, the end of the connection last made.
func (b *backoff) down(now time.Time) {
	if now.Sub(b.upAt) >= b.max {
		b.failures = 0
	}
	b.failures++
}
