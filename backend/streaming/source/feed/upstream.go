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

// Subscription is what a tap subscribes to.
type Subscription struct {
	// Target is the query's target (Options.Target): an MQTT topic filter,
	// a NATS subject, an HTTP path.
	Target string
	// Params are the query's values of Options.Params by name; a param the
	// query leaves empty is absent.
	Params map[string]string
	// Since asks an Upstream that stores its feed's messages (JetStream) to
	// deliver the stored ones from Since on first, in order, and the live
	// ones after them without a gap or a duplicate. Zero asks for live
	// messages only; Upstreams that store nothing ignore it.
	Since time.Time
	// MaxReplay bounds how many stored messages are delivered: the newest
	// MaxReplay from Since on (the history ring keeps no more).
	MaxReplay int
}

// Subscribed is a subscription an Upstream made.
type Subscribed struct {
	// Unsubscribe ends the subscription; its handler is not called after
	// it returns.
	Unsubscribe func()
	// Replayed, when not nil, is closed once the stored messages asked for
	// by Subscription.Since were delivered. A query that made the tap
	// waits for it (bounded by the request's deadline) instead of for the
	// first live messages.
	Replayed <-chan struct{}
	// Confirmed, when not nil, is closed once the upstream confirmed the
	// subscription (an MQTT broker's SUBACK): only then can messages, and
	// retained ones, arrive. A query that made the tap waits for it, at
	// most Options.SubscribeWait, before it waits FirstMessageWait for the
	// first messages; past that wait its answer carries a notice. Nil
	// means the subscription is live when Subscribe returns.
	Confirmed <-chan struct{}
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
	// Subscribe delivers the messages of sub to handler until the
	// returned Subscribed's Unsubscribe is called. The target and params
	// were checked by the source's Options first; the error says in plain
	// words why the feed refused it.
	Subscribe(sub Subscription, handler func(Message)) (Subscribed, error)
	// Health is nil while the feed can be reached, otherwise an error
	// saying in plain words what failed; it waits at most until ctx ends.
	Health(ctx context.Context) error
	// Stats returns the connection's state and counters.
	Stats() UpstreamStats
	// Close ends the connection.
	Close()
}

// Store is an Upstream that keeps its messages and reads them back on
// demand (a NATS JetStream stream). A query whose time range starts
// before the rows its tap holds reads the older ones from it, at most as
// many as the query can still return; the tap's history is not changed.
// Stored may be called from any goroutine, concurrently with Subscribe's
// handlers and other calls.
type Store interface {
	// Stored returns the newest sub.MaxReplay messages (all when it is 0
	// or less) of sub.Target and sub.Params stored from sub.Since on and
	// before until, oldest first, each with Arrival when it was stored.
	// ok is false, with no error, when nothing stores the target. It stops
	// with ctx's error when ctx ends first.
	Stored(ctx context.Context, sub Subscription, until time.Time) (msgs []Message, ok bool, err error)
}
