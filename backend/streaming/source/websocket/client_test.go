package websocket_test

import (
	"fmt"
	"runtime"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/websocket"
)

// collector keeps the messages a handler receives.
type collector struct {
	feedtest.Collector[feed.Message]
}

// payloads are the payloads received so far, as strings.
func (c *collector) payloads() []string {
	return c.Texts(func(m feed.Message) string { return string(m.Payload) })
}

var _ = Describe("The client", func() {
	It("delivers each subscription's messages with its path as the series, and reports its connections", func() {
		srv := newServer()
		c := newClient(settingsOf(srv, "/v2"), nil, fastOptions)
		Expect(c.Stats().Connected).To(BeFalse(), "no subscription, no connection")
		var a, b collector
		_, err := c.Subscribe(feed.Subscription{Target: "a"}, a.Handle)
		Expect(err).NotTo(HaveOccurred())
		_, err = c.Subscribe(feed.Subscription{Target: "/b"}, b.Handle)
		Expect(err).NotTo(HaveOccurred())
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", true))
		paths := map[string]*peer{srv.peer(1).path: srv.peer(1), srv.peer(2).path: srv.peer(2)}
		Expect(paths).To(HaveKey("/v2/a"))
		Expect(paths).To(HaveKey("/v2/b"))
		sendAll(paths["/v2/a"], []string{`{"x": 1}`})
		sendAll(paths["/v2/b"], []string{`{"y": 2}`})
		Eventually(a.payloads).WithTimeout(20 * time.Second).Should(Equal([]string{`{"x": 1}`}))
		Eventually(b.payloads).WithTimeout(20 * time.Second).Should(Equal([]string{`{"y": 2}`}))
		Expect(a.Messages()[0].Series).To(Equal("a"))
		Expect(a.Messages()[0].Arrival).To(BeTemporally("~", time.Now(), 20*time.Second))

		paths["/v2/a"].closeWith(1000)
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Reconnects", uint64(1)))
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", true))
	})

	It("slows the connection's reader when a handler falls behind, and loses no message", func() {
		feedtest.NoLeaks()
		srv := newServer()
		o := fastOptions
		o.QueueLength = 8
		c := newClient(settingsOf(srv, ""), nil, o)
		gate := make(chan struct{})
		var got collector
		_, err := c.Subscribe(feed.Subscription{Target: "/slow"}, func(m feed.Message) {
			<-gate
			got.Handle(m)
		})
		Expect(err).NotTo(HaveOccurred())
		msgs, _ := numbered(0, 100)
		sendAll(srv.peer(1), msgs)
		Consistently(func() int { return len(got.payloads()) }).WithTimeout(300 * time.Millisecond).Should(BeZero())
		close(gate)
		Eventually(func() int { return len(got.payloads()) }).WithTimeout(20 * time.Second).Should(Equal(100))
		Expect(got.payloads()).To(Equal(msgs), "every message, in order")
		Expect(c.Stats().Dropped).To(BeZero())
	})

	It("closes each connection on Unsubscribe and every one on Close, leaving no goroutine behind", func() {
		srv := newServer()
		settle := func() int {
			runtime.GC()
			return runtime.NumGoroutine()
		}
		before := settle()
		c := newClient(settingsOf(srv, ""), nil, fastOptions)
		var subs []feed.Subscribed
		for i := range 6 {
			sub, err := c.Subscribe(feed.Subscription{Target: fmt.Sprintf("/p%d", i)}, func(feed.Message) {})
			Expect(err).NotTo(HaveOccurred())
			subs = append(subs, sub)
		}
		Eventually(c.Stats).WithTimeout(20 * time.Second).Should(HaveField("Connected", true))
		running := settle()
		Expect(running).To(BeNumerically(">=", before+6*3), "a reader, a pinger and a handler per subscription, and the server's")

		for _, sub := range subs[:3] {
			sub.Unsubscribe()
			sub.Unsubscribe() // again: nothing
		}
		Eventually(func() int { return srv.connections() - srv.open() }).WithTimeout(20*time.Second).Should(Equal(3), "closed by the client")
		Eventually(settle).WithTimeout(20 * time.Second).Should(BeNumerically("<=", running-3*3+2))

		c.Close()
		c.Close()
		Eventually(srv.open).WithTimeout(20 * time.Second).Should(BeZero())
		Eventually(settle).WithTimeout(20 * time.Second).Should(BeNumerically("<=", before+2))
		subs[3].Unsubscribe()

		_, err := c.Subscribe(feed.Subscription{Target: "/late"}, func(feed.Message) {})
		Expect(err).To(MatchError(websocket.ErrClosed))
		Expect(c.Health(feedtest.ContextFor(time.Second))).To(MatchError(websocket.ErrClosed))
	})
})
