package streaming

import (
	"sync"
	"time"
)

// MaxHandoffAge is how old the newest row a channel's viewers have may be
// for a stream to continue from it. Older, and the viewers have long missed
// points anyway: the stream starts from now rather than replay them.
const MaxHandoffAge = 10 * time.Second

// Handoffs keeps, per channel path, the newest row the channel's viewers
// have, so that no point falls between what a viewer was given and what
// the stream sends. Grafana admits a viewer (SubscribeStream, whose initial
// data ends at the newest row due) before it starts the channel's stream,
// and restarts a stream that failed: a stream that starts continues from
// the newest row given or sent, instead of from the first point due after
// it started.
//
// A viewer who joins a running stream is given the rows up to now, some of
// which the stream's next frame sends again: Grafana may publish that frame
// before it has added the viewer, and a row twice is better than a gap.
//
// It is safe for concurrent use. Channels whose newest row is older than
// MaxHandoffAge and that no stream runs are forgotten.
type Handoffs struct {
	mu        sync.Mutex
	channels  map[string]*handoff
	lastSweep time.Time
}

// handoff is one channel's state.
type handoff struct {
	newest  time.Time // the newest row its viewers have
	streams int       // how many of its streams run now
}

// NewHandoffs returns an empty Handoffs.
func NewHandoffs() *Handoffs {
	return &Handoffs{channels: make(map[string]*handoff)}
}

// Admit records that a viewer of the channel at path was given the rows up
// to now.
func (h *Handoffs) Admit(path string, now time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sweep(now)
	c := h.channel(path)
	c.newest = latest(c.newest, now)
}

// Start records a stream of the channel at path starting at now, and
// returns the newest row its viewers have, for the stream to continue
// after; zero when there is none recent enough.
func (h *Handoffs) Start(path string, now time.Time) time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sweep(now)
	c := h.channel(path)
	c.streams++
	if !fresh(c.newest, now) {
		return time.Time{}
	}
	return c.newest
}

// Sent records the newest row a stream of the channel at path sent.
func (h *Handoffs) Sent(path string, newest time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.channel(path)
	c.newest = latest(c.newest, newest)
}

// Stop records that a stream of the channel at path ended. What its viewers
// have is kept for a while, for a stream Grafana restarts.
func (h *Handoffs) Stop(path string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c, ok := h.channels[path]; ok && c.streams > 0 {
		c.streams--
	}
}

// Len is how many channels are remembered.
func (h *Handoffs) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.channels)
}

// channel is path's state, made when missing; h.mu is held.
func (h *Handoffs) channel(path string) *handoff {
	c, ok := h.channels[path]
	if !ok {
		c = &handoff{}
		h.channels[path] = c
	}
	return c
}

// sweep forgets the channels no stream runs whose newest row is stale, at
// most once per MaxHandoffAge so that it costs little per call; h.mu is
// held.
func (h *Handoffs) sweep(now time.Time) {
	if now.Sub(h.lastSweep) < MaxHandoffAge {
		return
	}
	h.lastSweep = now
	for path, c := range h.channels {
		if c.streams == 0 && !fresh(c.newest, now) {
			delete(h.channels, path)
		}
	}
}

// fresh says whether a row at t is recent enough at now to continue from.
func fresh(t, now time.Time) bool {
	return !t.IsZero() && !t.After(now) && now.Sub(t) <= MaxHandoffAge
}

// latest is the later of a and b.
func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
