package streaming

import (
	"errors"
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
// It also keeps the stream limits: a channel counts from its first viewer
// until it is forgotten, against MaxChannels and the process's
// StreamSlots, and a viewer of a new channel past either is refused.
//
// It is safe for concurrent use. Channels whose newest row is older than
// MaxHandoffAge and that no stream runs are forgotten.
type Handoffs struct {
	opts      HandoffOptions
	mu        sync.Mutex
	channels  map[string]*handoff
	lastSweep time.Time
	closed    bool
}

// ErrHandoffsClosed refuses a new viewer or stream after Close: its data
// source was replaced.
var ErrHandoffsClosed = errors.New("the data source was replaced by a newer version of its settings")

// HandoffOptions configure a Handoffs. The zero value sets no limit.
type HandoffOptions struct {
	// MaxChannels is how many channels may be tracked at once: a data
	// source's maxStreams. Zero means no limit.
	MaxChannels int
	// Slots, when set, are shared by every data source of the process.
	Slots *StreamSlots
}

// handoff is one channel's state.
type handoff struct {
	newest  time.Time // the newest row its viewers have
	streams int       // how many of its streams run now
}

// NewHandoffs returns an empty Handoffs. Close it when its data source
// goes away, so that its channels' slots are freed.
func NewHandoffs(opts HandoffOptions) *Handoffs {
	h := &Handoffs{opts: opts, channels: make(map[string]*handoff)}
	if opts.Slots != nil {
		opts.Slots.join(h)
	}
	return h
}

// Admit records that a viewer of the channel at path was given the rows up
// to now. A viewer of a channel not tracked yet is refused with a
// *StreamLimitError when a limit is reached.
func (h *Handoffs) Admit(path string, now time.Time) error {
	c, err := h.track(path, now)
	if err != nil {
		return err
	}
	defer h.mu.Unlock()
	c.newest = latest(c.newest, now)
	return nil
}

// Start records a stream of the channel at path starting at now, and
// returns the newest row its viewers have, for the stream to continue
// after; zero when there is none recent enough. A stream of a channel not
// tracked (Grafana restarts streams without a new viewer) is refused with a
// *StreamLimitError when a limit is reached.
func (h *Handoffs) Start(path string, now time.Time) (time.Time, error) {
	c, err := h.track(path, now)
	if err != nil {
		return time.Time{}, err
	}
	defer h.mu.Unlock()
	c.streams++
	if !fresh(c.newest, now) {
		return time.Time{}, nil
	}
	return c.newest, nil
}

// Sent records the newest row a stream of the channel at path sent.
func (h *Handoffs) Sent(path string, newest time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if c, ok := h.channels[path]; ok {
		c.newest = latest(c.newest, newest)
	}
}

// Stop records that a stream of the channel at path ended. What its viewers
// have is kept for a while, for a stream Grafana restarts; after Close the
// channel is forgotten at once.
func (h *Handoffs) Stop(path string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c, ok := h.channels[path]
	if !ok {
		return
	}
	if c.streams > 0 {
		c.streams--
	}
	if h.closed && c.streams == 0 {
		h.forget(path)
	}
}

// Close forgets every channel no stream runs and frees its slot; channels
// with a running stream are forgotten as their streams stop. Call it when
// the data source goes away (Grafana replaced or removed it).
func (h *Handoffs) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for path, c := range h.channels {
		if c.streams == 0 {
			h.forget(path)
		}
	}
	if h.opts.Slots != nil {
		h.opts.Slots.leave(h)
	}
}

// Len is how many channels are remembered.
func (h *Handoffs) Len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.channels)
}

// track returns path's state, made when missing and the limits allow it,
// with h.mu held; on error h.mu is not held.
func (h *Handoffs) track(path string, now time.Time) (*handoff, error) {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, ErrHandoffsClosed
	}
	if now.Sub(h.lastSweep) >= MaxHandoffAge {
		h.sweepNow(now)
	}
	if c, ok := h.channels[path]; ok {
		return c, nil
	}
	if max := h.opts.MaxChannels; max > 0 && len(h.channels) >= max {
		h.sweepNow(now)
		if len(h.channels) >= max {
			h.mu.Unlock()
			return nil, &StreamLimitError{Scope: ScopeDataSource, Limit: max}
		}
	}
	if slots := h.opts.Slots; slots != nil && !slots.acquire() {
		// Stale channels of any data source may hold slots: free them and
		// try once more.
		h.mu.Unlock()
		slots.reclaim(now)
		h.mu.Lock()
		if c, ok := h.channels[path]; ok {
			return c, nil
		}
		if !slots.acquire() {
			h.mu.Unlock()
			return nil, &StreamLimitError{Scope: ScopeProcess, Limit: slots.Max()}
		}
	}
	c := &handoff{}
	h.channels[path] = c
	return c, nil
}

// forget drops path's state and frees its slot; h.mu is held.
func (h *Handoffs) forget(path string) {
	delete(h.channels, path)
	if h.opts.Slots != nil {
		h.opts.Slots.release(1)
	}
}

// sweepNow forgets the channels no stream runs whose newest row is stale;
// h.mu is held. It runs at most once per MaxHandoffAge from track, so that
// it costs little per call, and whenever a limit is reached.
func (h *Handoffs) sweepNow(now time.Time) {
	h.lastSweep = now
	for path, c := range h.channels {
		if c.streams == 0 && !fresh(c.newest, now) {
			h.forget(path)
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
