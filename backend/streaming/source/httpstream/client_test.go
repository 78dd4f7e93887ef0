package httpstream_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/httpstream"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// newClient is a Client of base with fast options, closed when the spec
// ends.
func newClient(base string, logs *feedtest.Lines) *httpstream.Client {
	GinkgoHelper()
	u, err := url.Parse(base)
	Expect(err).NotTo(HaveOccurred())
	c, err := httpstream.New(web.Settings{URL: u}, fastOptions(logs))
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(c.Close)
	return c
}

// ticker serves an endless event stream, one event every 10 ms, and
// counts the requests running.
type ticker struct {
	running atomic.Int32
}

func (t *ticker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t.running.Add(1)
	defer t.running.Add(-1)
	if r.URL.Path == "/missing" {
		http.NotFound(w, r)
		return
	}
	sseHeaders(w)
	for i := 0; ; i++ {
		if _, err := fmt.Fprintf(w, "data: {\"i\": %d}\n\n", i); err != nil {
			return
		}
		flush(w)
		select {
		case <-r.Context().Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

var _ = Describe("A Client", func() {
	var logs *feedtest.Lines
	BeforeEach(func() {
		feedtest.NoLeaks()
		logs = &feedtest.Lines{}
	})

	It("ends a subscription's request at Unsubscribe, and calls its handler no more once it returned", func() {
		t := &ticker{}
		srv := httptest.NewServer(t)
		DeferCleanup(srv.Close)
		c := newClient(srv.URL, logs)
		var calls atomic.Int64
		var unsubscribed atomic.Bool
		sub, err := c.Subscribe(feed.Subscription{Target: "tick"}, func(m feed.Message) {
			Expect(unsubscribed.Load()).To(BeFalse(), "a call after Unsubscribe returned")
			Expect(m.Series).To(Equal("tick"))
			calls.Add(1)
		})
		Expect(err).NotTo(HaveOccurred())
		Eventually(calls.Load).WithTimeout(long).Should(BeNumerically(">=", 5))
		Eventually(c.Stats).WithTimeout(short).Should(HaveField("Connected", BeTrue()))
		sub.Unsubscribe()
		unsubscribed.Store(true)
		Eventually(t.running.Load).WithTimeout(short).Should(BeZero(), "the server saw the request end")
		Expect(c.Stats().Connected).To(BeFalse(), "no subscription: not connected")
	})

	It("is connected only while every subscription's stream is open", func() {
		t := &ticker{}
		srv := httptest.NewServer(t)
		DeferCleanup(srv.Close)
		c := newClient(srv.URL, logs)
		Expect(c.Stats().Connected).To(BeFalse())
		a, err := c.Subscribe(feed.Subscription{Target: "a"}, func(feed.Message) {})
		Expect(err).NotTo(HaveOccurred())
		Eventually(c.Stats).WithTimeout(long).Should(HaveField("Connected", BeTrue()))
		missing, err := c.Subscribe(feed.Subscription{Target: "missing"}, func(feed.Message) {})
		Expect(err).NotTo(HaveOccurred())
		Consistently(c.Stats).WithTimeout(300 * time.Millisecond).Should(HaveField("Connected", BeFalse()))
		Expect(logs.All()).To(ContainSubstring("the server answered HTTP 404 Not Found at " + srv.URL + "/missing"))
		missing.Unsubscribe()
		Eventually(c.Stats).WithTimeout(short).Should(HaveField("Connected", BeTrue()))
		a.Unsubscribe()
	})

	It("refuses a path outside its URL, and everything after Close, which ends every goroutine", func() {
		t := &ticker{}
		srv := httptest.NewServer(t)
		DeferCleanup(srv.Close)
		c := newClient(srv.URL+"/api", logs)
		_, err := c.Subscribe(feed.Subscription{Target: "../x"}, func(feed.Message) {})
		Expect(err).To(MatchError(streaming.ErrMalformed))

		for i := range 5 {
			_, err := c.Subscribe(feed.Subscription{Target: fmt.Sprint("s", i)}, func(feed.Message) {})
			Expect(err).NotTo(HaveOccurred())
		}
		Eventually(t.running.Load).WithTimeout(long).Should(BeEquivalentTo(5))
		c.Close()
		c.Close()
		Eventually(t.running.Load).WithTimeout(short).Should(BeZero())
		_, err = c.Subscribe(feed.Subscription{Target: "late"}, func(feed.Message) {})
		Expect(err).To(MatchError(httpstream.ErrClosed))
		Expect(c.Health(feedtest.ContextFor(short))).To(MatchError(httpstream.ErrClosed))
	})

	It("counts the streams opened again as reconnects", func() {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sseHeaders(w)
			fmt.Fprint(w, "data: {}\n\n")
		}))
		DeferCleanup(srv.Close)
		c := newClient(srv.URL, logs)
		sub, err := c.Subscribe(feed.Subscription{Target: "x", Params: map[string]string{"format": "sse"}}, func(feed.Message) {})
		Expect(err).NotTo(HaveOccurred())
		Eventually(func() uint64 { return c.Stats().Reconnects }).WithTimeout(long).Should(BeNumerically(">=", 3))
		sub.Unsubscribe()
	})
})
