package feed_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
)

// newParamFeed is a feed whose queries also have "format" (sse or ndjson)
// and "event", as the HTTP source's do.
func newParamFeed() (*feed.Feed, *memUpstream) {
	m, err := streaming.NewMetrics(prometheus.NewRegistry())
	Expect(err).NotTo(HaveOccurred())
	up := newMemUpstream()
	o := specOptions(feed.Settings{Linger: time.Hour}, m)
	o.Name, o.Target = "http", "path"
	o.Params = []feed.Param{
		{Name: "format", Default: "auto", Check: func(v string) error {
			if v != "sse" && v != "ndjson" && v != "auto" {
				return streaming.Malformed("format", "must be sse or ndjson, got %q", v)
			}
			return nil
		}},
		{Name: "event"},
	}
	f := feed.New(source.Settings{UID: "uid-of-the-spec"}, up, o)
	DeferCleanup(f.Close)
	return f, up
}

var _ = Describe("Query params", func() {
	It("are read, checked, passed to the subscription and part of the tap", func() {
		f, up := newParamFeed()
		_, err := f.Query(query(map[string]any{"path": "/a", "format": "xml"}), lastHour())
		Expect(err).To(MatchError(ContainSubstring("format: must be sse or ndjson")))
		frames(f, map[string]any{"path": "/b", "format": "auto"}, lastHour())
		Expect(up.lastSubscription().Params).To(BeNil(), "the default is left out")
		_, err = f.Query(query(map[string]any{"path": "/a", "event": 3}), lastHour())
		Expect(err).To(MatchError(ContainSubstring("event: must be a string")))

		frames(f, map[string]any{"path": "/a", "format": "sse", "event": "tick"}, lastHour())
		Expect(up.lastSubscription().Params).To(Equal(map[string]string{"format": "sse", "event": "tick"}))
		frames(f, map[string]any{"path": "/a"}, lastHour())
		Expect(up.lastSubscription().Params).To(BeNil(), "empty params are left out")
		frames(f, map[string]any{"path": "/a", "format": "sse", "event": "tick"}, lastHour())
		Expect(up.subscribes).To(Equal(3), "the same params share a tap, other params make another")
	})

	It("are encoded in the channel path and decoded from it, canonically", func() {
		f, up := newParamFeed()
		a := pathOf(f, map[string]any{"path": "/a", "format": "sse", "event": "tick", "fields": []string{"v"}})
		Expect(a).To(HavePrefix("http/v1/"))
		Expect(pathOf(f, map[string]any{"path": "/a", "format": "sse", "event": "tock", "fields": []string{"v"}})).NotTo(Equal(a))
		Expect(pathOf(f, map[string]any{"path": "/a", "format": "ndjson", "fields": []string{"v"}})).NotTo(Equal(a))
		// The default spelt out is the default left out.
		Expect(pathOf(f, map[string]any{"path": "/a", "format": "auto", "event": "tick"})).To(Equal(pathOf(f, map[string]any{"path": "/a", "event": "tick"})))
		_, err := f.Admit(forgePath("http", "/a", "auto", "", ""), time.Now())
		Expect(err).To(MatchError(streaming.ErrMalformed), "a path with the default spelt out is not canonical")
		// A stream of the path, on another Grafana instance that never ran
		// the query, subscribes as the query did.
		other, otherUp := newParamFeed()
		_, errs := runStream(other, a)
		Expect(otherUp.lastSubscription()).To(Equal(feed.Subscription{Target: "/a", Params: map[string]string{"format": "sse", "event": "tick"}, MaxReplay: 10000}))
		Consistently(errs, "50ms").ShouldNot(Receive())
		Expect(up.subscribes).To(Equal(4))

		// A forged path with a bad param value is one Pulse never writes.
		forged := forgePath("http", "/a", "xml", "", "")
		_, err = f.Admit(forged, time.Now())
		Expect(err).To(MatchError(streaming.ErrMalformed))
		Expect(err).To(MatchError(ContainSubstring("format")))
		// One with too few parts too.
		_, err = f.Admit(forgePath("http", "/a", ""), time.Now())
		Expect(err).To(MatchError(streaming.ErrMalformed))
	})
})

// forgePath writes a feed channel path by hand from its NUL-joined parts.
func forgePath(name string, parts ...string) string {
	return name + "/v1/100/" + base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
}

var _ = Describe("Stored history (an Upstream that replays)", func() {
	It("asks for the query's time range, bounded by the history rows, and answers once all of it came", func() {
		f, up, _ := newFeed(feed.Settings{HistoryMaxRows: 5, Linger: time.Hour})
		DeferCleanup(f.Close)
		base := time.Now().Add(-30 * time.Minute)
		for i := range 8 {
			up.store("orders.eu", fmt.Sprintf(`{"n": %d}`, i), base.Add(time.Duration(i)*time.Minute))
		}
		r := lastHour()
		q, err := f.Query(query(map[string]any{"topic": "orders.eu"}), r)
		Expect(err).NotTo(HaveOccurred())
		sub := up.lastSubscription()
		Expect(sub.Since).To(BeTemporally("==", r.From))
		Expect(sub.MaxReplay).To(Equal(5))
		fr, err := q.Frames(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(feedtest.Text(fr[0].Fields[1])).To(Equal([]string{"0", "1", "2", "3", "4", "5", "6", "7"}),
			"the newest five replayed into the tap, the three before them read for this query")
		Expect(up.calls()).To(HaveLen(1))
		Expect(up.calls()[0].sub.MaxReplay).To(Equal(5), "at most historyMaxRows read for one query")
	})

	It("read the part of a later, wider range that the tap does not hold from the store, without keeping it", func() {
		f, up, _ := newFeed(feed.Settings{Linger: time.Hour})
		DeferCleanup(f.Close)
		base := time.Now().Add(-50 * time.Minute)
		for i := range 6 {
			up.store("orders.eu", fmt.Sprintf(`{"n": %d}`, i), base.Add(time.Duration(i)*time.Minute))
		}
		// A panel over the last 10 minutes makes the tap: it replays
		// nothing, and holds what comes from then on.
		recent := source.Range{From: time.Now().Add(-10 * time.Minute), To: time.Now().Add(time.Minute), MaxPoints: 1000}
		q, err := f.Query(query(map[string]any{"topic": "orders.eu", "withStreaming": true}), recent)
		Expect(err).NotTo(HaveOccurred())
		_, err = q.Frames(context.Background())
		Expect(err).NotTo(HaveOccurred())
		path := q.Path()
		_, rec := feedtest.Stream(f, path)
		for i := 6; i < 9; i++ {
			up.store("orders.eu", fmt.Sprintf(`{"n": %d}`, i), time.Now())
		}
		Eventually(func() []string { return rec.Values("n") }).Should(Equal([]string{"6", "7", "8"}))

		// The last hour: the six stored before the tap came from the store.
		r := lastHour()
		q, err = f.Query(query(map[string]any{"topic": "orders.eu"}), r)
		Expect(err).NotTo(HaveOccurred())
		Expect(q.Points()).To(BeEquivalentTo(1000), "the budget counts what the store may add")
		fr, err := q.Frames(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(feedtest.Text(fr[0].Fields[1])).To(Equal(upTo(0, 8)))
		Expect(q.Notices()).To(BeEmpty())
		calls := up.calls()
		Expect(calls).To(HaveLen(1))
		Expect(calls[0].sub.Since).To(BeTemporally("==", r.From))
		Expect(calls[0].until).To(BeTemporally(">=", recent.From), "up to when the tap was made")
		Expect(calls[0].until).To(BeTemporally("<=", time.Now()))

		// maxDataPoints bounds the answer: the newest, and no store read
		// when the tap alone fills it.
		few := lastHour()
		few.MaxPoints = 2
		Expect(feedtest.Text(frames(f, map[string]any{"topic": "orders.eu"}, few)[0].Fields[1])).To(Equal([]string{"7", "8"}))
		Expect(up.calls()).To(HaveLen(1))
		few.MaxPoints = 5
		Expect(feedtest.Text(frames(f, map[string]any{"topic": "orders.eu"}, few)[0].Fields[1])).To(Equal(upTo(4, 8)))
		Expect(up.calls()[1].sub.MaxReplay).To(Equal(2), "only as many as the answer can still take")

		// The tap keeps only what it had: a new viewer is given 6, 7, 8.
		initial, err := f.Admit(path, time.Now())
		Expect(err).NotTo(HaveOccurred())
		Expect(feedtest.Text(initial.Fields[1])).To(Equal([]string{"6", "7", "8"}))
	})

	It("answer with what the tap holds and a notice when the store cannot be read, and stop asking one that keeps nothing", func() {
		f, up, _ := newFeed(feed.Settings{Linger: time.Hour})
		DeferCleanup(f.Close)
		// A viewer makes the tap: whether the target is stored is not
		// known yet.
		path := forgePath("mqtt", "orders.eu", "")
		_, err := f.Admit(path, time.Now())
		Expect(err).NotTo(HaveOccurred())
		// A range that starts after the tap was made needs no store.
		recent := source.Range{From: time.Now(), To: time.Now().Add(time.Minute), MaxPoints: 1000}
		up.publish("orders.eu", `{"n": 1}`)
		Eventually(func() int { return frames(f, map[string]any{"topic": "orders.eu"}, recent)[0].Rows() }).Should(Equal(1))
		Expect(up.calls()).To(BeEmpty())

		up.mu.Lock()
		up.storedErr = errors.New("stream lookup timed out")
		up.mu.Unlock()
		q, err := f.Query(query(map[string]any{"topic": "orders.eu"}), lastHour())
		Expect(err).NotTo(HaveOccurred())
		fr, err := q.Frames(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(feedtest.Text(fr[0].Fields[1])).To(Equal([]string{"1"}))
		Expect(up.calls()).To(HaveLen(1))
		Expect(q.Notices()).To(ConsistOf(HaveField("Text", And(ContainSubstring("could not be read"), ContainSubstring("stream lookup timed out")))))

		// A store that keeps nothing of the target is not asked again by
		// the tap's later queries.
		up.mu.Lock()
		up.storedErr = nil
		up.mu.Unlock()
		frames(f, map[string]any{"topic": "orders.eu"}, lastHour())
		frames(f, map[string]any{"topic": "orders.eu"}, lastHour())
		Expect(up.calls()).To(HaveLen(2))
	})

	It("gives up waiting for the replay when the request's deadline comes", func() {
		f, up, _ := newFeed(feed.Settings{Linger: time.Hour})
		DeferCleanup(f.Close)
		up.storing = true
		up.slowReplay = make(chan struct{})
		DeferCleanup(func() { close(up.slowReplay) })
		q, err := f.Query(query(map[string]any{"topic": "orders.us"}), lastHour())
		Expect(err).NotTo(HaveOccurred())
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err = q.Frames(ctx)
		Expect(err).To(MatchError(context.DeadlineExceeded))
	})
})
