package nats_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
)

// far is an until after everything the specs store.
var far = time.Now().Add(24 * time.Hour)

// storedGap separates batches of stored messages, so that the stream's
// timestamps of the batches' first messages make unambiguous bounds.
const storedGap = 20 * time.Millisecond

// stored is c.Stored with a generous context, expected to succeed and
// find the stream.
func stored(c *nats.Client, subject string, since, until time.Time, max int) []nats.Message {
	GinkgoHelper()
	msgs, ok, err := c.Stored(feedtest.ContextFor(30*time.Second), subject, since, until, max)
	Expect(err).NotTo(HaveOccurred())
	Expect(ok).To(BeTrue(), "a stream keeps %s", subject)
	return msgs
}

// texts are the messages' payloads as text.
func texts(msgs []nats.Message) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, string(m.Payload))
	}
	return out
}

// identities are the messages' sequences, stored times, subjects and
// payloads, to compare messages read twice.
func identities(msgs []nats.Message) []string {
	out := []string{}
	for _, m := range msgs {
		out = append(out, fmt.Sprintf("%d %d %s %s", m.Sequence, m.Arrival.UnixNano(), m.Subject, m.Payload))
	}
	return out
}

var _ = Describe("Stored", func() {
	It("returns exactly the messages stored from since on and before until, oldest first, with their stream's time and sequence", func() {
		feedtest.NoLeaks()
		root := stream(shared)
		before := time.Now()
		store(shared, root+".a", 1, 10)
		time.Sleep(storedGap)
		store(shared, root+".b", 11, 20)
		time.Sleep(storedGap)
		store(shared, root+".a", 21, 30)
		after := time.Now()
		c := newClient(nats.Settings{URL: shared.URL()})

		all := stored(c, root+".>", time.Time{}, far, 0)
		Expect(texts(all)).To(Equal(payloads(1, 30)))
		for i, m := range all {
			Expect(m.Arrival).To(BeTemporally(">=", before.Add(-time.Second)), "message %d", i+1)
			Expect(m.Arrival).To(BeTemporally("<=", after.Add(time.Second)), "message %d", i+1)
			Expect(m.Sequence).To(BeNumerically(">", 0))
			if i > 0 {
				Expect(m.Sequence).To(BeNumerically(">", all[i-1].Sequence), "message %d", i+1)
				Expect(m.Arrival).NotTo(BeTemporally("<", all[i-1].Arrival), "message %d", i+1)
			}
		}
		Expect(all[0].Subject).To(Equal(root + ".a"))
		Expect(all[10].Subject).To(Equal(root + ".b"))

		By("the second batch: from its first message on, before the third batch's first")
		window := stored(c, root+".>", all[10].Arrival, all[20].Arrival, 0)
		Expect(identities(window)).To(Equal(identities(all[10:20])))
		By("the same window of one subject: none of it")
		Expect(stored(c, root+".a", all[10].Arrival, all[20].Arrival, 0)).To(BeEmpty())
		By("one subject across batches")
		Expect(texts(stored(c, root+".a", all[5].Arrival, all[25].Arrival, 0))).To(Equal(append(payloads(6, 10), payloads(21, 25)...)))
		By("since between two messages, until at the end")
		Expect(texts(stored(c, root+".>", all[9].Arrival.Add(storedGap/2), far, 0))).To(Equal(payloads(11, 30)))
		By("a zero since: from the stream's first message")
		Expect(texts(stored(c, root+".>", time.Time{}, all[10].Arrival, 0))).To(Equal(payloads(1, 10)))
		By("an empty window")
		Expect(stored(c, root+".>", all[10].Arrival, all[10].Arrival, 0)).To(BeEmpty())
		Expect(stored(c, root+".>", all[20].Arrival, all[10].Arrival, 0)).To(BeEmpty())
		Expect(stored(c, root+".>", after.Add(time.Hour), far, 0)).To(BeEmpty())
	})

	It("with max smaller than the window, returns its newest max messages, none from until on", func() {
		feedtest.NoLeaks()
		root := stream(shared)
		store(shared, root+".a", 1, 60)
		store(shared, root+".other", 1, 7) // not matched: only the subject's are counted
		store(shared, root+".a", 61, 110)
		c := newClient(nats.Settings{URL: shared.URL()})
		all := stored(c, root+".a", time.Time{}, far, 0)
		Expect(texts(all)).To(Equal(payloads(1, 110)))
		since, until := all[10].Arrival, all[90].Arrival // the window is 11 … 90

		for max, want := range map[int][]string{
			25:   payloads(66, 90),
			1:    payloads(90, 90),
			79:   payloads(12, 90),
			80:   payloads(11, 90),
			81:   payloads(11, 90),
			1000: payloads(11, 90),
			0:    payloads(11, 90),
			-1:   payloads(11, 90),
		} {
			msgs := stored(c, root+".a", since, until, max)
			Expect(texts(msgs)).To(Equal(want), "max %d", max)
			Expect(identities(msgs)).To(Equal(identities(all[90-len(want):90])), "max %d", max)
		}
		Expect(texts(stored(c, root+".a", since, far, 5))).To(Equal(payloads(106, 110)))
		Expect(texts(stored(c, root+".>", all[59].Arrival, all[61].Arrival, 3))).To(Equal(append(payloads(6, 7), payloads(61, 61)...)))
	})

	It("reads a window larger than one fetch, and the newest max of it", func() {
		feedtest.NoLeaks()
		root := stream(shared)
		store(shared, root+".a", 1, 1300)
		c := newClient(nats.Settings{URL: shared.URL()})
		all := stored(c, root+".a", time.Time{}, far, 0)
		Expect(texts(all)).To(Equal(payloads(1, 1300)))
		Expect(texts(stored(c, root+".a", all[99].Arrival, all[1250].Arrival, 0))).To(Equal(payloads(100, 1250)))
		Expect(texts(stored(c, root+".a", all[99].Arrival, all[1250].Arrival, 1100))).To(Equal(payloads(151, 1250)))
	})

	It("says ok false, with no error, when no stream keeps every subject the subject matches", func() {
		feedtest.NoLeaks()
		root := stream(shared) // keeps js.<id>.>: overlaps js.*.a and >, keeps neither entirely
		c := newClient(nats.Settings{URL: shared.URL()})
		for _, subject := range []string{"other." + unique() + ".a", ">", "js.*.a"} {
			msgs, ok, err := c.Stored(feedtest.ContextFor(30*time.Second), subject, time.Time{}, far, 0)
			Expect(err).NotTo(HaveOccurred(), subject)
			Expect(ok).To(BeFalse(), subject)
			Expect(msgs).To(BeEmpty(), subject)
		}
		By("a stream that keeps it but holds nothing: ok")
		Expect(stored(c, root+".a", time.Time{}, far, 0)).To(BeEmpty())
	})

	It("says ok false, with no error, on a server without JetStream", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{NoJetStream: true})
		c := newClient(nats.Settings{URL: s.URL()})
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", true))
		msgs, ok, err := c.Stored(feedtest.ContextFor(30*time.Second), "plain.>", time.Time{}, far, 10)
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeFalse())
		Expect(msgs).To(BeEmpty())
	})

	It("refuses a subject that is not valid or not allowed, as Subscribe does", func() {
		feedtest.NoLeaks()
		c := newClient(nats.Settings{URL: shared.URL(), AllowedTopics: []string{"allowed.>"}})
		_, ok, err := c.Stored(feedtest.ContextFor(30*time.Second), "allowed..a", time.Time{}, far, 0)
		Expect(err).To(HaveOccurred())
		Expect(ok).To(BeFalse())
		_, ok, err = c.Stored(feedtest.ContextFor(30*time.Second), "other.a", time.Time{}, far, 0)
		Expect(errors.Is(err, nats.ErrNotAllowed)).To(BeTrue(), "%v", err)
		Expect(ok).To(BeFalse())
	})

	It("stops with ctx's error when ctx ends first, never returning part of the window", func() {
		feedtest.NoLeaks()
		root := stream(shared)
		store(shared, root+".a", 1, 1200)
		c := newClient(nats.Settings{URL: shared.URL()})
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", true))

		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		msgs, ok, err := c.Stored(ctx, root+".a", time.Time{}, far, 0)
		Expect(errors.Is(err, context.Canceled)).To(BeTrue(), "%v", err)
		Expect(ok).To(BeFalse())
		Expect(msgs).To(BeEmpty())

		// Deadlines that end before, while or after it reads: either
		// ctx's error or the whole window, within a generous bound.
		for _, d := range []time.Duration{0, time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond, 30 * time.Millisecond, 100 * time.Millisecond, 300 * time.Millisecond} {
			ctx, cancel := context.WithTimeout(context.Background(), d)
			began := time.Now()
			msgs, ok, err := c.Stored(ctx, root+".a", time.Time{}, far, 0)
			took := time.Since(began)
			cancel()
			Expect(took).To(BeNumerically("<", d+5*time.Second), "deadline %s", d)
			if err != nil {
				Expect(errors.Is(err, context.DeadlineExceeded)).To(BeTrue(), "deadline %s: %v", d, err)
				Expect(ok).To(BeFalse(), "deadline %s", d)
				Expect(msgs).To(BeEmpty(), "deadline %s", d)
				continue
			}
			Expect(d).NotTo(BeZero(), "an ended ctx was ignored")
			Expect(ok).To(BeTrue(), "deadline %s", d)
			Expect(texts(msgs)).To(Equal(payloads(1, 1200)), "deadline %s", d)
		}
	})

	It("fails with an error wrapping ErrNotConnected while the server is down, and works again once it is back", func() {
		feedtest.NoLeaks()
		s := ownServer(natstest.Config{})
		root := stream(s)
		store(s, root+".a", 1, 20)
		c := newClient(nats.Settings{URL: s.URL()})
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", true))
		Expect(texts(stored(c, root+".a", time.Time{}, far, 0))).To(Equal(payloads(1, 20)))

		Expect(s.Kill()).To(Succeed())
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", false))
		msgs, ok, err := c.Stored(feedtest.ContextFor(30*time.Second), root+".a", time.Time{}, far, 0)
		Expect(errors.Is(err, nats.ErrNotConnected)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring(s.URL()))
		Expect(ok).To(BeFalse())
		Expect(msgs).To(BeEmpty())

		Expect(s.Restart()).To(Succeed())
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", true))
		Eventually(func() []string {
			msgs, _, _ := c.Stored(feedtest.ContextFor(30*time.Second), root+".a", time.Time{}, far, 0)
			return texts(msgs)
		}).WithTimeout(30 * time.Second).WithPolling(200 * time.Millisecond).Should(Equal(payloads(1, 20)))
	})
})
