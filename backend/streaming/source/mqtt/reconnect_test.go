package mqtt_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
)

var _ = Describe("Reconnecting", func() {
	for _, v := range versions {
		It("resumes by itself when the broker is killed and restarted on its port, with every filter subscribed again, in MQTT "+string(v), func() {
			feedtest.NoLeaks()
			b := newBroker(mqtttest.Listeners{})
			DeferCleanup(b.Stop)
			c := dial(settings(b, "plain", v), fastOptions)
			root := uniqueTopic("restart")
			filters := []string{root + "/exact", root + "/+/temp", root + "/deep/#"}
			topics := []string{root + "/exact", root + "/kitchen/temp", root + "/deep/a/b"}
			got := make([]*collector, len(filters))
			for i, f := range filters {
				got[i] = &collector{}
				_, err := c.Subscribe(f, got[i].Handle)
				Expect(err).NotTo(HaveOccurred())
			}
			before := numbered("before", 20)
			p := newPublisher(b)
			for _, payload := range before {
				for _, t := range topics {
					p.publish(t, payload, 1, false)
				}
			}
			for i := range got {
				Eventually(got[i].payloads).WithTimeout(20 * time.Second).Should(Equal(before))
			}

			kill(b)
			Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", false))
			Eventually(func() error { return c.Health(feedtest.ContextFor(10 * time.Second)) }).WithTimeout(20 * time.Second).
				Should(MatchError(ContainSubstring("connection refused")))
			Expect(c.Stats().Pending).To(Equal(len(filters)))

			restart(b)
			Eventually(c.Stats).WithTimeout(60 * time.Second).Should(And(HaveField("Connected", true), HaveField("Pending", 0)))
			st := c.Stats()
			Expect(st.Reconnects).To(BeNumerically(">=", 1))
			Expect(st.ConnectFailures).To(BeNumerically(">=", 1))
			Expect(st.Subscriptions).To(Equal(len(filters)))
			Expect(st.LastError).To(BeEmpty())
			Expect(c.Health(feedtest.ContextFor(10 * time.Second))).To(Succeed())

			after := numbered("after", 50)
			p = newPublisher(b)
			for _, payload := range after {
				for _, t := range topics {
					p.publish(t, payload, 1, false)
				}
			}
			for i := range got {
				Eventually(got[i].payloads).WithTimeout(30*time.Second).Should(Equal(append(append([]string(nil), before...), after...)), filters[i])
			}
			Expect(c.Stats().Dropped).To(BeZero())
		})
	}

	It("keeps subscribing as the broker comes and goes, and a subscriber that arrived meanwhile receives too", func() {
		feedtest.NoLeaks()
		b := newBroker(mqtttest.Listeners{})
		DeferCleanup(b.Stop)
		c := dial(settings(b, "plain", mqtt.MQTT5), fastOptions)
		topic := uniqueTopic("twice")
		var first, late collector
		_, err := c.Subscribe(topic, first.Handle)
		Expect(err).NotTo(HaveOccurred())
		for range 2 {
			kill(b)
			Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", false))
			restart(b)
			Eventually(c.Stats).WithTimeout(60 * time.Second).Should(And(HaveField("Connected", true), HaveField("Pending", 0)))
		}
		kill(b)
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", false))
		_, err = c.Subscribe(topic+"/late", late.Handle)
		Expect(err).NotTo(HaveOccurred())
		restart(b)
		Eventually(c.Stats).WithTimeout(60 * time.Second).Should(And(HaveField("Connected", true), HaveField("Pending", 0)))
		Expect(c.Stats().Reconnects).To(BeNumerically(">=", 3))
		p := newPublisher(b)
		p.publish(topic, "one", 1, false)
		p.publish(topic+"/late", "two", 1, false)
		Eventually(first.payloads).WithTimeout(20 * time.Second).Should(Equal([]string{"one"}))
		Eventually(late.payloads).WithTimeout(20 * time.Second).Should(Equal([]string{"two"}))
	})
})
