package main

import "sync"

// event is one message of a room for the HTTP listener's clients: a
// reading (its climate JSON, seq its sequence number in the room) or a
// payload that is not JSON (bad), which follows the reading seq.
type event struct {
	seq     uint64
	payload []byte
	bad     bool
}

// listenerBuffer is how many events a client may fall behind before the hub
// cuts it off: an SSE client comes back with Last-Event-ID and loses
// nothing, the others reconnect.
const listenerBuffer = 512

// listener is one HTTP client's queue. Several hubs may feed one listener
// (a WebSocket that subscribed to more rooms).
type listener struct {
	ch   chan event
	gone chan struct{} // closed when a hub cut the client off for falling behind
	once sync.Once
}

func newListener() *listener {
	return &listener{ch: make(chan event, listenerBuffer), gone: make(chan struct{})}
}

func (l *listener) cut() { l.once.Do(func() { close(l.gone) }) }

// hub is one room's fan-out to the HTTP listener's clients, with the last
// readings kept for SSE clients that resume. Its methods may be called
// concurrently.
type hub struct {
	mu        sync.Mutex
	ring      []event // readings only, oldest at start
	start     int
	size      int
	last      uint64 // the seq of the last reading, 0 before the first
	listeners map[*listener]struct{}
}

// newHub keeps the last keep readings.
func newHub(keep int) *hub {
	return &hub{ring: make([]event, max(keep, 1)), listeners: map[*listener]struct{}{}}
}

// publish keeps ev when it is a reading and queues it for every listener;
// a listener whose queue is full is cut off and dropped.
func (h *hub) publish(ev event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !ev.bad {
		if h.size < len(h.ring) {
			h.ring[(h.start+h.size)%len(h.ring)] = ev
			h.size++
		} else {
			h.ring[h.start] = ev
			h.start = (h.start + 1) % len(h.ring)
		}
		h.last = ev.seq
	}
	for l := range h.listeners {
		select {
		case l.ch <- ev:
		default:
			delete(h.listeners, l)
			l.cut()
		}
	}
}

// subscribe adds l and returns, atomically with it, the readings kept
// after seq after (none when resume is false), oldest first: the client
// gets them, then what publish queues, without a gap or a repeat. oldest
// is the seq of the oldest reading kept (0 when none is): a client that
// asked for readings before it missed some.
func (h *hub) subscribe(l *listener, after uint64, resume bool) (backlog []event, oldest uint64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.size > 0 {
		oldest = h.ring[h.start].seq
	}
	if resume {
		for i := range h.size {
			if ev := h.ring[(h.start+i)%len(h.ring)]; ev.seq > after {
				backlog = append(backlog, ev)
			}
		}
	}
	h.listeners[l] = struct{}{}
	return backlog, oldest
}

// unsubscribe drops l; it may have been dropped already.
func (h *hub) unsubscribe(l *listener) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.listeners, l)
}

// clients is how many listeners the hub feeds.
func (h *hub) clients() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.listeners)
}
