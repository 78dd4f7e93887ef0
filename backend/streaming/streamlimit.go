package streaming

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Stream limits: how many channels Pulse streams at once.
const (
	// DefaultMaxStreams is how many channels one data source streams at
	// once unless its settings say otherwise (maxStreams).
	DefaultMaxStreams = 1_000
	// DefaultProcessMaxStreams is how many channels the whole plugin
	// process streams at once, across its data sources.
	DefaultProcessMaxStreams = 10_000
)

// ErrTooManyStreams marks a viewer refused because a stream limit is
// reached.
var ErrTooManyStreams = errors.New("too many streams")

// StreamLimitError says which stream limit refused a new channel.
type StreamLimitError struct {
	// Scope is "data source" (its maxStreams setting) or "process" (the
	// plugin's cap across data sources).
	Scope string
	// Limit is the number of channels that limit allows.
	Limit int
}

// Scopes of a StreamLimitError.
const (
	ScopeDataSource = "data source"
	ScopeProcess    = "process"
)

func (e *StreamLimitError) Error() string {
	if e.Scope == ScopeDataSource {
		return fmt.Sprintf("this data source streams %d channels already, the most its maxStreams setting allows", e.Limit)
	}
	return fmt.Sprintf("the plugin streams %d channels already, the most one process allows", e.Limit)
}

// Unwrap lets errors.Is find ErrTooManyStreams.
func (e *StreamLimitError) Unwrap() error { return ErrTooManyStreams }

// StreamSlots caps the channels a whole process streams at once, across
// its data sources: each channel a Handoffs tracks holds one slot, from its
// first viewer until it is forgotten. It is safe for concurrent use; a
// Handoffs calls it while holding its own lock, never the other way round.
type StreamSlots struct {
	mu     sync.Mutex
	max    int
	used   int
	owners map[*Handoffs]struct{}
}

// NewStreamSlots allows max channels at once; zero or less means
// DefaultProcessMaxStreams.
func NewStreamSlots(max int) *StreamSlots {
	if max <= 0 {
		max = DefaultProcessMaxStreams
	}
	return &StreamSlots{max: max, owners: map[*Handoffs]struct{}{}}
}

// Max is how many channels the slots allow at once.
func (s *StreamSlots) Max() int { return s.max }

// InUse is how many slots channels hold now.
func (s *StreamSlots) InUse() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used
}

func (s *StreamSlots) acquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.used >= s.max {
		return false
	}
	s.used++
	return true
}

func (s *StreamSlots) release(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used -= n
}

func (s *StreamSlots) join(h *Handoffs) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.owners[h] = struct{}{}
}

func (s *StreamSlots) leave(h *Handoffs) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.owners, h)
}

// reclaim makes every Handoffs forget its stale channels, freeing their
// slots. The caller holds no Handoffs' lock.
func (s *StreamSlots) reclaim(now time.Time) {
	s.mu.Lock()
	owners := make([]*Handoffs, 0, len(s.owners))
	for h := range s.owners {
		owners = append(owners, h)
	}
	s.mu.Unlock()
	for _, h := range owners {
		h.mu.Lock()
		h.sweepNow(now)
		h.mu.Unlock()
	}
}
