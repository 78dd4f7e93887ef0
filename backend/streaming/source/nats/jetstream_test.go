package nats_test

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
)

// stream makes a stream keeping root.> on s and returns root.
func stream(s *natstest.Server) string {
	GinkgoHelper()
	id := unique()
	Expect(s.CreateStream("PULSE_"+id, "js."+id+".>")).To(Succeed())
	return "js." + id
}

// payload is the JSON message numbered n.
func payload(n int) []byte { return []byte(fmt.Sprintf(`{"n":%d}`, n)) }

// store publishes the messages numbered from to through to (inclusive)
// to subject's stream, with the ids "<subject>-<n>".
func store(s *natstest.Server, subject string, from, to int) {
	GinkgoHelper()
	for n := from; n <= to; n++ {
		Expect(s.PublishStored(subject, payload(n), fmt.Sprintf("%s-%d", subject, n))).To(Succeed())
	}
}

// storeAsync is store on a goroutine of its own; the channel gets its
// outcome.
func storeAsync(s *natstest.Server, subject string, from, to int) <-chan error {
	done := make(chan error, 1)
	go func() {
		for n := from; n <= to; n++ {
			if err := s.PublishStored(subject, payload(n), fmt.Sprintf("%s-%d", subject, n)); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	return done
}

// upTo are the numbers from … to as text.
func upTo(from, to int) []string {
	var out []string
	for n := from; n <= to; n++ {
		out = append(out, strconv.Itoa(n))
	}
	return out
}

// payloads are the messages numbered from … to as text.
func payloads(from, to int) []string {
	var out []string
	for n := from; n <= to; n++ {
		out = append(out, string(payload(n)))
	}
	return out
}

var _ = Describe("JetStream subscriptions", func() {
	It("replay the stored messages from since with their stored time, close Replayed, then go on live with the same consumer", func() {
		feedtest.NoLeaks()
		root := stream(shared)
		before := time.Now()
		store(shared, root+".a", 1, 50)
		stored := time.Now()
		c := newClient(nats.Settings{URL: shared.URL()})
		col := &collector{}
		time.Sleep(20 * time.Millisecond) // so that arrival times differ from stored times
		sub, err := c.Subscribe(root+".>", time.Now().Add(-time.Hour), 0, col.Handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Unsubscribe)
		Expect(sub.Stream).To(HavePrefix("PULSE_"))
		Expect(sub.Replayed).NotTo(BeNil())
		Eventually(sub.Replayed).WithTimeout(20 * time.Second).Should(BeClosed())
		Expect(len(col.payloads())).To(BeNumerically(">=", 50))
		Expect(col.payloads()[:50]).To(Equal(payloads(1, 50)))
		for i, m := range col.Messages()[:50] {
			Expect(m.Arrival).To(BeTemporally(">=", before.Add(-time.Second)), "message %d", i+1)
			Expect(m.Arrival).To(BeTemporally("<=", stored), "message %d", i+1)
			Expect(m.Sequence).To(BeNumerically(">", 0))
			Expect(m.Subject).To(Equal(root + ".a"))
		}
		store(shared, root+".b", 51, 80)
		Eventually(col.payloads).WithTimeout(20 * time.Second).Should(Equal(payloads(1, 80)))
		Expect(col.Messages()[79].Subject).To(Equal(root + ".b"))
		st := c.Stats()
		Expect(st.Stored).To(Equal(1))
		Expect(st.Messages).To(BeEquivalentTo(80))
	})

	It("leave out the messages stored before since", func() {
		feedtest.NoLeaks()
		root := stream(shared)
		store(shared, root+".a", 1, 10)
		time.Sleep(50 * time.Millisecond)
		since := time.Now()
		time.Sleep(50 * time.Millisecond)
		store(shared, root+".a", 11, 20)
		c := newClient(nats.Settings{URL: shared.URL()})
		col := &collector{}
		sub, err := c.Subscribe(root+".a", since, 0, col.Handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Unsubscribe)
		Eventually(sub.Replayed).WithTimeout(20 * time.Second).Should(BeClosed())
		Expect(col.payloads()).To(Equal(payloads(11, 20)))
	})

	It("replay at most MaxReplay messages: the newest ones", func() {
		feedtest.NoLeaks()
		root := stream(shared)
		store(shared, root+".a", 1, 60)
		store(shared, root+".other", 1, 7) // not matched: the bisection counts only the subject's
		store(shared, root+".a", 61, 100)
		c := newClient(nats.Settings{URL: shared.URL()})
		col := &collector{}
		sub, err := c.Subscribe(root+".a", time.Now().Add(-time.Hour), 25, col.Handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Unsubscribe)
		Eventually(sub.Replayed).WithTimeout(20 * time.Second).Should(BeClosed())
		Expect(col.payloads()).To(Equal(payloads(76, 100)))
		store(shared, root+".a", 101, 110)
		Eventually(col.payloads).WithTimeout(20 * time.Second).Should(Equal(payloads(76, 110)))
	})

	It("close Replayed at once when the stream holds nothing from since", func() {
		feedtest.NoLeaks()
		root := stream(shared)
		c := newClient(nats.Settings{URL: shared.URL()})
		col := &collector{}
		sub, err := c.Subscribe(root+".*", time.Now().Add(-time.Hour), 100, col.Handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Unsubscribe)
		Expect(sub.Stream).NotTo(BeEmpty())
		Expect(sub.Replayed).To(BeClosed())
		store(shared, root+".x", 1, 3)
		Eventually(col.payloads).WithTimeout(20 * time.Second).Should(Equal(payloads(1, 3)))
	})

	It("subscribe with core NATS, Replayed nil, to a subject no stream keeps entirely", func() {
		feedtest.NoLeaks()
		stream(shared) // keeps js.<id>.>: overlaps js.*.a and >, keeps neither entirely
		c := newClient(nats.Settings{URL: shared.URL()})
		for _, subject := range []string{"other." + unique() + ".a", ">", "js.*.a"} {
			col := &collector{}
			sub, err := c.Subscribe(subject, time.Now().Add(-time.Hour), 100, col.Handle)
			Expect(err).NotTo(HaveOccurred(), subject)
			Expect(sub.Replayed).To(BeNil(), subject)
			Expect(sub.Stream).To(BeEmpty(), subject)
			sub.Unsubscribe()
		}
		// A live message of a core subscription with since set.
		col := &collector{}
		subject := "other." + unique() + ".a"
		sub, err := c.Subscribe(subject, time.Now().Add(-time.Hour), 100, col.Handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Unsubscribe)
		Eventually(func() []string {
			_ = shared.Publish(subject, payload(1))
			return col.payloads()
		}).WithTimeout(20 * time.Second).WithPolling(200 * time.Millisecond).ShouldNot(BeEmpty())
		Expect(c.Stats().Stored).To(Equal(0))
	})

	It("subscribe with core NATS on a server without JetStream", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{NoJetStream: true})
		c := newClient(nats.Settings{URL: s.URL()})
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", true))
		col := &collector{}
		sub, err := c.Subscribe("plain.>", time.Now().Add(-time.Hour), 100, col.Handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Unsubscribe)
		Expect(sub.Replayed).To(BeNil())
		Eventually(func() []string {
			_ = s.Publish("plain.a", payload(1))
			return col.payloads()
		}).WithTimeout(20 * time.Second).WithPolling(200 * time.Millisecond).ShouldNot(BeEmpty())
		Expect(c.Health(feedtest.ContextFor(20 * time.Second))).To(Succeed())
		Expect(c.Describe()).To(ContainSubstring("JetStream is not enabled"))
	})

	It("go on after the server was killed and restarted, with no gap and no duplicate", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{})
		root := stream(s)
		store(s, root+".a", 1, 40)
		c := newClient(nats.Settings{URL: s.URL()})
		col := &collector{}
		sub, err := c.Subscribe(root+".a", time.Now().Add(-time.Hour), 0, col.Handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Unsubscribe)
		Eventually(sub.Replayed).WithTimeout(20 * time.Second).Should(BeClosed())
		done := storeAsync(s, root+".a", 41, 200)
		Eventually(func() int { return len(col.payloads()) }).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 60))
		Expect(s.Kill()).To(Succeed())
		Expect(s.Restart()).To(Succeed())
		Eventually(done).WithTimeout(60 * time.Second).Should(Receive(BeNil()))
		Eventually(col.payloads).WithTimeout(60 * time.Second).Should(Equal(payloads(1, 200)))
		Consistently(func() int { return len(col.payloads()) }).WithTimeout(500 * time.Millisecond).Should(Equal(200))
		Eventually(func() uint64 { return c.Stats().Reconnects }).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 1))
	})

	It("refuse a since while the server is down, in plain words", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{})
		url := s.URL()
		Expect(s.Kill()).To(Succeed())
		c := newClient(nats.Settings{URL: url})
		_, err := c.Subscribe("a.b", time.Now().Add(-time.Hour), 10, (&collector{}).Handle)
		Expect(errors.Is(err, nats.ErrNotConnected)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring(url))
		// Live only works while down: nats.go subscribes on connecting.
		sub, err := c.Subscribe("a.b", time.Time{}, 0, (&collector{}).Handle)
		Expect(err).NotTo(HaveOccurred())
		sub.Unsubscribe()
	})
})
