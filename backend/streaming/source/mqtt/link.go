package mqtt

import (
	"context"
	"errors"
	"fmt"
)

// link keeps one connection to a broker up, in one protocol version: it
// connects in the background as soon as it is made, waits by the backoff
// between attempts, and after a loss connects again, always with a clean
// session, so that a new connection holds no subscription until the
// Client makes them again. Two implementations: link311
// (paho.mqtt.golang) and link5 (paho.golang's autopaho).
//
// subscribe and unsubscribe may be called concurrently with each other
// and with the events; close is called once, and returns when every
// goroutine of the link has ended, after which no event is delivered.
type link interface {
	// subscribe subscribes to filter at QoS 1 on the current connection,
	// tagged with the subscription identifier id where the protocol has
	// them, and waits for the SUBACK: errNotConnected when no connection
	// is up, a *subackError when the broker refused.
	subscribe(ctx context.Context, filter string, id int) error
	// unsubscribe unsubscribes from filter on the current connection and
	// waits for the UNSUBACK.
	unsubscribe(ctx context.Context, filter string) error
	// close disconnects and ends the link.
	close()
}

// events are what a link reports, from its own goroutines. They must not
// block: message is called on the goroutine that reads the connection.
type events interface {
	// connected says a connection is up, with no subscription yet.
	connected()
	// lost says the connection that was up ended, and why.
	lost(err error)
	// attemptFailed says a connection attempt failed, and why.
	attemptFailed(err error)
	// message hands over a PUBLISH received; subID is the subscription
	// identifier it carries, or 0.
	message(m Message, subID int)
}

// newLink makes and starts the link of the settings' protocol version.
func newLink(s Settings, o Options, ev events) (link, error) {
	t, err := newTransport(s, o)
	if err != nil {
		return nil, err
	}
	if s.Version() == MQTT5 {
		return startLink5(s, o, t, ev)
	}
	return startLink311(s, o, t, ev), nil
}

// errNotConnected is subscribe's and unsubscribe's answer while no
// connection is up.
var errNotConnected = errors.New("not connected to the broker")

// connackError is a broker's refusal of a CONNECT: a CONNACK whose return
// code (MQTT 3.1.1) or reason code (MQTT 5) is not success.
type connackError struct {
	v5   bool
	code byte
}

func (e *connackError) Error() string {
	if e.v5 {
		return fmt.Sprintf("CONNACK reason code 0x%02x", e.code)
	}
	return fmt.Sprintf("CONNACK return code %d", e.code)
}

// subackError is a broker's refusal of a SUBSCRIBE: its SUBACK code, or,
// for a filter the broker said at CONNACK it would refuse (MQTT 5), what
// the library said instead.
type subackError struct {
	code byte
	note string
}

func (e *subackError) Error() string {
	if e.note != "" {
		return e.note
	}
	return fmt.Sprintf("SUBACK code 0x%02x", e.code)
}
