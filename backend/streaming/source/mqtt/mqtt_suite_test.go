package mqtt_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	paho3 "github.com/eclipse/paho.mqtt.golang"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"

	"github.com/pulse-datasource/pulse/backend/streaming/mqtt"
)

func TestMQTT(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "MQTT broker connection")
}

// shared is the broker most specs use; specs that stop a broker start
// their own.
var shared *broker

var _ = BeforeSuite(func() {
	// The specs run against a real broker: a machine without one fails
	// them, it does not skip them.
	for _, name := range []string{"mosquitto", "mosquitto_passwd"} {
		_, err := findBinary(name)
		Expect(err).NotTo(HaveOccurred(), installHint)
	}
	shared = newBroker(listeners{auth: true, tls: true, ws: true})
})

var _ = AfterSuite(func() {
	if shared != nil {
		shared.stop()
	}
})

// versions are the protocol versions every client spec runs in.
var versions = []mqtt.ProtocolVersion{mqtt.MQTT311, mqtt.MQTT5}

// noLeaks snapshots the goroutines now and checks, when the spec ends
// (after the cleanups registered later), that none started since is left.
func noLeaks() {
	before := gleak.Goroutines()
	DeferCleanup(func() {
		Eventually(gleak.Goroutines).WithTimeout(30 * time.Second).WithPolling(50 * time.Millisecond).ShouldNot(gleak.HaveLeaked(before))
	})
}

// settings are anonymous settings for the listener of b, in version v.
func settings(b *broker, listener string, v mqtt.ProtocolVersion) mqtt.Settings {
	return mqtt.Settings{URI: b.url(listener), ProtocolVersion: v}
}

// fastOptions reconnect quickly and wait little, for specs.
var fastOptions = mqtt.Options{MinBackoff: 50 * time.Millisecond, MaxBackoff: time.Second, Logger: specLogger{}}

// dial connects a client that the spec closes when it ends.
func dial(s mqtt.Settings, o mqtt.Options) *mqtt.Client {
	c, err := mqtt.Dial(ctxFor(20*time.Second), s, o)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(c.Close)
	return c
}

// collector keeps the messages a handler receives.
type collector struct {
	mu   sync.Mutex
	msgs []mqtt.Message
}

func (c *collector) handle(m mqtt.Message) {
	c.mu.Lock()
	c.msgs = append(c.msgs, m)
	c.mu.Unlock()
}

// payloads are the payloads received so far, as strings.
func (c *collector) payloads() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]string, len(c.msgs))
	for i, m := range c.msgs {
		out[i] = string(m.Payload)
	}
	return out
}

func (c *collector) messages() []mqtt.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]mqtt.Message(nil), c.msgs...)
}

// publisher is an MQTT 3.1.1 client of the specs' own that publishes to the
// plain listener of b; the spec disconnects it when it ends.
type publisher struct{ c paho3.Client }

func newPublisher(b *broker) *publisher {
	opts := paho3.NewClientOptions().AddBroker(b.url("plain")).SetClientID(mqtt.NewClientID()).
		SetProtocolVersion(4).SetAutoReconnect(false).SetConnectTimeout(10 * time.Second)
	c := paho3.NewClient(opts)
	tok := c.Connect()
	Expect(tok.WaitTimeout(20 * time.Second)).To(BeTrue())
	Expect(tok.Error()).NotTo(HaveOccurred())
	DeferCleanup(func() { c.Disconnect(250) })
	return &publisher{c: c}
}

// publish publishes one message and waits until the broker has it.
func (p *publisher) publish(topic, payload string, qos byte, retain bool) {
	tok := p.c.Publish(topic, qos, retain, payload)
	ExpectWithOffset(1, tok.WaitTimeout(20*time.Second)).To(BeTrue())
	ExpectWithOffset(1, tok.Error()).NotTo(HaveOccurred())
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
