package nats

import (
	"sync"
	"sync/atomic"
)

// replay tells when a JetStream subscription has delivered the messages
// its stream held when it started: when it delivered as many as were
// pending then, or one at or past the stream's last sequence then, or
// one with nothing pending after it (stored messages deleted meanwhile
// are never delivered: one of the latter two ends the wait).
type replay struct {
	want uint64 // messages pending when the subscription started
	last uint64 // the stream's last sequence then
	n    atomic.Uint64
	done chan struct{}
	once sync.Once
}

// newReplay is a replay of want messages from a stream whose last
// sequence is last; with none to replay it is done at once.
func newReplay(want, last uint64) *replay {
	r := &replay{want: want, last: last, done: make(chan struct{})}
	if want == 0 || last == 0 {
		r.finish()
	}
	return r
}

// delivered records a message handed to the handler: its stream
// sequence, and how many messages were pending after it.
func (r *replay) delivered(seq, pending uint64) {
	if n := r.n.Add(1); n >= r.want || seq >= r.last || pending == 0 {
		r.finish()
	}
}

// finish closes done, once.
func (r *replay) finish() { r.once.Do(func() { close(r.done) }) }
