package websocket

import (
	"sync"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
)

// queue hands one subscription's messages from its connection's reader to
// its handler: the reader pushes, and the queue's own goroutine calls the
// handler with each message, one at a time, in arrival order. A push that
// finds nothing waiting and no handler call under way calls the handler
// itself, on the reader's goroutine: a feed the handler keeps up with then
// costs no hand-over between goroutines per message. It holds at most
// Options.QueueLength messages and Options.QueueBytes payload bytes (one
// message always fits); a push past either waits for room, so that a
// handler that falls behind slows the reader, and TCP the server, rather
// than losing messages.
type queue struct {
	handler  func(feed.Message)
	maxLen   int
	maxBytes int

	mu    sync.Mutex
	items []feed.Message // waiting, oldest first, from head
	head  int
	bytes int
	// running is true while a handler call is under way, on the queue's
	// goroutine or a push's.
	running bool

	wake  chan struct{}
	space chan struct{} // a value after each pop, for a push that waits
	quit  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// idleItems is the capacity a queue keeps once it drained.
const idleItems = 64

func newQueue(handler func(feed.Message), o Options) *queue {
	q := &queue{
		handler:  handler,
		maxLen:   o.QueueLength,
		maxBytes: o.QueueBytes,
		wake:     make(chan struct{}, 1),
		space:    make(chan struct{}, 1),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go q.run()
	return q
}

// push queues m once there is room for it, or calls the handler with it
// when nothing waits and no call is under way; it gives up, dropping m,
// when done is closed or after stop. waited says whether it waited, for
// room or for the handler.
func (q *queue) push(m feed.Message, done <-chan struct{}) (waited bool) {
	for {
		q.mu.Lock()
		if q.len() == 0 && !q.running {
			q.running = true
			q.mu.Unlock()
			select {
			case <-q.quit:
			case <-done:
			default:
				q.handler(m)
			}
			q.finished()
			return true
		}
		if q.len() == 0 || (q.len() < q.maxLen && q.bytes+len(m.Payload) <= q.maxBytes) {
			break
		}
		q.mu.Unlock()
		waited = true
		select {
		case <-q.space:
		case <-q.quit:
			return waited
		case <-done:
			return waited
		}
	}
	if q.head > 0 && q.head >= len(q.items)/2 {
		// Move the waiting messages to the front instead of growing.
		n := copy(q.items, q.items[q.head:])
		clear(q.items[n:])
		q.items, q.head = q.items[:n], 0
	}
	q.items = append(q.items, m)
	q.bytes += len(m.Payload)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return waited
}

// len is how many messages wait; the caller holds mu.
func (q *queue) len() int { return len(q.items) - q.head }

// popLocked takes the oldest waiting message; the caller holds mu and
// one is waiting.
func (q *queue) popLocked() feed.Message {
	m := q.items[q.head]
	q.items[q.head] = feed.Message{}
	q.head++
	q.bytes -= len(m.Payload)
	if q.len() == 0 {
		q.items, q.head = q.items[:0], 0
		if cap(q.items) > idleItems {
			// An idle queue keeps no large buffer, and a busy one that
			// drained does not grow from nothing again.
			q.items = make([]feed.Message, 0, idleItems)
		}
	}
	return m
}

// pop takes the oldest waiting message, if any, for a handler call that
// ends with finished.
func (q *queue) pop() (feed.Message, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.len() == 0 {
		return feed.Message{}, false
	}
	m := q.popLocked()
	q.running = true
	select {
	case q.space <- struct{}{}:
	default:
	}
	return m, true
}

// finished ends a handler call.
func (q *queue) finished() {
	q.mu.Lock()
	q.running = false
	q.mu.Unlock()
}

// run calls the handler with each message until stop.
func (q *queue) run() {
	defer close(q.done)
	for {
		select {
		case <-q.quit:
			return
		case <-q.wake:
		}
		for {
			select {
			case <-q.quit:
				return
			default:
			}
			m, ok := q.pop()
			if !ok {
				break
			}
			q.handler(m)
			q.finished()
		}
	}
}

// stop ends run after the handler call under way, if any, discarding the
// waiting messages, and waits for it. It must not be called from the
// handler.
func (q *queue) stop() {
	q.once.Do(func() { close(q.quit) })
	<-q.done
	q.mu.Lock()
	q.items, q.head, q.bytes = nil, 0, 0
	q.mu.Unlock()
}
