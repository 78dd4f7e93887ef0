package feed

import (
	"context"
	"time"
)

// Message is one payload an Upstream delivers.
type Message struct {
	// Series is the concrete target the message came on (an MQTT topic):
	// the value of its series' label.
	Series string
	// Payload is the message's body. It may be shared with other handlers:
	// read it, never change it.
	Payload []byte
	// Arrival is when the Upstream read the message.
	Arrival time.Time
	// Retained is true for a copy of the last message of Series that the
	// feed sent because of a new subscription (MQTT's retained messages),
	// false for one sent as it was published. A tap keeps a retained
	// message only for a series it has no message of yet: the copies a
	// feed sends again after a reconnect are not new.
	Retained bool
}

// UpstreamStats are an Upstream's connection state and counters; counters
// only grow over its life.
type UpstreamStats struct {
	// Connected is whether the connection is up.
	Connected bool
	// Reconnects counts the connections made after the first.
	Reconnects uint64
	// Dropped counts the messages dropped because a handler fell behind.
	Dropped uint64
}

// Upstream is a data source's one connection to its feed, shared by all
// its taps.
//
// Concurrency: every method may be called from any goroutine, also
// concurrently. Each Subscribe call's handler runs on a goroutine of the
// Upstream, one message at a time, never concurrently with itself; a
// handler must not block for long and must not call Close. Close ends every
// goroutine the Upstream started, handlers included, before it returns.
type Upstream interface {
	// Subscribe delivers the messages of target to handler until the
	// returned unsubscribe is called. The target was checked by the
	// source's Options.Check first; the error says in plain words why the
	// feed refused it.
	Subscribe(target string, handler func(Message)) (unsubscribe func(), err error)
	// Health is nil while the feed can be reached, otherwise an error
	// saying in plain words what failed; it waits at most until ctx ends.
	Health(ctx context.Context) error
	// Stats returns the connection's state and counters.
	Stats() UpstreamStats
	// Close ends the connection.
	Close()
}
