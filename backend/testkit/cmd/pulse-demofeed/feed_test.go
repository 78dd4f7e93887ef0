package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"strings"
	"sync"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
)

// These specs run the feed against real mosquitto processes (Debian's
// mosquitto; without it mqtttest.Start fails and says how to install it) and
// read what arrives with a paho subscriber of their own. Rates are checked
// with loose bounds: the specs share two cores with others.

// message is one message a subscriber received.
type message struct {
	topic    string
	payload  []byte
	retained bool
	at       time.Time
}

// subscriber is an MQTT client of the specs' that keeps every message of a
// topic filter.
type subscriber struct {
	mu   sync.Mutex
	msgs []message
}

// subscribe connects a subscriber to url and subscribes it to filter at QoS
// 1; it disconnects when the spec ends.
func subscribe(url, filter string) *subscriber {
	GinkgoHelper()
	s := &subscriber{}
	var id [6]byte
	_, _ = rand.Read(id[:])
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker(url).SetClientID("demofeed-spec-" + hex.EncodeToString(id[:])).
		SetProtocolVersion(4).SetAutoReconnect(false).SetConnectTimeout(10 * time.Second))
	tok := c.Connect()
	Expect(tok.WaitTimeout(20*time.Second)).To(BeTrue(), "no CONNACK from %s", url)
	Expect(tok.Error()).NotTo(HaveOccurred())
	DeferCleanup(func() { c.Disconnect(100) })
	tok = c.Subscribe(filter, 1, func(_ mqtt.Client, m mqtt.Message) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.msgs = append(s.msgs, message{topic: m.Topic(), payload: m.Payload(), retained: m.Retained(), at: time.Now()})
	})
	Expect(tok.WaitTimeout(20*time.Second)).To(BeTrue(), "no SUBACK for %s", filter)
	Expect(tok.Error()).NotTo(HaveOccurred())
	return s
}

// on is what arrived on topic so far, in order.
func (s *subscriber) on(topic string) []message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []message
	for _, m := range s.msgs {
		if m.topic == topic {
			out = append(out, m)
		}
	}
	return out
}

// count is a function for Eventually: how many messages arrived on topic.
func (s *subscriber) count(topic string) func() int {
	return func() int { return len(s.on(topic)) }
}

// climates splits what arrived on topic into the readings (JSON) and the
// payloads that are not JSON.
func (s *subscriber) climates(topic string) (good []climate, bad [][]byte) {
	GinkgoHelper()
	for _, m := range s.on(topic) {
		if !json.Valid(m.payload) {
			bad = append(bad, m.payload)
			continue
		}
		good = append(good, decodeClimate(m.payload))
	}
	return good, bad
}

// decodeClimate reads a climate payload, which must have exactly the
// documented keys.
func decodeClimate(payload []byte) climate {
	GinkgoHelper()
	var keys map[string]json.RawMessage
	Expect(json.Unmarshal(payload, &keys)).To(Succeed())
	Expect(keys).To(HaveLen(5), "%s", payload)
	Expect(keys).To(HaveKey("ts"))
	Expect(keys).To(HaveKey("seq"))
	Expect(keys).To(HaveKey("temp"))
	Expect(keys).To(HaveKey("humidity"))
	var sensorKeys map[string]json.RawMessage
	Expect(json.Unmarshal(keys["sensor"], &sensorKeys)).To(Succeed(), "%s", payload)
	Expect(sensorKeys).To(HaveLen(2), "%s", payload)
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.DisallowUnknownFields()
	var c climate
	Expect(dec.Decode(&c)).To(Succeed(), "%s", payload)
	return c
}

// decodeStatus reads a status payload.
func decodeStatus(payload []byte) status {
	GinkgoHelper()
	dec := json.NewDecoder(strings.NewReader(string(payload)))
	dec.DisallowUnknownFields()
	var st status
	Expect(dec.Decode(&st)).To(Succeed(), "%s", payload)
	return st
}

// startFeed runs the feed in this process with args and no environment,
// until the returned stop is called (or the spec ends). Its log is kept in
// the returned buffer and copied to the spec's output. The HTTP listener
// is off unless args set -http.
func startFeed(args ...string) (log *gbytes.Buffer, stop func() int) {
	GinkgoHelper()
	args = append([]string{"-http", ""}, args...)
	ctx, cancel := context.WithCancel(context.Background())
	log = gbytes.NewBuffer()
	done := make(chan int, 1)
	go func() {
		defer GinkgoRecover()
		done <- demofeed(ctx, args, env{}.get, io.MultiWriter(log, GinkgoWriter))
	}()
	var once sync.Once
	code := -1
	stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(20 * time.Second):
				Fail("the feed did not stop within 20 s of its context's end")
			}
		})
		return code
	}
	DeferCleanup(stop)
	return log, stop
}

// startBroker starts a mosquitto of the spec's own.
func startBroker() *mqtttest.Broker {
	GinkgoHelper()
	b, err := mqtttest.Start(mqtttest.Listeners{})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(b.Stop)
	return b
}

// rate is the rate in Hz that the payloads' times give.
func rate(cs []climate) float64 {
	return float64(len(cs)-1) / (float64(cs[len(cs)-1].TS-cs[0].TS) / 1000)
}

var _ = Describe("the feed, against mosquitto", func() {
	It("publishes each room's climate as JSON of the documented shape, at the room's rate, with the seed's values", func(ctx SpecContext) {
		b := startBroker()
		sub := subscribe(b.URL("plain"), "home/#")
		started := time.Now()
		startFeed("-uri", b.URL("plain"), "-rooms", "kitchen=10,livingroom=1,garage=0.2", "-seed", "7", "-malformed-every", "0")

		// The garage publishes at once, then every 5 s: two of its
		// readings take about 5 s, by which time the kitchen sent ~50.
		Eventually(sub.count("home/garage/climate")).WithContext(ctx).WithTimeout(30 * time.Second).Should(BeNumerically(">=", 2))
		Eventually(sub.count("home/livingroom/climate")).WithContext(ctx).Should(BeNumerically(">=", 4))

		for _, r := range []room{{"kitchen", 10}, {"livingroom", 1}, {"garage", 0.2}} {
			got, bad := sub.climates("home/" + r.name + "/climate")
			Expect(bad).To(BeEmpty(), "-malformed-every 0 sends no payload that is not JSON")
			want := readings(7, r, len(got))
			for i, c := range got {
				// Every reading arrives, in order, from the first.
				Expect(c.Seq).To(Equal(uint64(i+1)), "%s, message %d", r.name, i)
				// The values are the seed's, whenever they were published.
				Expect(c.Temp).To(Equal(want[i].Temp), "%s, seq %d", r.name, c.Seq)
				Expect(c.Humidity).To(Equal(want[i].Humidity))
				Expect(c.Sensor.Battery).To(Equal(want[i].Battery))
				Expect(c.Sensor.RSSI).To(Equal(want[i].RSSI))
				// ts is the time the reading was taken, in milliseconds.
				Expect(time.UnixMilli(c.TS)).To(BeTemporally(">=", started.Add(-time.Second)))
				Expect(time.UnixMilli(c.TS)).To(BeTemporally("<=", time.Now().Add(time.Second)))
				if i > 0 {
					Expect(c.TS).To(BeNumerically(">", got[i-1].TS))
				}
			}
			switch r.name {
			case "kitchen":
				Expect(len(got)).To(BeNumerically(">=", 30))
				Expect(rate(got)).To(BeNumerically("~", 10, 3), "kitchen's rate in Hz")
			case "livingroom":
				Expect(rate(got)).To(BeNumerically("~", 1, 0.3), "livingroom's rate in Hz")
			case "garage":
				Expect(rate(got)).To(BeNumerically("~", 0.2, 0.06), "garage's rate in Hz")
			}
		}
		Expect(sub.on("home/bedroom/climate")).To(BeEmpty(), "a room not in -rooms")
	}, SpecTimeout(2*time.Minute))

	It("keeps a retained status per room, replacing a stale one, that a late subscriber gets at once", func(ctx SpecContext) {
		b := startBroker()
		// What a feed killed before it could say goodbye would leave.
		pub, err := mqtttest.NewPublisher(b.URL("plain"))
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(pub.Close)
		Expect(pub.Publish("lab/kitchen/status", `{"state":"stale"}`, 1, true)).To(Succeed())

		early := subscribe(b.URL("plain"), "lab/+/status")
		Eventually(early.count("lab/kitchen/status")).WithContext(ctx).Should(Equal(1))
		startFeed("-uri", b.URL("plain"), "-root", "lab", "-rooms", "kitchen=10,garage=0.2")
		// Once the early subscriber has both statuses, the broker keeps them.
		Eventually(early.count("lab/kitchen/status")).WithContext(ctx).Should(Equal(2))
		Eventually(early.count("lab/garage/status")).WithContext(ctx).Should(Equal(1))

		late := subscribe(b.URL("plain"), "lab/+/status")
		Eventually(late.count("lab/garage/status")).WithContext(ctx).Should(Equal(1))
		Eventually(late.count("lab/kitchen/status")).WithContext(ctx).Should(Equal(1))
		for _, r := range []room{{"kitchen", 10}, {"garage", 0.2}} {
			m := late.on("lab/" + r.name + "/status")[0]
			Expect(m.retained).To(BeTrue())
			st := decodeStatus(m.payload)
			Expect(st.State).To(Equal("online"))
			Expect(st.Room).To(Equal(r.name))
			Expect(st.RateHz).To(Equal(r.rate))
			Expect(time.UnixMilli(st.TS)).To(BeTemporally("~", time.Now(), 30*time.Second))
		}
	}, SpecTimeout(time.Minute))

	It("publishes a payload that is not JSON after every -malformed-every good ones, on the same topic, and goes on", func(ctx SpecContext) {
		b := startBroker()
		sub := subscribe(b.URL("plain"), "home/#")
		log, stop := startFeed("-uri", b.URL("plain"), "-rooms", "kitchen=40", "-malformed-every", "10")
		Eventually(sub.count("home/kitchen/climate")).WithContext(ctx).Should(BeNumerically(">=", 75))
		Expect(stop()).To(Equal(0))
		// What the feed sent before it disconnected has arrived once the
		// count stops growing.
		Eventually(func() int {
			n := len(sub.on("home/kitchen/climate"))
			time.Sleep(200 * time.Millisecond)
			return len(sub.on("home/kitchen/climate")) - n
		}).WithContext(ctx).Should(BeZero())

		got, bad := sub.climates("home/kitchen/climate")
		// One after the 10th, 20th, … good one (the subscriber was there
		// before the feed started); the last may have been cut off by the
		// disconnection.
		Expect(len(bad)).To(BeNumerically("~", len(got)/10, 1), "%d good, %d not JSON", len(got), len(bad))
		Expect(len(bad)).To(BeNumerically(">=", 5))
		Expect(bad).To(ContainElements(
			WithTransform(func(p []byte) bool { return strings.HasPrefix(string(p), `{"ts":`) }, BeTrue()),
			Equal([]byte("sensor fault E42")),
			Equal([]byte("NaN")),
		))
		// Where each falls: right after every tenth reading.
		var order []string
		for _, m := range sub.on("home/kitchen/climate") {
			if json.Valid(m.payload) {
				order = append(order, "good")
			} else {
				order = append(order, "bad")
			}
		}
		for i, kind := range order {
			if kind == "bad" {
				Expect(i%11).To(Equal(10), "message %d", i)
			}
		}
		Expect(log).To(gbytes.Say(`stopped; published kitchen \d+ \(\d+ in all\); \d+ not JSON`))
	}, SpecTimeout(time.Minute))

	It("waits for a broker that is not up yet, then publishes from seq 1", func(ctx SpecContext) {
		b := startBroker()
		Expect(b.Kill()).To(Succeed())
		log, _ := startFeed("-uri", b.URL("plain"), "-rooms", "kitchen=10")
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`cannot reach the broker at ` + b.URL("plain") + ` yet \(.*connection refused.*\); trying again until it answers`))

		Expect(b.Restart()).To(Succeed())
		Eventually(log).WithContext(ctx).WithTimeout(20 * time.Second).Should(gbytes.Say(`connected to ` + b.URL("plain")))
		sub := subscribe(b.URL("plain"), "home/#")
		Eventually(sub.count("home/kitchen/climate")).WithContext(ctx).Should(BeNumerically(">=", 5))
		Eventually(sub.count("home/kitchen/status")).WithContext(ctx).Should(Equal(1))
		got, _ := sub.climates("home/kitchen/climate")
		// The subscriber came after the first readings; seq tells how many
		// went before, none of them while the broker was down.
		Expect(got[0].Seq).To(BeNumerically("<", 40))
	}, SpecTimeout(time.Minute))

	It("reconnects after the broker restarts, and publishes the statuses the broker lost again", func(ctx SpecContext) {
		b := startBroker()
		log, _ := startFeed("-uri", b.URL("plain"), "-rooms", "kitchen=10")
		before := subscribe(b.URL("plain"), "home/#")
		Eventually(before.count("home/kitchen/climate")).WithContext(ctx).Should(BeNumerically(">=", 3))

		// Without persistence the restarted broker has no retained status.
		Expect(b.Restart()).To(Succeed())
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`lost the connection to ` + b.URL("plain")))
		Eventually(log).WithContext(ctx).WithTimeout(20 * time.Second).Should(gbytes.Say(`connected to ` + b.URL("plain")))

		after := subscribe(b.URL("plain"), "home/#")
		Eventually(after.count("home/kitchen/status")).WithContext(ctx).Should(Equal(1))
		Expect(after.on("home/kitchen/status")[0].retained).To(BeTrue())
		Eventually(after.count("home/kitchen/climate")).WithContext(ctx).Should(BeNumerically(">=", 3))
		old, _ := before.climates("home/kitchen/climate")
		now, _ := after.climates("home/kitchen/climate")
		// The sensor went on while the broker was away: later readings,
		// with a gap for those taken while the connection was down.
		Expect(now[0].Seq).To(BeNumerically(">", old[len(old)-1].Seq))
	}, SpecTimeout(time.Minute))

	It("stops when its context ends, with status 0, leaving every room offline", func(ctx SpecContext) {
		b := startBroker()
		sub := subscribe(b.URL("plain"), "home/#")
		log, stop := startFeed("-uri", b.URL("plain"), "-rooms", "kitchen=10,garage=0.2", "-report", "200ms")
		Eventually(sub.count("home/kitchen/climate")).WithContext(ctx).Should(BeNumerically(">=", 3))
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`published so far: kitchen \d+, garage \d+ \(\d+ in all\); 0 not JSON; 0 readings dropped while disconnected`))

		Expect(stop()).To(Equal(0))
		Expect(log).To(gbytes.Say(`stopped; published kitchen \d+, garage \d+`))
		n := len(sub.on("home/kitchen/climate"))
		Consistently(sub.count("home/kitchen/climate")).WithContext(ctx).WithTimeout(500 * time.Millisecond).Should(Equal(n))

		late := subscribe(b.URL("plain"), "home/+/status")
		for _, name := range []string{"kitchen", "garage"} {
			Eventually(late.count("home/" + name + "/status")).WithContext(ctx).Should(Equal(1))
			m := late.on("home/" + name + "/status")[0]
			Expect(m.retained).To(BeTrue())
			Expect(decodeStatus(m.payload).State).To(Equal("offline"))
		}
	}, SpecTimeout(time.Minute))
})
