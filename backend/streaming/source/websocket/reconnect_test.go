package websocket_test

import (
	"bytes"
	"net/http"
	"runtime"
	"sync/atomic"
	"time"

	gws "github.com/gorilla/websocket"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
)

var _ = Describe("Reconnecting", func() {
	It("dials again after a close with 1000, 1001 and 1011 and after a TCP reset, and the rows go on", func() {
		feedtest.NoLeaks()
		srv := newServer()
		src, m := openSource(settingsOf(srv, ""), nil, fastOptions)
		rec := streamPath(src, map[string]any{"path": "/feed"})
		var want []string
		ends := []func(*peer){
			func(p *peer) { p.closeWith(gws.CloseNormalClosure) },
			func(p *peer) { p.closeWith(gws.CloseGoingAway) },
			func(p *peer) { p.closeWith(gws.CloseInternalServerErr) },
			(*peer).reset,
		}
		for i, end := range ends {
			msgs, ns := numbered(10*i, 10*i+10)
			sendAll(srv.peer(i+1), msgs)
			want = append(want, ns...)
			Eventually(values(rec, "n")).WithTimeout(20*time.Second).Should(Equal(want), "connection %d", i+1)
			end(srv.peer(i + 1))
		}
		msgs, ns := numbered(100, 110)
		sendAll(srv.peer(len(ends)+1), msgs)
		want = append(want, ns...)
		Eventually(values(rec, "n")).WithTimeout(20 * time.Second).Should(Equal(want))
		Eventually(counter(m.FeedReconnects)).WithTimeout(20 * time.Second).Should(BeEquivalentTo(len(ends)))
		Expect(srv.connections()).To(Equal(len(ends) + 1))
	})

	It("drops a connection whose server answers no ping and sends nothing, and dials again", func() {
		feedtest.NoLeaks()
		srv := newServer(deaf)
		o := fastOptions
		o.PingInterval, o.PongWait = 100*time.Millisecond, 300*time.Millisecond
		c := newClient(settingsOf(srv, ""), nil, o)
		_, err := c.Subscribe(feed.Subscription{Target: "/quiet"}, func(feed.Message) {})
		Expect(err).NotTo(HaveOccurred())
		first := srv.peer(1)
		Eventually(first.closed).WithTimeout(20 * time.Second).Should(BeTrue())
		srv.peer(2)
		Eventually(func() uint64 { return c.Stats().Reconnects }).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 1))
	})

	It("keeps a connection whose server answers pings, however quiet it is", func() {
		feedtest.NoLeaks()
		srv := newServer()
		o := fastOptions
		o.PingInterval, o.PongWait = 100*time.Millisecond, 2*time.Second
		c := newClient(settingsOf(srv, ""), nil, o)
		_, err := c.Subscribe(feed.Subscription{Target: "/quiet"}, func(feed.Message) {})
		Expect(err).NotTo(HaveOccurred())
		srv.peer(1)
		Consistently(srv.connections).WithTimeout(3 * time.Second).Should(Equal(1))
		Expect(c.Stats().Connected).To(BeTrue())
	})

	for _, chunked := range []bool{false, true} {
		name := "in one frame"
		if chunked {
			name = "in frames of 4 KiB"
		}
		It("drops a message over the read limit sent "+name+" without reading it, dials again and reads the next ones", func() {
			feedtest.NoLeaks()
			srv := newServer()
			o := fastOptions
			o.ReadLimit = 64 << 10
			src, m := openSource(settingsOf(srv, ""), nil, o)
			rec := streamPath(src, map[string]any{"path": "/big"})
			p := srv.peer(1)
			sendAll(p, []string{`{"n": 1}`})
			Eventually(values(rec, "n")).WithTimeout(20 * time.Second).Should(Equal([]string{"1"}))

			huge := append(append([]byte(`{"n": 2, "blob": "`), bytes.Repeat([]byte("x"), 32<<20)...), `"}`...)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			go func() {
				defer GinkgoRecover()
				if chunked {
					_ = p.writeChunks(huge, 4<<10)
				} else {
					_ = p.write(gws.TextMessage, huge)
				}
			}()
			Eventually(p.closed).WithTimeout(20 * time.Second).Should(BeTrue())
			runtime.ReadMemStats(&after)
			Expect(after.TotalAlloc-before.TotalAlloc).To(BeNumerically("<", 8<<20), "the client read no more than about the limit")

			sendAll(srv.peer(2), []string{`{"n": 3}`})
			Eventually(values(rec, "n")).WithTimeout(20 * time.Second).Should(Equal([]string{"1", "3"}))
			Expect(counter(m.FeedDecodeErrors)()).To(BeZero())
		})
	}

	It("gives up on a server slow to answer the upgrade within the handshake timeout, tries again, and connects once it answers", func() {
		feedtest.NoLeaks()
		var slow atomic.Bool
		slow.Store(true)
		var attempts atomic.Int64
		release := make(chan struct{})
		srv := newServer(refusing(func(w http.ResponseWriter, r *http.Request) bool {
			attempts.Add(1)
			if slow.Load() {
				select {
				case <-release:
				case <-r.Context().Done():
				}
			}
			return false
		}))
		DeferCleanup(func() {
			if slow.Swap(false) {
				close(release)
			}
		})
		o := fastOptions
		o.HandshakeTimeout = 300 * time.Millisecond
		c := newClient(settingsOf(srv, ""), nil, o)
		Expect(c.Health(feedtest.ContextFor(20 * time.Second))).To(MatchError(ContainSubstring("timeout: the server at")))
		got := make(chan string, 10)
		_, err := c.Subscribe(feed.Subscription{Target: "/slow"}, func(m feed.Message) { got <- string(m.Payload) })
		Expect(err).NotTo(HaveOccurred())
		Eventually(attempts.Load).WithTimeout(20 * time.Second).Should(BeNumerically(">=", 3))
		Expect(c.Stats().Connected).To(BeFalse())

		slow.Store(false)
		close(release)
		// Upgrades of attempts the client gave up on may complete now too:
		// the message goes to every connection until one arrives.
		Eventually(func() []byte {
			srv.sendEverywhere(`{"n": 1}`)
			select {
			case m := <-got:
				return []byte(m)
			case <-time.After(200 * time.Millisecond):
				return nil
			}
		}).WithTimeout(20 * time.Second).Should(MatchJSON(`{"n": 1}`))
		Expect(c.Stats().Connected).To(BeTrue())
	})

	It("abandons an upgrade under way at once when unsubscribed", func() {
		feedtest.NoLeaks()
		release := make(chan struct{})
		DeferCleanup(func() { close(release) })
		var attempts atomic.Int64
		srv := newServer(refusing(func(w http.ResponseWriter, r *http.Request) bool {
			attempts.Add(1)
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return true
		}))
		o := fastOptions
		o.HandshakeTimeout = time.Minute
		c := newClient(settingsOf(srv, ""), nil, o)
		sub, err := c.Subscribe(feed.Subscription{Target: "/stuck"}, func(feed.Message) {})
		Expect(err).NotTo(HaveOccurred())
		Eventually(attempts.Load).WithTimeout(20 * time.Second).Should(BeEquivalentTo(1))
		done := make(chan struct{})
		go func() {
			sub.Unsubscribe()
			close(done)
		}()
		Eventually(done).WithTimeout(10*time.Second).Should(BeClosed(), "well before the minute of the handshake timeout")
	})
})
