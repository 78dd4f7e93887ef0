package websocket

import "time"

// BackoffDelay is the wait after n failures with jitter r in [0, 1), for
// backoff bounds minimum and maximum.
func BackoffDelay(minimum, maximum time.Duration, n int, r float64) time.Duration {
	return newBackoff(Options{MinBackoff: minimum, MaxBackoff: maximum}.withDefaults()).delay(n, r)
}

// BackoffAfter is the wait before the next attempt after a connection
// that stayed up for up, following failures failed attempts, with the
// largest jitter.
func BackoffAfter(minimum, maximum time.Duration, failures int, up time.Duration) time.Duration {
	b := newBackoff(Options{MinBackoff: minimum, MaxBackoff: maximum}.withDefaults())
	for range failures {
		b.failed()
	}
	now := time.Now()
	b.up(now)
	b.down(now.Add(up))
	return b.delay(b.failures, 0.999999)
}
