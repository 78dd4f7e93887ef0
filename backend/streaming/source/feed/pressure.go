package feed

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/history"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// Back-pressure from a tap's streams to its Upstream: a tap whose ring
// would evict rows a stream has not sent yet waits for the stream, so that
// a burst a stream can send, given a moment, is not lost. The wait slows
// the Upstream's handler goroutine, and with it the feed where the
// protocol lets it (TCP for HTTP and WebSocket, JetStream's pull), never
// for long: a stream that sends nothing for Options.PressureWait counts as stalled
// (its receiver stopped reading) and is not waited for again until it has
// caught up, so that a stalled receiver holds no buffer and slows nothing.
const (
	// DefaultPressureWait is Options.PressureWait's default: how long a tap
	// waits at most for a stream that makes no progress.
	DefaultPressureWait = time.Second
	// highWater is the ring fill, for the slowest stream, past which a
	// tap waits and a stream sends without waiting for its window.
	highWater = 0.75
	// lowWater is the fill below which a stalled stream counts again.
	lowWater = 0.5
)

// cursor is where one stream of a tap is in its ring.
type cursor struct {
	next    uint64 // the ring sequence after the rows it sent
	stalled bool   // it made no progress for PressureWait: not waited for
}

// readers are the cursors of a tap's streams. Streams move their cursor
// as they send; the tap's handler waits in await while the ring has no
// room for the slowest one.
type readers struct {
	wait     time.Duration // Options.PressureWait
	mu       sync.Mutex
	cursors  []*cursor     // a slice: the handler goes through it at every message
	progress chan struct{} // closed and replaced when a cursor moves or goes
	// press is closed and replaced when the tap starts to wait, and
	// pressing is true while it waits: streams then send what they have
	// without waiting for their window.
	press    chan struct{}
	pressing atomic.Bool
}

func newReaders(wait time.Duration) *readers {
	return &readers{wait: wait, progress: make(chan struct{}), press: make(chan struct{})}
}

// pressed is closed when the tap next starts to wait for its streams.
func (r *readers) pressed() <-chan struct{} {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.press
}

// add registers a stream that starts at next.
func (r *readers) add(next uint64) *cursor {
	c := &cursor{next: next}
	r.mu.Lock()
	r.cursors = append(r.cursors, c)
	r.mu.Unlock()
	return c
}

// remove forgets a stream that ended.
func (r *readers) remove(c *cursor) {
	r.mu.Lock()
	r.cursors = removeSwapped(r.cursors, c)
	r.wakeLocked()
	r.mu.Unlock()
}

// moved records that a stream got to next in ring; a stalled one counts
// again once it caught up below lowWater.
func (r *readers) moved(c *cursor, next uint64, ring *history.Ring) {
	r.mu.Lock()
	if next != c.next || c.stalled {
		c.next = next
		if c.stalled && ring.Fill(next, 0, 0) < lowWater {
			c.stalled = false
		}
		r.wakeLocked()
	}
	r.mu.Unlock()
}

func (r *readers) wakeLocked() {
	close(r.progress)
	r.progress = make(chan struct{})
}

// await returns once ring has room for rows of series for every stream
// that is not stalled, or at once when quit is closed. Streams that made
// no progress for the wait while it waited are marked stalled.
func (r *readers) await(ring *history.Ring, series string, rows []jsonframe.Row, quit <-chan struct{}) {
	bytes := int64(-1) // sized once a stream reads the tap
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
			r.pressing.Store(false)
		}
	}()
	for {
		r.mu.Lock()
		if len(r.cursors) == 0 {
			r.mu.Unlock()
			return // no stream reads the tap (a query's only): nothing to size
		}
		if bytes < 0 {
			bytes = 0
			for _, row := range rows {
				bytes += history.EntryBytes(series, row)
			}
		}
		waiting := false
		for _, c := range r.cursors {
			if !c.stalled && ring.Fill(c.next, len(rows), bytes) > highWater {
				waiting = true
				break
			}
		}
		progress := r.progress
		r.mu.Unlock()
		if !waiting {
			return
		}
		if timer == nil {
			timer = time.NewTimer(r.wait)
			r.pressing.Store(true)
			r.mu.Lock()
			close(r.press)
			r.press = make(chan struct{})
			r.mu.Unlock()
		}
		select {
		case <-progress:
			// A stream moved: some room, perhaps; wait anew for the rest.
			// (Since Go 1.23, Reset drops a tick not yet received.)
			timer.Reset(r.wait)
		case <-timer.C:
			r.stall(ring, len(rows), bytes)
			return
		case <-quit:
			return
		}
	}
}

// stall marks the streams that still lack room as stalled.
func (r *readers) stall(ring *history.Ring, rows int, bytes int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.cursors {
		if ring.Fill(c.next, rows, bytes) > highWater {
			c.stalled = true
		}
	}
}
