package retry

import (
	"context"
	"time"
)

// Sleep waits d before the next attempt, or less when ctx ends first; it
// reports whether ctx is still going.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
