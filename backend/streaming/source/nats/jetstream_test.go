package nats_test

import (
	"fmt"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

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

// store publishes payloads from to through to (inclusive) to subject's
// stream, numbered "<n>", ids "<subject>-<n>".
func store(s *natstest.Server, subject string, from, to int) {
	GinkgoHelper()
	for n := from; n <= to; n++ {
		Expect(s.PublishStored(subject, []byte(strconv.Itoa(n)), fmt.Sprintf("%s-%d", subject, n))).To(Succeed())
	}
}

// upTo are "from" … "to".
func upTo(from, to int) []string {
	var out []string
	for n := from; n <= to; n++ {
		out = append(out, strconv.Itoa(n))
	}
	return out
}

var _ = Describe("JetStream subscriptions", func() {
	It("replay the stored messages from since, close Replayed, then go on live with the same consumer", func() {
		noLeaks()
		root := stream(shared)
		before := time.Now()
		store(shared, root+".a", 1, 50)
		c := newClient(nats.Settings{URL: shared.URL()})
		col := &collector{}
		sub, err := c.Subscribe(root+".>", time.Now().Add(-time.Hour), 0, col.handle)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(sub.Unsubscribe)
		Expect(sub.Stream).To(HavePrefix("PULSE_"))
		Expect(sub.Replayed).NotTo(BeNil())
		Eventually(sub.Replayed).WithTimeout(20 * time.Second).Should(BeClosed())
		Expect(len(col.payloads())).To(BeNumerically(">=", 50))
		Expect(col.payloads()[:50]).To(Equal(upTo(1, 50)))
		first := col.messages()[0]
		Expect(first.Arrival).To(BeTemporally(">=", before.Add(-time.Second)))
		Expect(first.Sequence).To(BeNumerically(">", 0))
		store(shared, root+".b", 51, 80)
		Eventually(col.payloads).WithTimeout(20 * time.Second).Should(Equal(upTo(1, 80)))
		Expect(c.Stats().Stored).To(Equal(1))
	})
})
