package mqtt

import (
	"sync"
	"sync/atomic"
)

// subscriber is one Subscribe call's handler with its queue: the link's
// goroutine pushes messages, never waiting, and the subscriber's own
// goroutine pops them and calls the handler, one at a time, in arrival
// order. When the queue is full (Options.QueueLength messages or
// QueueBytes payload bytes), the oldest waiting message is dropped and
// counted: a slow handler loses old messages, never the newest, and never
// holds up the connection or other subscribers.
type subscriber struct {
	handler  func(Message)
	maxLen   int
	maxBytes int
	dropped  *atomic.Uint64

	mu    sync.Mutex
	ring  []Message // a ring buffer of n messages from head; grows to maxLen
	head  int
	n     int
	bytes int

	wake     chan struct{}
	quit     chan struct{}
	stopOnce sync.Once
}

func newSubscriber(handler func(Message), o Options, dropped *atomic.Uint64) *subscriber {
	return &subscriber{
		handler:  handler,
		maxLen:   o.QueueLength,
		maxBytes: o.QueueBytes,
		dropped:  dropped,
		wake:     make(chan struct{}, 1),
		quit:     make(chan struct{}),
	}
}

// push queues m, dropping the oldest waiting messages when the queue is
// full. It never blocks.
func (s *subscriber) push(m Message) {
	s.mu.Lock()
	dropped := 0
	for s.n > 0 && (s.n >= s.maxLen || s.bytes+len(m.Payload) > s.maxBytes) {
		s.popLocked()
		dropped++
	}
	if s.n == len(s.ring) {
		s.grow()
	}
	s.ring[(s.head+s.n)%len(s.ring)] = m
	s.n++
	s.bytes += len(m.Payload)
	s.mu.Unlock()
	if dropped > 0 {
		s.dropped.Add(uint64(dropped))
	}
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// grow doubles the ring, up to maxLen; the caller holds mu and the ring is
// full.
func (s *subscriber) grow() {
	size := min(max(2*len(s.ring), 8), s.maxLen)
	ring := make([]Message, size)
	for i := range s.n {
		ring[i] = s.ring[(s.head+i)%len(s.ring)]
	}
	s.ring, s.head = ring, 0
}

// pop takes the oldest waiting message.
func (s *subscriber) pop() (Message, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == 0 {
		return Message{}, false
	}
	m := s.popLocked()
	if s.n == 0 && len(s.ring) > 64 {
		// An idle subscriber keeps no large buffer.
		s.ring, s.head = nil, 0
	}
	return m, true
}

func (s *subscriber) popLocked() Message {
	m := s.ring[s.head]
	s.ring[s.head] = Message{}
	s.head = (s.head + 1) % len(s.ring)
	s.n--
	s.bytes -= len(m.Payload)
	return m
}

// run calls the handler with each message until stop; wg counts it.
func (s *subscriber) run(wg *sync.WaitGroup) {
	defer wg.Done()
	for {
		select {
		case <-s.quit:
			return
		case <-s.wake:
		}
		for {
			select {
			case <-s.quit:
				return
			default:
			}
			m, ok := s.pop()
			if !ok {
				break
			}
			s.handler(m)
		}
	}
}

// stop ends run after the handler call under way, if any; the messages
// still waiting are discarded. It does not wait, so a handler may call it.
func (s *subscriber) stop() {
	s.stopOnce.Do(func() { close(s.quit) })
}
