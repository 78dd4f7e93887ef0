package mqtt_test

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	paho3 "github.com/eclipse/paho.mqtt.golang"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
)

var _ = Describe("Client", func() {
	for _, v := range versions {
		Context("with MQTT "+string(v), func() {
			BeforeEach(feedtest.NoLeaks)

			It("connects anonymously and hands a message over with its topic, QoS and arrival", func() {
				c := dial(settings(shared, "plain", v), mqtt.Options{})
				Expect(c.Stats().Connected).To(BeTrue())
				topic := uniqueTopic("hello")
				var got collector
				_, err := c.Subscribe(topic, got.Handle)
				Expect(err).NotTo(HaveOccurred())
				before := time.Now()
				newPublisher(shared).publish(topic, `{"temp":21.5}`, 1, false)
				Eventually(got.Messages).WithTimeout(20 * time.Second).Should(HaveLen(1))
				m := got.Messages()[0]
				Expect(m.Topic).To(Equal(topic))
				Expect(string(m.Payload)).To(Equal(`{"temp":21.5}`))
				Expect(m.QoS).To(Equal(byte(1)))
				Expect(m.Retained).To(BeFalse())
				Expect(m.Arrival).To(BeTemporally(">=", before.Add(-time.Second)))
				Expect(c.Stats()).To(Equal(mqtt.Stats{Connected: true, Messages: 1, Subscriptions: 1, Subscribers: 1}))
			})

			It("delivers 1000 QoS 1 messages exactly once and in order", func() {
				c := dial(settings(shared, "plain", v), mqtt.Options{})
				topic := uniqueTopic("qos1")
				var got collector
				_, err := c.Subscribe(topic, got.Handle)
				Expect(err).NotTo(HaveOccurred())
				p := newPublisher(shared)
				want := numbered("m", 1000)
				for _, payload := range want {
					p.publish(topic, payload, 1, false)
				}
				Eventually(got.payloads).WithTimeout(60 * time.Second).Should(HaveLen(len(want)))
				Consistently(got.payloads).WithTimeout(500 * time.Millisecond).Should(HaveLen(len(want)))
				Expect(got.payloads()).To(Equal(want))
				for _, m := range got.Messages() {
					Expect(m.QoS).To(Equal(byte(1)))
				}
				Expect(c.Stats().Dropped).To(BeZero())
			})

			It("hands over the concrete topics of wildcard subscriptions", func() {
				c := dial(settings(shared, "plain", v), mqtt.Options{})
				root := uniqueTopic("wild")
				var plus, hash collector
				_, err := c.Subscribe(root+"/+/temp", plus.Handle)
				Expect(err).NotTo(HaveOccurred())
				_, err = c.Subscribe(root+"/#", hash.Handle)
				Expect(err).NotTo(HaveOccurred())
				p := newPublisher(shared)
				p.publish(root+"/kitchen/temp", "1", 1, false)
				p.publish(root+"/hall/temp", "2", 1, false)
				p.publish(root+"/hall/humidity", "3", 1, false)
				topics := func(c *collector) func() []string {
					return func() []string {
						var out []string
						for _, m := range c.Messages() {
							out = append(out, m.Topic+"="+string(m.Payload))
						}
						return out
					}
				}
				Eventually(topics(&hash)).WithTimeout(20 * time.Second).Should(Equal([]string{
					root + "/kitchen/temp=1", root + "/hall/temp=2", root + "/hall/humidity=3",
				}))
				// Overlapping filters each get a matching message once.
				Expect(topics(&plus)()).To(Equal([]string{root + "/kitchen/temp=1", root + "/hall/temp=2"}))
				Consistently(topics(&plus)).WithTimeout(500 * time.Millisecond).Should(HaveLen(2))
				Expect(topics(&hash)()).To(HaveLen(3))
			})

			It("shares one broker subscription among the subscribers of a filter and removes it with the last", func() {
				// A broker of its own, so that mosquitto's count of
				// subscriptions holds the watcher's and the client's only.
				b := newBroker(mqtttest.Listeners{})
				DeferCleanup(b.Stop)
				count := watchSubscriptionCount(b)
				Eventually(count).WithTimeout(20 * time.Second).Should(Equal(1)) // the watcher's own

				c := dial(settings(b, "plain", v), mqtt.Options{})
				topic := uniqueTopic("shared")
				var first, second collector
				unsubFirst, err := c.Subscribe(topic, first.Handle)
				Expect(err).NotTo(HaveOccurred())
				unsubSecond, err := c.Subscribe(topic, second.Handle)
				Expect(err).NotTo(HaveOccurred())
				Expect(c.Stats().Subscriptions).To(Equal(1))
				Expect(c.Stats().Subscribers).To(Equal(2))
				Eventually(count).WithTimeout(20 * time.Second).Should(Equal(2))

				p := newPublisher(b)
				p.publish(topic, "both", 1, false)
				Eventually(first.payloads).WithTimeout(20 * time.Second).Should(Equal([]string{"both"}))
				Eventually(second.payloads).WithTimeout(20 * time.Second).Should(Equal([]string{"both"}))

				unsubFirst()
				unsubFirst() // a second call does nothing
				Expect(c.Stats().Subscribers).To(Equal(1))
				p.publish(topic, "second only", 1, false)
				Eventually(second.payloads).WithTimeout(20 * time.Second).Should(Equal([]string{"both", "second only"}))
				Consistently(first.payloads).WithTimeout(500 * time.Millisecond).Should(Equal([]string{"both"}))
				// mosquitto publishes the count every second: still one.
				Consistently(count).WithTimeout(2500 * time.Millisecond).Should(Equal(2))

				unsubSecond()
				Expect(c.Stats().Subscriptions).To(BeZero())
				Eventually(count).WithTimeout(20 * time.Second).Should(Equal(1))
				p.publish(topic, "nobody", 1, false)
				Consistently(func() uint64 { return c.Stats().Messages }).WithTimeout(time.Second).Should(Equal(uint64(2)))
			})

			It("hands retained messages to a new subscription", func() {
				topic := uniqueTopic("retained")
				p := newPublisher(shared)
				p.publish(topic, "kept", 1, true)
				DeferCleanup(func() { p.publish(topic, "", 1, true) }) // clears it
				c := dial(settings(shared, "plain", v), mqtt.Options{})
				var got collector
				_, err := c.Subscribe(topic, got.Handle)
				Expect(err).NotTo(HaveOccurred())
				Eventually(got.Messages).WithTimeout(20 * time.Second).Should(HaveLen(1))
				Expect(got.Messages()[0].Retained).To(BeTrue())
				Expect(string(got.Messages()[0].Payload)).To(Equal("kept"))
				p.publish(topic, "live", 1, false)
				Eventually(got.payloads).WithTimeout(20 * time.Second).Should(Equal([]string{"kept", "live"}))
				Expect(got.Messages()[1].Retained).To(BeFalse())
			})

			It("subscribes filters given before the connection is up once it is", func() {
				b := newBroker(mqtttest.Listeners{})
				DeferCleanup(b.Stop)
				kill(b)
				c, err := mqtt.New(settings(b, "plain", v), fastOptions)
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(c.Close)
				topic := uniqueTopic("early")
				var got collector
				_, err = c.Subscribe(topic, got.Handle)
				Expect(err).NotTo(HaveOccurred())
				// Many more, from many goroutines at once.
				var wg sync.WaitGroup
				for g := range 10 {
					wg.Go(func() {
						defer GinkgoRecover()
						for i := range 10 {
							_, err := c.Subscribe(fmt.Sprintf("%s/%d/%d/+", topic, g, i), func(mqtt.Message) {})
							Expect(err).NotTo(HaveOccurred())
						}
					})
				}
				wg.Wait()
				Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("ConnectFailures", BeNumerically(">", 0)))
				Expect(c.Stats()).To(And(HaveField("Pending", 101), HaveField("Subscriptions", 101)))
				Expect(c.Health(feedtest.ContextFor(20 * time.Second))).To(MatchError(ContainSubstring("connection refused")))

				restart(b)
				Eventually(c.Stats).WithTimeout(30 * time.Second).Should(And(HaveField("Connected", true), HaveField("Pending", 0)))
				Expect(c.Stats().Reconnects).To(BeZero())
				Expect(c.Stats().LastError).To(BeEmpty())
				Expect(c.Health(feedtest.ContextFor(20 * time.Second))).To(Succeed())
				newPublisher(b).publish(topic, "after start", 1, false)
				Eventually(got.payloads).WithTimeout(20 * time.Second).Should(Equal([]string{"after start"}))
			})

			It("connects with a user name and password", func() {
				s := settings(shared, "auth", v)
				s.Username, s.Password = mqtttest.AliceName, mqtttest.AlicePassword
				c := dial(s, mqtt.Options{})
				topic := uniqueTopic("alice")
				var got collector
				_, err := c.Subscribe(topic, got.Handle)
				Expect(err).NotTo(HaveOccurred())
				newPublisher(shared).publish(topic, "for alice", 1, false)
				Eventually(got.payloads).WithTimeout(20 * time.Second).Should(Equal([]string{"for alice"}))
			})

			It("returns the broker's refusal of a subscription and forgets the filter", func() {
				// mosquitto's acl_file grants every SUBSCRIBE and filters
				// deliveries instead: a broker of the spec's own refuses.
				c := dial(mqtt.Settings{URI: refusingBroker(v), ProtocolVersion: v}, mqtt.Options{})
				var got collector
				_, err := c.Subscribe("secret/#", got.Handle)
				Expect(err).To(MatchError(mqtt.ErrSubscriptionRefused))
				if v == mqtt.MQTT5 {
					Expect(err.Error()).To(Equal(`the broker refused the subscription: topic filter "secret/#" (not authorized, SUBACK code 0x87)`))
				} else {
					Expect(err.Error()).To(Equal(`the broker refused the subscription: topic filter "secret/#" (failure, SUBACK code 0x80)`))
				}
				Expect(c.Stats()).To(And(HaveField("Subscriptions", 0), HaveField("Subscribers", 0)))
			})

			It("drops the oldest messages waiting for a slow handler, counts them, and keeps the others flowing", func() {
				c := dial(settings(shared, "plain", v), mqtt.Options{QueueLength: 10})
				topic := uniqueTopic("slow")
				release := make(chan struct{})
				var once sync.Once
				open := func() { once.Do(func() { close(release) }) }
				DeferCleanup(open) // before Close, which waits for the handler
				var slow, fast collector
				_, err := c.Subscribe(topic, func(m mqtt.Message) {
					<-release
					slow.Handle(m)
				})
				Expect(err).NotTo(HaveOccurred())
				_, err = c.Subscribe(topic, fast.Handle)
				Expect(err).NotTo(HaveOccurred())
				p := newPublisher(shared)
				want := numbered("n", 100)
				// The fast handler is not held up by the slow one: it gets each
				// message while the slow one's queue overflows. (Publishing
				// after each arrival keeps the fast queue short however the
				// goroutines are scheduled.)
				for i, payload := range want {
					p.publish(topic, payload, 1, false)
					Eventually(fast.payloads).WithTimeout(20 * time.Second).Should(HaveLen(i + 1))
				}
				Expect(fast.payloads()).To(Equal(want))
				Eventually(func() uint64 { return c.Stats().Dropped }).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 89))
				open()
				dropped := int(c.Stats().Dropped)
				Expect(dropped).To(BeNumerically("<=", 90))
				Eventually(slow.payloads).WithTimeout(20 * time.Second).Should(HaveLen(100 - dropped))
				got := slow.payloads()
				Expect(got[len(got)-10:]).To(Equal(want[90:]))
				Expect(ascending(got)).To(BeTrue(), "%v", got)
			})

			It("refuses filters that are invalid or outside allowedTopics", func() {
				s := settings(shared, "plain", v)
				s.AllowedTopics = []string{"pulse/allowed/#", "pulse/one"}
				c := dial(s, mqtt.Options{})
				var got collector
				for _, filter := range []string{"pulse/other", "pulse/#", "#", "pulse/one/more"} {
					_, err := c.Subscribe(filter, got.Handle)
					Expect(err).To(MatchError(mqtt.ErrNotAllowed), filter)
					Expect(errors.Is(err, streaming.ErrOutOfBounds)).To(BeTrue())
					Expect(err.Error()).To(HavePrefix("topic: "))
				}
				_, err := c.Subscribe("pulse/a#", got.Handle)
				Expect(err).To(MatchError(streaming.ErrMalformed))
				_, err = c.Subscribe("$share/group/pulse/allowed/x", got.Handle)
				Expect(err).To(MatchError(ContainSubstring("shared subscriptions ($share/…) are not supported")))
				for _, filter := range []string{"pulse/allowed/+/temp", "pulse/allowed", "pulse/one"} {
					unsubscribe, err := c.Subscribe(filter, got.Handle)
					Expect(err).NotTo(HaveOccurred(), filter)
					unsubscribe()
				}
				_, err = c.Subscribe("pulse/one", nil)
				Expect(err).To(HaveOccurred())
			})

			It("ends a connection attempt under way when closed, without waiting for its timeout", func() {
				silent := fakeBroker(answering(nil)) // accepts, never answers CONNECT
				c, err := mqtt.New(mqtt.Settings{URI: silent, ProtocolVersion: v}, mqtt.Options{ConnectTimeout: time.Minute})
				Expect(err).NotTo(HaveOccurred())
				time.Sleep(200 * time.Millisecond) // the attempt is under way
				closed := make(chan struct{})
				go func() {
					c.Close()
					close(closed)
				}()
				Eventually(closed).WithTimeout(20 * time.Second).Should(BeClosed())
			})

			It("closes with subscriptions and messages in flight, ending every goroutine, and refuses work afterwards", func() {
				c, err := mqtt.New(settings(shared, "plain", v), mqtt.Options{Logger: feedtest.Logger{}})
				Expect(err).NotTo(HaveOccurred())
				DeferCleanup(c.Close)
				root := uniqueTopic("close")
				var wg sync.WaitGroup
				for i := range 20 {
					_, err := c.Subscribe(fmt.Sprintf("%s/%d/#", root, i), func(mqtt.Message) { time.Sleep(time.Millisecond) })
					Expect(err).NotTo(HaveOccurred())
				}
				Eventually(c.Stats).WithTimeout(20 * time.Second).Should(And(HaveField("Connected", true), HaveField("Pending", 0)))
				p := newPublisher(shared)
				wg.Go(func() {
					defer GinkgoRecover()
					for i := range 200 {
						_ = p.p.Publish(root+"/"+strconv.Itoa(i%20)+"/x", "x", 0, false)
					}
				})
				Eventually(func() uint64 { return c.Stats().Messages }).WithTimeout(20 * time.Second).Should(BeNumerically(">", 10))
				c.Close()
				c.Close()
				wg.Wait()
				_, err = c.Subscribe(root, func(mqtt.Message) {})
				Expect(err).To(MatchError(mqtt.ErrClosed))
				Expect(c.Health(feedtest.ContextFor(time.Second))).To(MatchError(mqtt.ErrClosed))
				Expect(c.Stats().Connected).To(BeFalse())
			})
		})
	}
})

// ascending reports whether payloads "n-<i>" come in increasing i.
func ascending(payloads []string) bool {
	last := -1
	for _, p := range payloads {
		var i int
		if _, err := fmt.Sscanf(p, "n-%d", &i); err != nil || i <= last {
			return false
		}
		last = i
	}
	return true
}

// watchSubscriptionCount follows the broker's $SYS count of subscriptions
// (mosquitto publishes it every sys_interval, 1 s here) with a client of
// the spec's own; 0 until the first value arrives.
func watchSubscriptionCount(b *mqtttest.Broker) func() int {
	var (
		mu    sync.Mutex
		count int
	)
	opts := paho3.NewClientOptions().AddBroker(b.URL("plain")).SetClientID(mqtt.NewClientID()).SetProtocolVersion(4).SetAutoReconnect(false)
	c := paho3.NewClient(opts)
	tok := c.Connect()
	Expect(tok.WaitTimeout(20 * time.Second)).To(BeTrue())
	Expect(tok.Error()).NotTo(HaveOccurred())
	DeferCleanup(func() { c.Disconnect(250) })
	sub := c.Subscribe("$SYS/broker/subscriptions/count", 0, func(_ paho3.Client, m paho3.Message) {
		n, err := strconv.Atoi(string(m.Payload()))
		if err == nil {
			mu.Lock()
			count = n
			mu.Unlock()
		}
	})
	Expect(sub.WaitTimeout(20 * time.Second)).To(BeTrue())
	Expect(sub.Error()).NotTo(HaveOccurred())
	return func() int {
		mu.Lock()
		defer mu.Unlock()
		return count
	}
}
