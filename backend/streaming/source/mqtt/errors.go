package mqtt

import (
	"errors"
	"fmt"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// ErrClosed is Subscribe's and Health's error once the Client is closed.
var ErrClosed = errors.New("mqtt: the client is closed")

// ErrNotAllowed marks a topic filter that the data source's allowedTopics
// does not cover. It wraps streaming.ErrOutOfBounds.
var ErrNotAllowed = fmt.Errorf("not in allowedTopics: %w", streaming.ErrOutOfBounds)

// ErrSubscriptionRefused marks a subscription the broker refused in its
// SUBACK, for example for want of authorization.
var ErrSubscriptionRefused = errors.New("the broker refused the subscription")

// subackReasons name the failure codes of a SUBACK (MQTT 5; 0x80 is also
// MQTT 3.1.1's only one).
var subackReasons = map[byte]string{
	0x80: "failure",
	0x83: "implementation specific error",
	0x87: "not authorized",
	0x8F: "topic filter invalid",
	0x91: "packet identifier in use",
	0x97: "quota exceeded",
	0x9E: "shared subscriptions not supported",
	0xA1: "subscription identifiers not supported",
	0xA2: "wildcard subscriptions not supported",
}

// refusal is Subscribe's error for a refused filter.
func refusal(filter string, e *subackError) error {
	if e.note != "" {
		return fmt.Errorf("%w: topic filter %s (%s)", ErrSubscriptionRefused, streaming.Excerpt(filter), streaming.Excerpt(e.note))
	}
	name, ok := subackReasons[e.code]
	if !ok {
		name = "refused"
	}
	return fmt.Errorf("%w: topic filter %s (%s, SUBACK code 0x%02x)", ErrSubscriptionRefused, streaming.Excerpt(filter), name, e.code)
}
