package nats

import "time"

// Message is one message a subscription delivers.
type Message struct {
	// Subject is the concrete subject it was published to.
	Subject string
	// Payload is its body; handlers read it and never change it.
	Payload []byte
	// Arrival is when the client received it, or, for a message read
	// from a JetStream stream, when the stream stored it.
	Arrival time.Time
	// Sequence is its sequence in the JetStream stream, 0 for core NATS.
	Sequence uint64
}
