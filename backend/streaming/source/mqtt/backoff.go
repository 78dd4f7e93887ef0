package mqtt

import (
	"math/rand/v2"
	"sync"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/retry"
)

// backoff decides how long a link waits before its next connection
// attempt. The rule:
//
//   - the first attempt, and the first after a connection that stayed up
//     for at least max, go at once;
//   - after n failures in a row the wait is min·2^(n-1), at most max, with
//     jitter: a random duration between half of it and all of it, so that
//     many clients that lost one broker do not come back in step;
//   - a connection that ends sooner than max after it was made counts as a
//     failure, so that a broker that accepts and then drops the client (a
//     client ID taken over by another connection, say) is not hammered.
//
// It is safe for concurrent use.
type backoff struct {
	min, max time.Duration

	mu       sync.Mutex
	failures int
	upAt     time.Time
}

func newBackoff(o Options) *backoff { return &backoff{min: o.MinBackoff, max: o.MaxBackoff} }

// next is the wait before the next attempt.
func (b *backoff) next() time.Duration {
	b.mu.Lock()
	n := b.failures
	b.mu.Unlock()
	return b.delay(n, rand.Float64())
}

// delay is the wait after n failures, with r in [0, 1) choosing the jitter.
func (b *backoff) delay(n int, r float64) time.Duration {
	if n <= 0 {
		return 0
	}
	return retry.Backoff(b.min, b.max, n, r)
}

// failed records a failed attempt.
func (b *backoff) failed() {
	b.mu.Lock()
	b.failures++
	b.mu.Unlock()
}

// up records a connection made at now.
func (b *backoff) up(now time.Time) {
	b.mu.Lock()
	b.upAt = now
	b.mu.Unlock()
}

// down records, at now, the end of the connection last made: a short one
// counts as a failure, a long one starts the count again.
func (b *backoff) down(now time.Time) {
	b.mu.Lock()
	if now.Sub(b.upAt) >= b.max {
		b.failures = 0
	} else {
		b.failures++
	}
	b.mu.Unlock()
}
