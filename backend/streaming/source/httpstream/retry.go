package httpstream

import "time"

// Bounds of the wait before reconnecting to a stream.
const (
	// MinRetryDelay is the shortest wait a server's retry field can ask
	// for: a server that says less (0 ms, say) does not make Pulse hammer
	// it.
	MinRetryDelay = 100 * time.Millisecond
	// MaxRetryDelay is the longest wait a server's retry field can ask
	// for: a server that says more does not keep a panel stale for hours.
	MaxRetryDelay = 60 * time.Second
	// DefaultRetryDelay is the wait when the server set no retry field,
	// the few seconds browsers wait.
	DefaultRetryDelay = 3 * time.Second
)

// RetryDelay is the wait before reconnecting to a stream whose server set
// serverRetry with a retry field (SSEReader.Retry): DefaultRetryDelay (3 s)
// when it set none (0 or less), otherwise serverRetry within
// [MinRetryDelay, MaxRetryDelay], 100 ms to 60 s.
func RetryDelay(serverRetry time.Duration) time.Duration {
	if serverRetry <= 0 {
		return DefaultRetryDelay
	}
	return min(max(serverRetry, MinRetryDelay), MaxRetryDelay)
}
