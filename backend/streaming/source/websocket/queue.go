package websocket

import (
	"sync"
	"sync/atomic"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
)

// queue hands one subscription's messages from its connection's reader to
// its handler: the reader pushes, never waiting, and the queue's own
// goroutine calls the handler with each message, one at a time, in arrival
// order. It holds at most Options.QueueLength messages and
// Options.QueueBytes payload bytes; a push past either drops the oldest
// waiting messages and counts them (the newest one is always kept): a
// slow handler loses old messages, which a live panel needs least, and
// never holds up the reader.
type queue struct {
	handler  func(feed.Message)
	maxLen   int
	maxBytes int
	dropped  *atomic.Uint64

	mu    sync.Mutex
	items []feed.Message // waiting, oldest first, from head
	head  int
	bytes int

	wake chan struct{}
	quit chan struct{}
	done chan struct{}
	once sync.Once
}

func newQueue(handler func(feed.Message), o Options, dropped *atomic.Uint64) *queue {
	q := &queue{
		handler:  handler,
		maxLen:   o.QueueLength,
		maxBytes: o.QueueBytes,
		dropped:  dropped,
		wake:     make(chan struct{}, 1),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go q.run()
	return q
}

// push queues m, dropping the oldest waiting messages when the queue is
// full. It never blocks.
func (q *queue) push(m feed.Message) {
	q.mu.Lock()
	dropped := 0
	for q.len() > 0 && (q.len() >= q.maxLen || q.bytes+len(m.Payload) > q.maxBytes) {
		q.popLocked()
		dropped++
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
	if dropped > 0 {
		q.dropped.Add(uint64(dropped))
	}
	select {
	case q.wake <- struct{}{}:
	default:
	}
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
		if cap(q.items) > 64 {
			q.items = nil // an idle queue keeps no large buffer
		}
	}
	return m
}

// pop takes the oldest waiting message, if any.
func (q *queue) pop() (feed.Message, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.len() == 0 {
		return feed.Message{}, false
	}
	return q.popLocked(), true
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
