package nats

// Stats are a Client's connection state and counters, for metrics and
// logs. Counters only grow over a Client's life.
type Stats struct {
	// Connected is whether a connection to a server is up.
	Connected bool
	// Reconnects counts the connections made after the first.
	Reconnects uint64
	// Messages counts the messages handed to handlers.
	Messages uint64
	// Dropped counts the messages of core NATS subscriptions dropped
	// because a handler fell behind (Options.QueueLength, QueueBytes).
	Dropped uint64
	// Subscriptions is how many subscriptions are live; Stored is how
	// many of them read a JetStream stream.
	Subscriptions, Stored int
}
