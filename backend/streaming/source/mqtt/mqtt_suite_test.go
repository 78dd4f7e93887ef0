package mqtt_test

import (
	"fmt"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
)

func TestMQTT(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "MQTT broker connection")
}

// shared is the broker most specs use; specs that stop a broker start
// their own.
var shared *mqtttest.Broker

var _ = BeforeSuite(func() {
	// The specs run against a real broker: a machine without one fails
	// them, it does not skip them (mqtttest's error says how to install
	// mosquitto).
	shared = newBroker(mqtttest.Listeners{Auth: true, TLS: true, WS: true})
})

var _ = AfterSuite(func() {
	if shared != nil {
		shared.Stop()
	}
})

// newBroker starts a mosquitto with the listeners l; the caller stops it.
func newBroker(l mqtttest.Listeners) *mqtttest.Broker {
	b, err := mqtttest.Start(l)
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return b
}

// kill ends b's mosquitto at once, as a crash would.
func kill(b *mqtttest.Broker) {
	ExpectWithOffset(1, b.Kill()).To(Succeed())
}

// restart starts b's killed mosquitto again on its ports.
func restart(b *mqtttest.Broker) {
	ExpectWithOffset(1, b.Restart()).To(Succeed())
}

// newPKI is a fresh CA, other CA and client certificate.
func newPKI() *mqtttest.PKI {
	p, err := mqtttest.NewPKI()
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	return p
}

// versions are the protocol versions every client spec runs in.
var versions = []mqtt.ProtocolVersion{mqtt.MQTT311, mqtt.MQTT5}

// settings are anonymous settings for the listener of b, in version v.
func settings(b *mqtttest.Broker, listener string, v mqtt.ProtocolVersion) mqtt.Settings {
	return mqtt.Settings{URI: b.URL(listener), ProtocolVersion: v}
}

// fastOptions reconnect quickly and wait little, for specs.
var fastOptions = mqtt.Options{MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second, Logger: feedtest.Logger{}}

// dial connects a client that the spec closes when it ends.
func dial(s mqtt.Settings, o mqtt.Options) *mqtt.Client {
	c, err := mqtt.Dial(feedtest.ContextFor(20*time.Second), s, o)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(c.Close)
	return c
}

// collector keeps the messages a handler receives.
type collector struct {
	feedtest.Collector[mqtt.Message]
}

// payloads are the payloads received so far, as strings.
func (c *collector) payloads() []string {
	return c.Texts(func(m mqtt.Message) string { return string(m.Payload) })
}

// publisher is an MQTT 3.1.1 client of the specs' own that publishes to the
// plain listener of b; the spec disconnects it when it ends.
type publisher struct{ p *mqtttest.Publisher }

func newPublisher(b *mqtttest.Broker) *publisher {
	p, err := mqtttest.NewPublisher(b.URL("plain"))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(p.Close)
	return &publisher{p: p}
}

// publish publishes one message and waits until the broker has it.
func (p *publisher) publish(topic, payload string, qos byte, retain bool) {
	ExpectWithOffset(1, p.p.Publish(topic, payload, qos, retain)).To(Succeed())
}

// numbered are n payloads "prefix-0" … "prefix-(n-1)".
func numbered(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%d", prefix, i)
	}
	return out
}

// uniqueTopic is a topic root no other spec uses.
func uniqueTopic(name string) string {
	return fmt.Sprintf("pulse/%s/%s", name, mqtt.NewClientID())
}
