package contract

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// ErrClosed is wrapped by Next's error after the subscription was closed.
var ErrClosed = errors.New("subscription closed")

// ErrEnded is wrapped by Next's error once the subscription ended without
// Close; the error says why.
var ErrEnded = errors.New("subscription ended")

// FrameQueue is what a driver's Subscription keeps between the frames
// pushed to its channel and the spec that reads them: the raw frames in
// order, decoded in Next under the last schema seen (the admission's
// first), and how the subscription ended. Pushes may come from any
// goroutine; Next is for one reader.
type FrameQueue struct {
	channel string
	limit   int

	mu     sync.Mutex
	frames [][]byte
	read   int // frames Next took, to name a frame it cannot decode
	ended  error
	closed bool
	wake   chan struct{} // has a token when something changed

	decoder pluginhost.FrameDecoder // Next's alone, after Admit
}

// NewFrameQueue is an empty queue for channel that holds at most limit
// frames Next has not taken (zero: no limit). A queue that would hold more
// ends, saying so, rather than drop frames without a word.
func NewFrameQueue(channel string, limit int) *FrameQueue {
	return &FrameQueue{channel: channel, limit: limit, wake: make(chan struct{}, 1)}
}

// Admit decodes the data the admission carried, if any, so that the
// data-only frames after it decode under its schema. Call it before Next.
func (q *FrameQueue) Admit(initial []byte) (pluginhost.Packet, bool, error) {
	if len(initial) == 0 {
		return pluginhost.Packet{}, false, nil
	}
	p, err := q.decoder.Decode(initial)
	if err != nil {
		return pluginhost.Packet{}, false, err
	}
	return p, true, nil
}

// Push queues a frame as it was pushed. It returns false when the queue
// ended, before or because this frame would pass its limit.
func (q *FrameQueue) Push(raw []byte) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.ended != nil || q.closed {
		return false
	}
	if q.limit > 0 && len(q.frames) >= q.limit {
		q.endLocked(fmt.Errorf("more than %d frames waited for Next; later ones were not kept", q.limit))
		return false
	}
	q.frames = append(q.frames, raw)
	q.signal()
	return true
}

// End ends the queue with why, once Next has taken the frames queued
// before. Only the first end counts; End says whether this was it.
func (q *FrameQueue) End(why error) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.endLocked(why)
}

func (q *FrameQueue) endLocked(why error) bool {
	if q.ended != nil || q.closed {
		return false
	}
	q.ended = fmt.Errorf("%w: %w", ErrEnded, why)
	q.signal()
	return true
}

// Close ends the queue at once: Next returns ErrClosed, even with frames
// queued.
func (q *FrameQueue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed, q.frames = true, nil
	q.signal()
}

// Len is how many frames wait for Next, and whether the queue ended.
func (q *FrameQueue) Len() (int, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.frames), q.ended != nil
}

// signal wakes a waiting Next; q.mu is held.
func (q *FrameQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Next takes the next frame and decodes it, waiting for one. A frame it
// cannot read is an error, not skipped: a data-only one before any schema
// wraps pluginhost.ErrNoSchema.
func (q *FrameQueue) Next(ctx context.Context) (pluginhost.Packet, error) {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return pluginhost.Packet{}, fmt.Errorf("reading %s: %w", q.channel, ErrClosed)
		}
		if len(q.frames) > 0 {
			raw := q.frames[0]
			q.frames[0] = nil
			q.frames = q.frames[1:]
			q.read++
			n := q.read
			q.mu.Unlock()
			p, err := q.decoder.Decode(raw)
			if err != nil {
				return pluginhost.Packet{}, fmt.Errorf("reading %s: frame %d (%d bytes): %w", q.channel, n, len(raw), err)
			}
			return p, nil
		}
		ended := q.ended
		q.mu.Unlock()
		if ended != nil {
			return pluginhost.Packet{}, fmt.Errorf("reading %s: %w", q.channel, ended)
		}
		select {
		case <-q.wake:
		case <-ctx.Done():
			return pluginhost.Packet{}, fmt.Errorf("waiting for a frame on %s: %w", q.channel, ctx.Err())
		}
	}
}
