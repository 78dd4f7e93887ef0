package mqtt

import "time"

// Message is one MQTT message as a subscriber's handler receives it.
type Message struct {
	// Topic is the concrete topic the message was published to, also when
	// the subscription's filter has wildcards.
	Topic string
	// Payload is the message's body. It is shared by every handler the
	// message goes to: read it, never modify it.
	Payload []byte
	// Arrival is when the client read the message from its connection.
	Arrival time.Time
	// Retained is true for a retained message the broker sent because of
	// a new subscription, false for one delivered as it was published.
	Retained bool
	// QoS is the quality of service it was delivered with: 0 or 1 (Pulse
	// subscribes with QoS 1).
	QoS byte
}
