package retry

import "time"

// Backoff is the wait before reconnecting after n failures in a row:
// lo·2^(n-1), at most hi, with jitter: r in [0, 1) picks a wait between
// half of it and all of it, so that the clients that lost one server do
// not come back in step. n ≤ 0 is treated as 1.
func Backoff(lo, hi time.Duration, n int, r float64) time.Duration {
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	return d/2 + time.Duration(r*float64(d-d/2))
}
