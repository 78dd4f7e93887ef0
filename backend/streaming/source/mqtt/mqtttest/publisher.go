package mqtttest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	paho3 "github.com/eclipse/paho.mqtt.golang"
)

// publishTimeout bounds the wait for a CONNACK and for each publication's
// acknowledgement.
const publishTimeout = 20 * time.Second

// Publisher is an MQTT 3.1.1 client of the specs' own, independent of the
// client under test, that publishes to a broker anonymously. It does not
// reconnect.
type Publisher struct {
	c paho3.Client
}

// NewPublisher connects a publisher to url, a broker listener without TLS
// or authentication, such as [Broker.URL]("plain"), with a client ID of
// its own. It returns once the broker has accepted the connection; the
// caller closes it with [Publisher.Close].
func NewPublisher(url string) (*Publisher, error) {
	var id [8]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails.
	opts := paho3.NewClientOptions().AddBroker(url).SetClientID("pulse-mqtttest-" + hex.EncodeToString(id[:])).
		SetProtocolVersion(4).SetAutoReconnect(false).SetConnectTimeout(10 * time.Second)
	c := paho3.NewClient(opts)
	tok := c.Connect()
	if !tok.WaitTimeout(publishTimeout) {
		c.Disconnect(0)
		return nil, fmt.Errorf("mqtttest: the publisher got no CONNACK from %s within %s", url, publishTimeout)
	}
	if err := tok.Error(); err != nil {
		return nil, fmt.Errorf("mqtttest: the publisher could not connect to %s: %w", url, err)
	}
	return &Publisher{c: c}, nil
}

// Publish publishes one message and returns once the broker has it: at
// QoS 1 and 2 once the broker acknowledged it, at QoS 0 once it is sent.
func (p *Publisher) Publish(topic, payload string, qos byte, retain bool) error {
	tok := p.c.Publish(topic, qos, retain, payload)
	if !tok.WaitTimeout(publishTimeout) {
		return fmt.Errorf("mqtttest: publishing to %q: no acknowledgement within %s", topic, publishTimeout)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("mqtttest: publishing to %q: %w", topic, err)
	}
	return nil
}

// Close disconnects the publisher, waiting at most 250 ms for work in
// flight.
func (p *Publisher) Close() {
	p.c.Disconnect(250)
}
