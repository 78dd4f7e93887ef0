package httpstream

import (
	"math/rand/v2"
	"time"
)

// backoff is the wait after n failures in a row: lo·2^(n-1), at most hi,
// with jitter: a random wait between half of it and all of it, so that
// streams that lost one server do not come back in step. n ≤ 0 is treated
// as 1: a stream never reconnects at once.
func backoff(lo, hi time.Duration, n int) time.Duration {
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	return d/2 + time.Duration(rand.Float64()*float64(d-d/2))
}
