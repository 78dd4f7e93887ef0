package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"

	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
)

// These specs run the feed against real nats-server processes (Debian's
// nats-server, started by natstest, with JetStream in a directory of the
// spec's) and read what arrives with a nats.go client of their own.

// startNATS starts a nats-server of the spec's own, with JetStream when
// jetStream is true; it stops when the spec ends.
func startNATS(jetStream bool) *natstest.Server {
	GinkgoHelper()
	s, err := natstest.Start(natstest.Config{NoJetStream: !jetStream})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(s.Stop)
	return s
}

// natsSubscriber keeps every message of a subject filter.
type natsSubscriber struct {
	mu   sync.Mutex
	msgs []*nats.Msg
}

// subscribeNATS connects to url and subscribes to filter; it disconnects
// when the spec ends.
func subscribeNATS(url, filter string) *natsSubscriber {
	GinkgoHelper()
	nc, err := nats.Connect(url, nats.Timeout(10*time.Second))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(nc.Close)
	s := &natsSubscriber{}
	_, err = nc.Subscribe(filter, func(m *nats.Msg) {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.msgs = append(s.msgs, m)
	})
	Expect(err).NotTo(HaveOccurred())
	Expect(nc.FlushTimeout(10 * time.Second)).To(Succeed())
	return s
}

// payloads is what arrived on subject so far, in order.
func (s *natsSubscriber) payloads(subject string) [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out [][]byte
	for _, m := range s.msgs {
		if m.Subject == subject {
			out = append(out, m.Data)
		}
	}
	return out
}

func (s *natsSubscriber) count(subject string) func() int {
	return func() int { return len(s.payloads(subject)) }
}

// goodOnes decodes the JSON payloads and leaves the others out.
func goodOnes(payloads [][]byte) []climate {
	GinkgoHelper()
	var out []climate
	for _, p := range payloads {
		if json.Valid(p) {
			out = append(out, decodeClimate(p))
		}
	}
	return out
}

// jetStreamOf is a JetStream client of the server at url.
func jetStreamOf(url string) jetstream.JetStream {
	GinkgoHelper()
	nc, err := nats.Connect(url, nats.Timeout(10*time.Second))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(nc.Close)
	js, err := jetstream.New(nc)
	Expect(err).NotTo(HaveOccurred())
	return js
}

// stored reads every message the stream keeps on subject, oldest first.
func stored(ctx context.Context, js jetstream.JetStream, stream, subject string) [][]byte {
	GinkgoHelper()
	c, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{FilterSubjects: []string{subject}})
	Expect(err).NotTo(HaveOccurred())
	var out [][]byte
	for {
		batch, err := c.FetchNoWait(100)
		Expect(err).NotTo(HaveOccurred())
		pending := uint64(0)
		n := 0
		for m := range batch.Messages() {
			out = append(out, m.Data())
			n++
			if md, err := m.Metadata(); err == nil {
				pending = md.NumPending
			}
		}
		if n == 0 || pending == 0 {
			return out
		}
	}
}

var _ = Describe("the feed, against nats-server", func() {
	It("publishes on <root>.<room>.climate exactly what it publishes on MQTT, bad payloads included, from seq 1", func(ctx SpecContext) {
		n := startNATS(true)
		b := startBroker()
		sub := subscribeNATS(n.URL(), "home.>")
		mqttSub := subscribe(b.URL("plain"), "home/#")
		log, _ := startFeed("-uri", b.URL("plain"), "-nats", n.URL(), "-rooms", "kitchen=20,garage=1", "-malformed-every", "7", "-seed", "5")
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`NATS: publishing to ` + n.URL() + ` on home.<room>.climate and .status, kept by the JetStream stream HOME \(home.>`))

		Eventually(sub.count("home.kitchen.climate")).WithContext(ctx).WithTimeout(30 * time.Second).Should(BeNumerically(">=", 40))
		Eventually(sub.count("home.garage.climate")).WithContext(ctx).WithTimeout(30 * time.Second).Should(BeNumerically(">=", 2))
		Eventually(mqttSub.count("home/kitchen/climate")).WithContext(ctx).Should(BeNumerically(">=", 40))

		for _, r := range []room{{"kitchen", 20}, {"garage", 1}} {
			onNATS := sub.payloads("home." + r.name + ".climate")
			var onMQTT [][]byte
			for _, m := range mqttSub.on("home/" + r.name + "/climate") {
				onMQTT = append(onMQTT, m.payload)
			}
			// One generator: the same bytes, in the same order, bad
			// payloads where MQTT has them.
			k := min(len(onNATS), len(onMQTT))
			Expect(onNATS[:k]).To(Equal(onMQTT[:k]), r.name)

			good := goodOnes(onNATS)
			want := readings(5, r, len(good))
			for i, c := range good {
				Expect(c.Seq).To(Equal(uint64(i+1)), "%s, message %d", r.name, i)
				Expect(c.Temp).To(Equal(want[i].Temp))
			}
		}
		all := len(sub.payloads("home.kitchen.climate")) + len(sub.payloads("home.garage.climate"))
		bad := all - len(goodOnes(sub.payloads("home.kitchen.climate"))) - len(goodOnes(sub.payloads("home.garage.climate")))
		Expect(bad).To(BeNumerically(">=", 4), "one payload that is not JSON after every 7 good ones")
		Expect(sub.payloads("home.kitchen.status")).NotTo(BeEmpty(), "the status goes out on connecting")
		Expect(decodeStatus(sub.payloads("home.kitchen.status")[0]).State).To(Equal("online"))
	}, SpecTimeout(2*time.Minute))

	It("keeps the readings in the JetStream stream HOME on home.>, which it creates bounded, and marks the rooms offline when it stops", func(ctx SpecContext) {
		n := startNATS(true)
		sub := subscribeNATS(n.URL(), "home.>")
		log, stop := startFeed("-uri", "", "-nats", n.URL(), "-rooms", "kitchen=20,garage=0.5", "-malformed-every", "0")
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`created the JetStream stream HOME on home.>, keeping 24h0m0s and 67108864 bytes at most`))
		Eventually(sub.count("home.kitchen.climate")).WithContext(ctx).Should(BeNumerically(">=", 30))

		js := jetStreamOf(n.URL())
		stream, err := js.Stream(ctx, "HOME")
		Expect(err).NotTo(HaveOccurred())
		cfg := stream.CachedInfo().Config
		Expect(cfg.Subjects).To(Equal([]string{"home.>"}))
		Expect(cfg.MaxAge).To(Equal(24 * time.Hour))
		Expect(cfg.MaxBytes).To(Equal(int64(64 << 20)))
		Expect(cfg.Storage).To(Equal(jetstream.FileStorage))
		Expect(cfg.Discard).To(Equal(jetstream.DiscardOld))

		Expect(stop()).To(Equal(0))
		// The stream has every kitchen reading, from the first, with no
		// gap, as many as went out; and the last status says offline.
		live := goodOnes(sub.payloads("home.kitchen.climate"))
		var kept []climate
		Eventually(func() int {
			kept = goodOnes(stored(ctx, js, "HOME", "home.kitchen.climate"))
			return len(kept)
		}).WithContext(ctx).Should(BeNumerically(">=", len(live)))
		for i, c := range kept {
			Expect(c.Seq).To(Equal(uint64(i + 1)))
		}
		last, err := stream.GetLastMsgForSubject(ctx, "home.garage.status")
		Expect(err).NotTo(HaveOccurred())
		Expect(decodeStatus(last.Data).State).To(Equal("offline"))
		Expect(stored(ctx, js, "HOME", "home.garage.climate")).NotTo(BeEmpty())
	}, SpecTimeout(2*time.Minute))

	It("keeps a stream of that name that someone else made as it is", func(ctx SpecContext) {
		n := startNATS(true)
		js := jetStreamOf(n.URL())
		_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "LAB", Subjects: []string{"lab.>"}, MaxAge: time.Hour, Storage: jetstream.MemoryStorage})
		Expect(err).NotTo(HaveOccurred())
		sub := subscribeNATS(n.URL(), "lab.>")
		log, _ := startFeed("-uri", "", "-nats", n.URL(), "-root", "lab", "-stream", "LAB", "-rooms", "kitchen=20")
		Eventually(sub.count("lab.kitchen.climate")).WithContext(ctx).Should(BeNumerically(">=", 10))
		Expect(log).NotTo(gbytes.Say("created the JetStream stream"))

		stream, err := js.Stream(ctx, "LAB")
		Expect(err).NotTo(HaveOccurred())
		Expect(stream.CachedInfo().Config.MaxAge).To(Equal(time.Hour))
		Expect(stream.CachedInfo().Config.Storage).To(Equal(jetstream.MemoryStorage))
		Expect(stream.CachedInfo().State.Msgs).To(BeNumerically(">=", 10))
	}, SpecTimeout(time.Minute))

	It("waits for a server that is not up yet, and creates the stream again after a restart that lost it", func(ctx SpecContext) {
		n := startNATS(true)
		Expect(n.Kill()).To(Succeed())
		log, _ := startFeed("-uri", "", "-nats", n.URL(), "-rooms", "kitchen=10")
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`cannot reach the NATS server at ` + n.URL() + ` yet`))

		Expect(n.Restart()).To(Succeed())
		Eventually(log).WithContext(ctx).WithTimeout(30 * time.Second).Should(gbytes.Say(`connected to the NATS server at nats://127.0.0.1`))
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`created the JetStream stream HOME`))
		js := jetStreamOf(n.URL())
		var first []climate
		Eventually(func() int {
			first = goodOnes(stored(ctx, js, "HOME", "home.kitchen.climate"))
			return len(first)
		}).WithContext(ctx).Should(BeNumerically(">=", 5))
		// Nothing was taken while the server was down: the stream starts
		// at seq 1.
		Expect(first[0].Seq).To(Equal(uint64(1)))

		// A server that comes back without its store has no stream.
		Expect(n.Kill()).To(Succeed())
		Expect(os.RemoveAll(filepath.Join(n.Dir(), "jetstream"))).To(Succeed(), "natstest keeps the JetStream store in its directory's jetstream")
		Expect(n.Restart()).To(Succeed())
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`lost the connection to the NATS server`))
		Eventually(log).WithContext(ctx).WithTimeout(30 * time.Second).Should(gbytes.Say(`connected to the NATS server`))
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`created the JetStream stream HOME`))
		js = jetStreamOf(n.URL())
		var again []climate
		Eventually(func() int {
			again = goodOnes(stored(ctx, js, "HOME", "home.kitchen.climate"))
			return len(again)
		}).WithContext(ctx).Should(BeNumerically(">=", 3))
		Expect(again[0].Seq).To(BeNumerically(">", first[len(first)-1].Seq), "the sensor went on")
	}, SpecTimeout(2*time.Minute))

	It("publishes without history to a server without JetStream, and says so", func(ctx SpecContext) {
		n := startNATS(false)
		sub := subscribeNATS(n.URL(), "home.>")
		log, _ := startFeed("-uri", "", "-nats", n.URL(), "-rooms", "kitchen=10")
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`the NATS server at ` + n.URL() + ` has no JetStream \(start it with -js\): publishing without history`))
		Eventually(sub.count("home.kitchen.climate")).WithContext(ctx).Should(BeNumerically(">=", 5))
	}, SpecTimeout(time.Minute))
})
