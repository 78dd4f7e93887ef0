package mqtt

// Stats are a Client's connection state and counters, for metrics and
// logs. Counters only grow over a Client's life.
type Stats struct {
	// Connected is whether a connection to the broker is up.
	Connected bool
	// Reconnects counts the connections made after the first.
	Reconnects uint64
	// ConnectFailures counts the connection attempts that failed.
	ConnectFailures uint64
	// Messages counts the messages received from the broker.
	Messages uint64
	// Dropped counts the messages dropped because a subscriber's queue
	// was full (its handler fell behind).
	Dropped uint64
	// Subscriptions is how many topic filters are subscribed: one broker
	// subscription each, however many subscribers share it.
	Subscriptions int
	// Subscribers is how many Subscribe calls are live.
	Subscribers int
	// Pending is how many of the Subscriptions the broker has not (yet)
	// confirmed on the current connection: all of them while it is down,
	// none once the client has subscribed them again after a reconnect, and
	// those the broker refused.
	Pending int
	// LastError says in plain words why the last connection attempt
	// failed, since the last connection was made; "" when none failed.
	LastError string
}
