package feed_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
)

// lastHour is the time range of a query for the last hour.
func lastHour() source.Range {
	return source.Range{From: time.Now().Add(-time.Hour), To: time.Now().Add(time.Minute), MaxPoints: 1000}
}

// frames runs a query and returns its frames.
func frames(f *feed.Feed, fields map[string]any, r source.Range) data.Frames {
	GinkgoHelper()
	q, err := f.Query(query(fields), r)
	Expect(err).NotTo(HaveOccurred())
	out, err := q.Frames(context.Background())
	Expect(err).NotTo(HaveOccurred())
	return out
}

var _ = Describe("Queries", func() {
	It("read topic, withStreaming, timeField, fields and flushMs, and name what is wrong", func() {
		f, _, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		for raw, want := range map[string]string{
			`{}`:                                      "topic: is required",
			`{"topic": 5}`:                            "topic: must be a string",
			`{"topic": "a", "fields": "x"}`:           "fields: must be a list of strings",
			`{"topic": "a", "fields": [""]}`:          "fields: paths of 1 to",
			`{"topic": "a", "flushMs": 5}`:            "flushMs: must be between 10 and 10000",
			`{"topic": "a", "timeField": "a\u0000b"}`: "timeField: must not contain a NUL",
			`{"topic": "bad!"}`:                       "topic: not a topic filter",
			`{"topic": "secret/x"}`:                   "not covered by allowedTopics",
			`[1]`:                                     "query: not a JSON object",
		} {
			_, err := f.Query([]byte(raw), lastHour())
			Expect(err).To(MatchError(ContainSubstring(want)), raw)
		}
	})

	It("warn about fields that are neither the feed's nor Grafana's", func() {
		f, _, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		q, err := f.Query([]byte(`{"topic":"a","refId":"A","tpoic":"b","flushMS":3}`), lastHour())
		Expect(err).NotTo(HaveOccurred())
		Expect(q.Notices()).To(HaveLen(1))
		Expect(q.Notices()[0].Text).To(And(ContainSubstring("flushMS"), ContainSubstring("tpoic")))
	})

	It("subscribe on demand, wait for retained messages, and keep following for the linger", func() {
		f, up, _ := newFeed(feed.Settings{Linger: time.Hour})
		DeferCleanup(f.Close)
		up.retained["plant/boiler"] = `{"temp": 71.5}`
		fr := frames(f, map[string]any{"topic": "plant/+"}, lastHour())
		Expect(fr).To(HaveLen(1))
		Expect(fr[0].Fields[1].Name).To(Equal("temp"))
		Expect(fr[0].Fields[1].Labels).To(Equal(data.Labels{"topic": "plant/boiler"}))
		Expect(feedtest.Text(fr[0].Fields[1])).To(Equal([]string{"71.5"}))
		Expect(up.live()).To(Equal(1))

		// Nobody streams it, yet the next evaluation sees what came since.
		up.publish("plant/boiler", `{"temp": 72}`)
		up.publish("plant/pump", `{"rpm": 1450, "on": true}`)
		Eventually(func() int { return len(frames(f, map[string]any{"topic": "plant/+"}, lastHour())) }).Should(Equal(2))
		fr = frames(f, map[string]any{"topic": "plant/+"}, lastHour())
		Expect(feedtest.Text(fr[0].Fields[1])).To(Equal([]string{"71.5", "72"}))
		Expect(fr[1].Name).To(Equal("plant/pump"))
		Expect(fr[1].Fields[1].Labels).To(Equal(data.Labels{"topic": "plant/pump"}))
		Expect(up.subscribes).To(Equal(1), "one subscription serves every query of the tap")
	})

	It("answer an empty frame for a topic with no messages yet, after a short wait", func() {
		f, _, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		start := time.Now()
		fr := frames(f, map[string]any{"topic": "quiet"}, lastHour())
		Expect(time.Since(start)).To(BeNumerically(">=", 200*time.Millisecond))
		Expect(fr).To(HaveLen(1))
		Expect(fr[0].Rows()).To(BeZero())
	})

	It("wait for the upstream to confirm a new subscription before they wait for its retained messages", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		up.confirm = make(chan struct{})
		up.retained["plant/boiler"] = `{"temp": 71.5}`
		// The connection is still being made: the SUBACK comes after
		// longer than FirstMessageWait (200 ms), within SubscribeWait (1 s).
		time.AfterFunc(500*time.Millisecond, up.confirmNow)
		q, err := f.Query(query(map[string]any{"topic": "plant/+"}), lastHour())
		Expect(err).NotTo(HaveOccurred())
		fr, err := q.Frames(feedtest.ContextFor(10 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(fr).To(HaveLen(1))
		Expect(feedtest.Text(fr[0].Fields[1])).To(Equal([]string{"71.5"}))
		Expect(q.Notices()).To(BeEmpty())
	})

	It("say so in a notice when the upstream did not confirm a new subscription within SubscribeWait", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		up.confirm = make(chan struct{})
		DeferCleanup(up.confirmNow)
		start := time.Now()
		q, err := f.Query(query(map[string]any{"topic": "plant/+"}), lastHour())
		Expect(err).NotTo(HaveOccurred())
		fr, err := q.Frames(feedtest.ContextFor(10 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(time.Since(start)).To(BeNumerically(">=", time.Second))
		Expect(fr).To(HaveLen(1))
		Expect(fr[0].Rows()).To(BeZero())
		Expect(q.Notices()).To(HaveLen(1))
		Expect(q.Notices()[0].Text).To(And(ContainSubstring("has not confirmed the subscription"), ContainSubstring(`"plant/+"`), ContainSubstring("Save & test")))

		// The tap is there: once the upstream confirms, the next query has
		// the values and no notice.
		up.confirmNow()
		up.publish("plant/boiler", `{"temp": 72}`)
		q, err = f.Query(query(map[string]any{"topic": "plant/+"}), lastHour())
		Expect(err).NotTo(HaveOccurred())
		_, err = q.Frames(feedtest.ContextFor(10 * time.Second))
		Expect(err).NotTo(HaveOccurred())
		Expect(q.Notices()).To(BeEmpty())
	})

	It("stop waiting for a confirmation when the request ends", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		up.confirm = make(chan struct{})
		DeferCleanup(up.confirmNow)
		q, err := f.Query(query(map[string]any{"topic": "plant/+"}), lastHour())
		Expect(err).NotTo(HaveOccurred())
		_, err = q.Frames(feedtest.ContextFor(100 * time.Millisecond))
		Expect(err).To(MatchError(context.DeadlineExceeded))
	})

	It("return the rows within the time range, the newest maxDataPoints of them, sorted by time per topic", func() {
		f, up, _ := newFeed(feed.Settings{Linger: time.Hour})
		DeferCleanup(f.Close)
		frames(f, map[string]any{"topic": "t", "timeField": "ts"}, lastHour())
		base := time.Now().Add(-30 * time.Minute).Truncate(time.Second)
		for _, i := range []int{3, 1, 2, 0, 4} { // out of order
			up.publish("t", fmt.Sprintf(`{"ts": %d, "v": %d}`, base.Add(time.Duration(i)*time.Minute).UnixMilli(), i))
		}
		up.publish("t", fmt.Sprintf(`{"ts": %d, "v": 99}`, base.Add(-2*time.Hour).UnixMilli())) // before the range
		Eventually(func() int { return frames(f, map[string]any{"topic": "t", "timeField": "ts"}, lastHour())[0].Rows() }).Should(Equal(5))
		fr := frames(f, map[string]any{"topic": "t", "timeField": "ts"}, lastHour())
		Expect(feedtest.Text(fr[0].Fields[1])).To(Equal([]string{"0", "1", "2", "3", "4"}))
		r := lastHour()
		r.MaxPoints = 2
		fr = frames(f, map[string]any{"topic": "t", "timeField": "ts"}, r)
		Expect(feedtest.Text(fr[0].Fields[1])).To(Equal([]string{"3", "4"}), "the newest two")
	})

	It("count the points a query returns: rows times value fields", func() {
		f, up, _ := newFeed(feed.Settings{Linger: time.Hour})
		DeferCleanup(f.Close)
		frames(f, map[string]any{"topic": "t"}, lastHour())
		for i := range 10 {
			up.publish("t", fmt.Sprintf(`{"a": %d, "b": "x"}`, i))
		}
		Eventually(func() int64 {
			q, err := f.Query(query(map[string]any{"topic": "t"}), lastHour())
			Expect(err).NotTo(HaveOccurred())
			return q.Points()
		}).Should(BeEquivalentTo(20))
	})

	It("wait for a slow subscription only when they want its topic", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		up.mu.Lock()
		up.slow = make(chan struct{})
		up.mu.Unlock()
		slowDone := make(chan error, 2)
		for range 2 { // two queries of the slow topic: one subscription
			go func() {
				_, err := f.Query(query(map[string]any{"topic": "slow/x"}), lastHour())
				slowDone <- err
			}()
		}
		fastDone := make(chan error, 1)
		go func() {
			_, err := f.Query(query(map[string]any{"topic": "fast"}), lastHour())
			fastDone <- err
		}()
		Eventually(fastDone).Should(Receive(BeNil()))
		Consistently(slowDone).WithTimeout(200 * time.Millisecond).ShouldNot(Receive())
		close(up.slow)
		Eventually(slowDone).Should(Receive(BeNil()))
		Eventually(slowDone).Should(Receive(BeNil()))
		up.mu.Lock()
		defer up.mu.Unlock()
		Expect(up.subscribes).To(Equal(2), "fast and slow/x, once each")
	})

	It("refuse a new topic past maxStreams taps, and take it once a lingering one is gone", func() {
		f, _, _ := newFeed(feed.Settings{MaxStreams: 2, Linger: 2 * time.Second})
		DeferCleanup(f.Close)
		frames(f, map[string]any{"topic": "a"}, lastHour())
		frames(f, map[string]any{"topic": "b"}, lastHour())
		_, err := f.Query(query(map[string]any{"topic": "c"}), lastHour())
		Expect(errors.Is(err, feed.ErrTooManyTaps)).To(BeTrue(), "%v", err)
		Expect(err.Error()).To(ContainSubstring("maxStreams"))
		Eventually(func() error {
			_, err := f.Query(query(map[string]any{"topic": "c"}), lastHour())
			return err
		}).WithTimeout(10 * time.Second).Should(Succeed())
	})
})

var _ = Describe("Streams", func() {
	It("give a viewer the newest rows, then send every later row once, in order", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		path := pathOf(f, map[string]any{"topic": "t", "flushMs": 10})
		for i := range 150 {
			up.publish("t", fmt.Sprintf(`{"n": %d}`, i))
		}
		Eventually(func() int { return frames(f, map[string]any{"topic": "t"}, lastHour())[0].Rows() }).Should(Equal(150))
		initial, err := f.Admit(path, time.Now())
		Expect(err).NotTo(HaveOccurred())
		Expect(initial.Rows()).To(Equal(streaming.InitialRows))
		Expect(feedtest.Text(initial.Fields[1])[0]).To(Equal("50"))
		up.publish("t", `{"n": 150}`) // between the admission and the stream's start
		rec, _ := runStream(f, path)
		for i := 151; i < 400; i++ {
			up.publish("t", fmt.Sprintf(`{"n": %d}`, i))
		}
		want := make([]string, 0, 250)
		for i := 150; i < 400; i++ {
			want = append(want, fmt.Sprint(i))
		}
		Eventually(func() []string { return rec.Values("n") }).WithTimeout(10 * time.Second).Should(Equal(want))
	})

	It("make every topic of a wildcard its own series, and resend the schema when a topic or field appears", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		path := pathOf(f, map[string]any{"topic": "room/+", "flushMs": 10})
		_, err := f.Admit(path, time.Now())
		Expect(err).NotTo(HaveOccurred())
		rec, _ := runStream(f, path)
		up.publish("room/kitchen", `{"temp": 21.5}`)
		Eventually(rec.Count).Should(Equal(1))
		up.publish("room/kitchen", `{"temp": 21.6}`)
		Eventually(rec.Count).Should(Equal(2))
		up.publish("room/hall", `{"temp": 19}`)
		Eventually(rec.Count).Should(Equal(3))
		up.publish("room/hall", `{"temp": 19.1, "humidity": 40}`)
		Eventually(rec.Count).Should(Equal(4))
		up.publish("room/kitchen", `{"temp": 21.7}`)
		Eventually(rec.Count).Should(Equal(5))

		fr, err := rec.Frames() // fails when a data-only packet mismatches its schema
		Expect(err).NotTo(HaveOccurred())
		withSchema := []bool{}
		for _, p := range rec.Packets() {
			withSchema = append(withSchema, strings.Contains(string(p), `"schema"`))
		}
		Expect(withSchema).To(Equal([]bool{true, false, true, true, false}))
		last := fr[len(fr)-1]
		var names []string
		for _, field := range last.Fields {
			names = append(names, field.Name)
		}
		Expect(names).To(Equal([]string{"time", "temp room/kitchen", "temp room/hall", "humidity room/hall"}))
		Expect(last.Fields[2].Labels).To(Equal(data.Labels{"topic": "room/hall"}))
		Expect(last.Fields[2].Config.DisplayNameFromDS).To(Equal("temp room/hall"))
		Expect(feedtest.Text(last.Fields[1])).To(Equal([]string{"21.7"}))
		Expect(feedtest.Text(last.Fields[2])).To(Equal([]string{"null"}))
	})

	It("turn a field whose type changes into a string field, resending the schema, and drop no row", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		path := pathOf(f, map[string]any{"topic": "t", "flushMs": 10})
		rec, _ := runStream(f, path)
		up.publish("t", `{"state": 1}`)
		Eventually(rec.Count).Should(Equal(1))
		up.publish("t", `{"state": "open"}`)
		Eventually(rec.Count).Should(Equal(2))
		fr, err := rec.Frames()
		Expect(err).NotTo(HaveOccurred())
		Expect(fr[1].Fields[1].Type()).To(Equal(data.FieldTypeNullableString))
		Expect(rec.Values("state")).To(Equal([]string{"1", "open"}))
	})

	It("batch rows by the flush window, and send a row after a quiet window at once", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		path := pathOf(f, map[string]any{"topic": "t", "flushMs": 1000})
		rec, _ := runStream(f, path)
		up.publish("t", `{"n": 0}`)
		Eventually(rec.Count).WithTimeout(900*time.Millisecond).Should(Equal(1), "the first row goes at once")
		for i := 1; i <= 50; i++ {
			up.publish("t", fmt.Sprintf(`{"n": %d}`, i))
		}
		Eventually(rec.Count).WithTimeout(5 * time.Second).Should(Equal(2))
		Consistently(rec.Count).WithTimeout(1200*time.Millisecond).Should(Equal(2), "the 50 rows went in one frame")
		Expect(rec.Values("n")).To(HaveLen(51))
	})

	It("lose no row of a burst larger than the history to a receiver that keeps reading: the tap waits for the stream", func() {
		m, err := streaming.NewMetrics(prometheus.NewRegistry())
		Expect(err).NotTo(HaveOccurred())
		up := newMemUpstream()
		o := specOptions(feed.Settings{HistoryMaxRows: 100, Linger: time.Hour}, m)
		o.PressureWait = 20 * time.Second // a busy machine may pause a stream for a while
		f := feed.New(source.Settings{UID: "uid-of-the-spec"}, up, o)
		DeferCleanup(f.Close)
		path := pathOf(f, map[string]any{"topic": "t", "flushMs": 1000})
		rec, _ := runStream(f, path)
		slow := make(chan struct{})
		go func() {
			// A receiver that reads, slowly: 2 ms a frame.
			defer close(slow)
			for range 200 {
				release := rec.Stall()
				time.Sleep(2 * time.Millisecond)
				release()
			}
		}()
		want := make([]string, 0, 5000)
		for i := range 5000 {
			up.publish("t", fmt.Sprintf(`{"n": %d}`, i))
			want = append(want, fmt.Sprint(i))
		}
		Eventually(func() int { return len(rec.Values("n")) }).WithTimeout(60 * time.Second).Should(Equal(5000))
		Expect(rec.Values("n")).To(Equal(want), "every row, once, in order")
		Expect(testutil.ToFloat64(m.RowsDropped)).To(BeZero())
		<-slow
	})

	It("hold no buffer for a stalled receiver: rows evicted before it reads them are skipped and counted", func() {
		f, up, m := newFeed(feed.Settings{HistoryMaxRows: 100})
		DeferCleanup(f.Close)
		path := pathOf(f, map[string]any{"topic": "t", "flushMs": 10})
		rec, _ := runStream(f, path)
		Eventually(func() []string {
			up.publish("t", `{"n": 0}`)
			return rec.Values("n")
		}).WithTimeout(5 * time.Second).ShouldNot(BeEmpty())
		sent := len(rec.Values("n"))
		counted := func() float64 { return testutil.ToFloat64(m.FeedMessages.WithLabelValues("mqtt")) }
		Eventually(counted).Should(BeNumerically(">=", sent))
		before := counted()
		release := rec.Stall()
		up.publish("t", `{"n": 1}`) // the stream waits in the send of this one
		time.Sleep(100 * time.Millisecond)
		for i := 2; i <= 5000; i++ {
			up.publish("t", fmt.Sprintf(`{"n": %d}`, i))
		}
		Eventually(counted).WithTimeout(10 * time.Second).Should(BeNumerically(">=", before+5000))
		published := counted()
		Expect(testutil.ToFloat64(m.HistoryRows.WithLabelValues("mqtt", "uid-of-the-spec"))).To(BeNumerically("<=", 100))
		release()
		Eventually(func() []string {
			v := rec.Values("n")
			return v[max(0, len(v)-1):]
		}).WithTimeout(10 * time.Second).Should(Equal([]string{"5000"}))
		got := rec.Values("n")
		want := make([]string, 0, 100)
		for i := 4901; i <= 5000; i++ {
			want = append(want, fmt.Sprint(i))
		}
		Expect(got[len(got)-100:]).To(Equal(want), "the ring's newest 100 rows, none missing")
		Expect(got[:len(got)-100]).To(HaveEach(BeElementOf("0", "1")), "before them only the rows sent before the stall and the one stalled")
		Expect(testutil.ToFloat64(m.RowsDropped)).To(BeEquivalentTo(int(published) - len(got)))
	})

	It("continue after the rows a stream Grafana restarted had sent: no gap, no duplicate", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		path := pathOf(f, map[string]any{"topic": "t", "flushMs": 10})
		_, err := f.Admit(path, time.Now())
		Expect(err).NotTo(HaveOccurred())
		first := &feedtest.Recorder{}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- f.Stream(ctx, path, first) }()
		for i := range 20 {
			up.publish("t", fmt.Sprintf(`{"n": %d}`, i))
		}
		Eventually(func() []string { return first.Values("n") }).Should(HaveLen(20))
		cancel()
		Eventually(done).Should(Receive(MatchError(context.Canceled)))
		for i := 20; i < 30; i++ { // while no stream runs
			up.publish("t", fmt.Sprintf(`{"n": %d}`, i))
		}
		Eventually(func() int { return frames(f, map[string]any{"topic": "t"}, lastHour())[0].Rows() }).Should(Equal(30))
		second, _ := restartStream(f, path)
		Eventually(func() []string { return second.Values("n") }).Should(HaveLen(10))
		Expect(second.Values("n")[0]).To(Equal("20"))
	})

	It("count a payload that is not JSON, and keep streaming", func() {
		f, up, m := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		path := pathOf(f, map[string]any{"topic": "t", "flushMs": 10})
		rec, _ := runStream(f, path)
		up.publish("t", `{"n": 1}`)
		up.publish("t", `not json at all`)
		up.publish("t", `{"n": 2`)
		up.publish("t", `{"n": 3}`)
		Eventually(func() []string { return rec.Values("n") }).Should(Equal([]string{"1", "3"}))
		Expect(testutil.ToFloat64(m.FeedDecodeErrors.WithLabelValues("mqtt"))).To(BeEquivalentTo(2))
	})

	It("unsubscribe once the last stream stopped and the linger passed, not before", func() {
		f, up, _ := newFeed(feed.Settings{Linger: 400 * time.Millisecond})
		DeferCleanup(f.Close)
		path := pathOf(f, map[string]any{"topic": "t", "flushMs": 10})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- f.Stream(ctx, path, &feedtest.Recorder{}) }()
		Consistently(up.live).WithTimeout(700*time.Millisecond).Should(Equal(1), "a running stream keeps its tap past the linger")
		cancel()
		Eventually(done).Should(Receive())
		Expect(up.live()).To(Equal(1), "lingering")
		Eventually(up.live).WithTimeout(5 * time.Second).Should(BeZero())
	})

	It("end with ErrClosed when the feed closes, so that Grafana restarts them on the new settings", func() {
		f, _, _ := newFeed(feed.Settings{})
		path := pathOf(f, map[string]any{"topic": "t"})
		done := make(chan error, 1)
		go func() { done <- f.Stream(context.Background(), path, &feedtest.Recorder{}) }()
		time.Sleep(50 * time.Millisecond)
		f.Close()
		Eventually(done).Should(Receive(MatchError(feed.ErrClosed)))
	})

	It("let one late row of a steady cadence delay at most the row after it, not every later one", func() {
		// Rows one window apart, the second 1.8 s late: the third comes
		// early for its window and waits, but the fourth is on time again
		// and goes at once (were windows measured from the end of the
		// waits, it would wait 1.8 s too, and so would every later row).
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		const window = 2 * time.Second
		path := pathOf(f, map[string]any{"topic": "t", "flushMs": window.Milliseconds()})
		rec, _ := runStream(f, path)
		start := time.Now()
		at := func(d time.Duration) { time.Sleep(time.Until(start.Add(d))) }
		up.publish("t", `{"n": 0}`)
		Eventually(rec.Count).Should(Equal(1))
		at(window + 1800*time.Millisecond)
		up.publish("t", `{"n": 1}`)
		Eventually(rec.Count).Should(Equal(2))
		at(2 * window)
		up.publish("t", `{"n": 2}`)
		Eventually(rec.Count).WithTimeout(3 * time.Second).Should(Equal(3))
		at(3 * window)
		up.publish("t", `{"n": 3}`)
		Eventually(rec.Count).WithTimeout(1200*time.Millisecond).Should(Equal(4), "the row on time goes at once")
		Expect(rec.Values("n")).To(Equal([]string{"0", "1", "2", "3"}))
	})

	It("send full frames of a backlog at once, and the rest when the flush window ends", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		path := pathOf(f, map[string]any{"topic": "t", "flushMs": 5000})
		rec, _ := runStream(f, path)
		release := rec.Stall()
		up.publish("t", `{"n": 0}`)
		time.Sleep(50 * time.Millisecond) // the stream waits in the send of row 0
		big := strings.Repeat("x", 1000)
		for i := 1; i <= 100; i++ { // about 100 kB: four frames of 28 KiB
			up.publish("t", fmt.Sprintf(`{"n": %d, "s": %q}`, i, big))
		}
		Eventually(func() int { return frames(f, map[string]any{"topic": "t"}, lastHour())[0].Rows() }).Should(Equal(101))
		release()
		sent := func() int { return len(rec.Values("n")) }
		Eventually(sent).WithTimeout(3*time.Second).Should(BeNumerically(">", 60), "full frames within the window")
		Expect(sent()).To(BeNumerically("<", 101), "the rest waits for the window")
		Eventually(sent).WithTimeout(10 * time.Second).Should(Equal(101))
	})

	It("keep a retained copy only for a topic they have nothing of (a broker sends them again after a reconnect)", func() {
		f, up, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		up.retained["r/a"] = `{"v": 1}`
		path := pathOf(f, map[string]any{"topic": "r/+", "flushMs": 10})
		Eventually(func() int { return frames(f, map[string]any{"topic": "r/+"}, lastHour())[0].Rows() }).Should(Equal(1))
		rec, _ := runStream(f, path)
		up.publish("r/a", `{"v": 2}`)
		up.resend("r/a", `{"v": 2}`) // a reconnect
		up.resend("r/b", `{"v": 7}`) // new to the tap
		Eventually(func() []string { return rec.Values("v r/b") }).Should(Equal([]string{"7"}))
		Expect(rec.Values("v r/a")).To(Equal([]string{"2"}), "the retained 1 came before the viewer; the resent 2 is not new")
	})

	It("refuse viewers of new channels past maxStreams", func() {
		f, _, _ := newFeed(feed.Settings{MaxStreams: 1})
		DeferCleanup(f.Close)
		a := pathOf(f, map[string]any{"topic": "a"})
		_, err := f.Admit(a, time.Now())
		Expect(err).NotTo(HaveOccurred())
		f2, _, _ := newFeed(feed.Settings{MaxStreams: 1})
		DeferCleanup(f2.Close)
		_, err = f2.Admit(a, time.Now())
		Expect(err).NotTo(HaveOccurred())
		_, err = f2.Admit(strings.Replace(a, "/100/", "/200/", 1), time.Now())
		Expect(errors.Is(err, streaming.ErrTooManyStreams)).To(BeTrue(), "%v", err)
	})
})

var _ = Describe("A feed", func() {
	It("reports its upstream's health and what it follows", func() {
		defaults, err := feed.ParseSettings(nil)
		Expect(err).NotTo(HaveOccurred())
		f, up, _ := newFeed(defaults)
		DeferCleanup(f.Close)
		msg, err := f.CheckHealth(context.Background())
		Expect(err).NotTo(HaveOccurred())
		Expect(msg).To(ContainSubstring("Following 0 topic(s) now; each keeps up to 10000 rows (4 MiB) for 10 min after its last viewer"))
		up.healthErr = errors.New("cannot reach the broker: connection refused")
		_, err = f.CheckHealth(context.Background())
		Expect(err).To(MatchError("cannot reach the broker: connection refused"))
	})

	It("keeps its gauges, and closes every subscription and the upstream on Close", func() {
		f, up, m := newFeed(feed.Settings{Linger: time.Hour})
		frames(f, map[string]any{"topic": "a"}, lastHour())
		up.publish("a", `{"v": 1}`)
		up.mu.Lock()
		up.reconnects = 2
		up.mu.Unlock()
		Eventually(func() float64 { return testutil.ToFloat64(m.HistoryRows.WithLabelValues("mqtt", "uid-of-the-spec")) }).Should(BeEquivalentTo(1))
		Eventually(func() float64 { return testutil.ToFloat64(m.FeedReconnects.WithLabelValues("mqtt")) }).Should(BeEquivalentTo(2))
		Expect(testutil.ToFloat64(m.FeedConnected.WithLabelValues("mqtt", "uid-of-the-spec"))).To(BeEquivalentTo(1))
		f.Close()
		Expect(up.live()).To(BeZero())
		up.mu.Lock()
		Expect(up.closed).To(BeTrue())
		up.mu.Unlock()
		_, err := f.Query(query(map[string]any{"topic": "a"}), lastHour())
		Expect(errors.Is(err, feed.ErrClosed)).To(BeTrue())
		f.Close() // twice is fine
	})

	It("passes on the upstream's refusal of a subscription", func() {
		f, _, _ := newFeed(feed.Settings{})
		DeferCleanup(f.Close)
		_, err := f.Query(query(map[string]any{"topic": "refuse/me"}), lastHour())
		Expect(err).To(MatchError(ContainSubstring("not authorized")))
	})
})
