package bench

import (
	"sync"
	"time"
)

// VirtualClock is a streaming.Clock that never waits: After(d) moves its
// time forward by d and returns a channel that is ready at once. A pump on
// it batches rows exactly as on the wall clock (one flush window's rows per
// frame) but sends them as fast as the receiver takes them, which is what
// a throughput measurement needs.
type VirtualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewVirtualClock returns a clock that reads start until something waits
// on it.
func NewVirtualClock(start time.Time) *VirtualClock {
	return &VirtualClock{now: start}
}

// Now is the virtual time.
func (c *VirtualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// After advances the virtual time by d (not at all for d <= 0) and returns
// a channel already holding the new time.
func (c *VirtualClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	if d > 0 {
		c.now = c.now.Add(d)
	}
	now := c.now
	c.mu.Unlock()
	ready := make(chan time.Time, 1)
	ready <- now
	return ready
}
