package nats

import (
	"sync"
	"sync/atomic"
)

// gate is one subscription's handler behind a switch: once stopped, it
// is not called again. The library calls it from one goroutine per
// subscription, one message at a time.
type gate struct {
	handler  func(Message)
	messages *atomic.Uint64

	mu      sync.Mutex // held while the handler runs
	stopped atomic.Bool
}

func newGate(handler func(Message), messages *atomic.Uint64) *gate {
	return &gate{handler: handler, messages: messages}
}

// call hands m to the handler unless the gate is stopped, and reports
// whether it did.
func (g *gate) call(m Message) bool {
	if g.stopped.Load() {
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.stopped.Load() {
		return false
	}
	g.messages.Add(1)
	g.handler(m)
	return true
}

// stop keeps the handler from being called again. It does not wait for
// a call under way, so that a handler may unsubscribe itself.
func (g *gate) stop() { g.stopped.Store(true) }

// drain stops the gate and waits for a call under way to return; a
// handler must not call it (Close does).
func (g *gate) drain() {
	g.stop()
	g.mu.Lock()
	g.mu.Unlock() //nolint:staticcheck // an empty critical section: waiting for the handler is the point.
}
