package contract

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

func describeFeedHealth(k FeedKind, driver func() Driver, feed func() Feed) {
	Describe("the health check (Save & test)", func() {
		It("is OK and names the server it is connected to, and the "+k.Target+"s it follows", func(ctx SpecContext) {
			d := driver()
			feedReady(ctx, d)
			ctx2, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			health, err := d.CheckHealth(ctx2)
			Expect(err).NotTo(HaveOccurred())
			Expect(health.Status).To(Equal("OK"), health.Message)
			Expect(health.Message).To(HavePrefix(k.Health(feed().Address())), "the server's address")
			Expect(health.Message).To(MatchRegexp(`Following \d+ ` + k.Target + `\(s\) now`))
		}, SpecTimeout(2*streamTimeout))
	})
}

func describeFeedQueries(k FeedKind, driver func() Driver, feed func() Feed) {
	Describe("a query", func() {
		entries := []TableEntry{
			Entry("one "+k.Target+", selected fields", "/boiler", feedQuery{timeField: feedTimeField, fields: []string{"n", "sensor.temp"}, streaming: true}),
			Entry("one "+k.Target+", the arrival time, a flush window", "/boiler", feedQuery{flushMs: 250, streaming: true}),
		}
		if k.One != "" {
			entries = append(entries, Entry("a wildcard with a time field", "/"+k.One, feedQuery{timeField: feedTimeField, streaming: true}))
		}
		if k.Many != "" {
			entries = append(entries, Entry("a multi-level wildcard, the arrival time, a flush window", "/"+k.Many, feedQuery{flushMs: 250, streaming: true}))
		}
		DescribeTable("names its stream's channel, ds/<uid>/"+k.Source+"/v1/<flushMs>/<base64url("+k.Target+" [NUL param]… NUL timeField [NUL field]…)>, when streaming is on",
			func(ctx SpecContext, below string, q feedQuery) {
				d := driver()
				q.kind = k
				q.target = k.newRoot() + k.Sep + below[1:]
				frame := follow(ctx, d, q)
				Expect(frame.Meta).NotTo(BeNil())
				Expect(frame.Meta.Channel).To(Equal(channelOf(d, q.path())))
				Expect(frame.Meta.Channel).To(HavePrefix("ds/" + d.DataSourceUID() + "/" + k.Source + "/v1/"))
				Expect(frame.Fields).NotTo(BeEmpty())
				Expect(frame.Fields[0].Name).To(Equal(streaming.TimeField), "a streaming frame starts with its time field")
			},
			entries,
		)

		It("returns the rows published earlier, one frame per "+k.Target+", fields named as in the payload and labelled "+k.Label+"=<"+k.Target+">, when streaming is off (what alert rules read)", func(ctx SpecContext) {
			d, f := driver(), feed()
			feedReady(ctx, d)
			target, series := k.followed(k.newRoot(), "kitchen", "hall")
			q := feedQuery{kind: k, target: target, timeField: feedTimeField}
			first := follow(ctx, d, q)
			Expect(k.samplesOf(first)).To(BeEmpty(), "nothing was published yet")
			if first.Meta != nil {
				Expect(first.Meta.Channel).To(BeEmpty())
			}

			want := map[string][]float64{}
			for i, s := range series {
				publish(f, s, 10*i, 10*i+1, 10*i+2)
				want[s] = floats(10*i, 10*i+1, 10*i+2)
			}
			var frames []*data.Frame
			Eventually(func(g Gomega, ctx context.Context) map[string][]float64 {
				from, to := lastRange(time.Hour)
				res := query(ctx, d, Query{Model: q.model(), From: from, To: to, MaxDataPoints: 1000})
				g.Expect(res.Error).To(BeEmpty())
				frames = res.Frames
				all := map[string][]float64{}
				for _, frame := range res.Frames {
					for topic, values := range byTopic(k.samplesOf(frame)) {
						all[topic] = append(all[topic], values...)
					}
				}
				return all
			}).WithContext(ctx).WithTimeout(streamTimeout).WithPolling(250*time.Millisecond).
				Should(Equal(want), "every message kept, in order, once")

			Expect(frames).To(HaveLen(len(series)), "one frame per "+k.Target)
			for _, frame := range frames {
				Expect(frame.Fields).To(HaveLen(2), "the time and the payload's one field")
				Expect(frame.Fields[0].Name).To(Equal(streaming.TimeField))
				Expect(frame.Fields[1].Name).To(Equal(feedValueField), "named as in the payload")
				Expect(frame.Fields[1].Labels).To(HaveKey(k.Label))
				Expect(series).To(ContainElement(frame.Fields[1].Labels[k.Label]))
				if frame.Meta != nil {
					Expect(frame.Meta.Channel).To(BeEmpty(), "no channel when streaming is off")
				}
				times := frame.Fields[0]
				for i := 1; i < times.Len(); i++ {
					prev, _ := times.ConcreteAt(i - 1)
					cur, _ := times.ConcreteAt(i)
					Expect(cur.(time.Time)).NotTo(BeTemporally("<", prev.(time.Time)), "rows sorted by time")
				}
			}
		}, SpecTimeout(3*streamTimeout))

		DescribeTable("is refused with a message naming the field when it is bad",
			func(ctx SpecContext, model map[string]any, mention string) {
				for _, p := range k.Params {
					model[p.Name] = p.Value
				}
				raw, err := json.Marshal(model)
				Expect(err).NotTo(HaveOccurred())
				from, to := lastRange(time.Minute)
				res := query(ctx, driver(), Query{Model: string(raw), From: from, To: to, MaxDataPoints: 100})
				Expect(res.Error).To(ContainSubstring(mention))
				Expect(res.Frames).To(BeEmpty())
			},
			Entry("no "+k.Target, map[string]any{"withStreaming": true}, k.Target),
			Entry("a malformed "+k.Target, map[string]any{k.Target: k.Invalid}, k.Target),
			Entry("a "+k.Target+" outside allowedTopics", map[string]any{k.Target: k.Outside[0], "withStreaming": true}, "allowedTopics"),
			Entry("a flush window below 10 ms", map[string]any{k.Target: k.child(k.Root+"x", "y"), "flushMs": 5}, "flushMs"),
		)
	})
}

func describeFeedSubscriptions(k FeedKind, driver func() Driver, feed func() Feed) {
	Describe("a subscription", func() {
		It("is admitted with the schema and the rows published so far, as the streaming query returned them", func(ctx SpecContext) {
			d, f := driver(), feed()
			feedReady(ctx, d)
			target, series := k.followed(k.newRoot(), "boiler")
			topic := series[0]
			q := feedQuery{kind: k, target: target, timeField: feedTimeField, streaming: true}
			follow(ctx, d, q)
			publish(f, topic, 0, 1, 2)

			// The streaming query returns the rows so far, as the wide
			// frame the stream continues.
			var backfill *data.Frame
			Eventually(func(g Gomega, ctx context.Context) []float64 {
				backfill = follow(ctx, d, q)
				return byTopic(k.samplesOf(backfill))[topic]
			}).WithContext(ctx).WithTimeout(streamTimeout).WithPolling(250 * time.Millisecond).Should(Equal(floats(0, 1, 2)))
			q.wideFields(backfill, topic)
			Expect(backfill.Meta.Channel).To(Equal(channelOf(d, q.path())))

			sub := subscribe(ctx, d, backfill.Meta.Channel)
			initial, ok := sub.Initial()
			Expect(ok).To(BeTrue(), "the admission carries data")
			Expect(initial.HasSchema).To(BeTrue(), "the admission's data carries the schema")
			matchesSchema(initial)
			sameFields(initial.Frame, backfill)
			Expect(byTopic(k.samplesOf(initial.Frame))).To(Equal(map[string][]float64{topic: floats(0, 1, 2)}))
		}, SpecTimeout(3*streamTimeout))

		x := k.child(k.Root+"x", "y")
		enc := func(parts ...string) string {
			return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
		}
		withParams := func(target string) []string { return append([]string{target}, k.paramValues()...) }
		notFound := []TableEntry{
			Entry("not base64url", k.Source+"/v1/100/not*base64"),
			Entry("base64url with padding", k.Source+"/v1/100/"+padded(append(withParams(x), "ts"))),
			Entry("another version", k.Source+"/v2/100/"+enc(append(withParams(x), "ts")...)),
			Entry("a flush window spelt with a leading zero (not canonical)", k.Source+"/v1/0100/"+enc(append(withParams(x), "ts")...)),
			Entry("a flush window below 10 ms", k.channelPath(5, x, "ts")),
			Entry("no time field part", k.Source+"/v1/100/"+enc(withParams(x)...)),
			Entry("no query part", k.Source+"/v1/100"),
			Entry("a malformed "+k.Target, k.channelPath(100, k.Invalid, "ts")),
			Entry("an empty "+k.Target, k.channelPath(100, "", "ts")),
			Entry("a generated signal's path", "v1/sine"),
		}
		DescribeTable("is refused with NotFound for a path Pulse never writes",
			func(ctx SpecContext, path string) {
				refusedWith(ctx, driver(), path, backend.SubscribeStreamStatusNotFound)
			},
			notFound,
		)

		var outside []TableEntry
		for _, t := range k.Outside {
			outside = append(outside, Entry(t, t))
		}
		DescribeTable("is refused with PermissionDenied for a "+k.Target+" outside allowedTopics",
			func(ctx SpecContext, target string) {
				refusedWith(ctx, driver(), k.channelPath(100, target, feedTimeField), backend.SubscribeStreamStatusPermissionDenied)
			},
			outside,
		)

		It("may not publish to a feed's channel: PublishStream is refused", func(ctx SpecContext) {
			d := driver()
			publisher, ok := d.(StreamPublisher)
			if !ok {
				Skip("this driver cannot publish to a channel")
			}
			target, _ := k.followed(k.newRoot(), "boiler")
			q := feedQuery{kind: k, target: target, timeField: feedTimeField, streaming: true}
			channel := follow(ctx, d, q).Meta.Channel
			ctx2, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			status, err := publisher.PublishStream(ctx2, channel, []byte(`{"n":1}`))
			Expect(err).NotTo(HaveOccurred())
			Expect(status).To(Equal(backend.PublishStreamStatusPermissionDenied))
		}, SpecTimeout(2*streamTimeout))
	})
}

// refusedWith asserts that a subscription to d's channel at path is
// refused with want.
func refusedWith(ctx context.Context, d Driver, path string, want backend.SubscribeStreamStatus) {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	sub, err := d.Subscribe(ctx, channelOf(d, path))
	if err == nil {
		sub.Close()
	}
	var refused *RefusedError
	Expect(errors.As(err, &refused)).To(BeTrue(), "a refusal of %q, not %v", path, err)
	Expect(StatusName(refused.Status)).To(Equal(StatusName(want)), err.Error())
}

// padded is parts joined by NUL in base64url with padding: one "=" at
// least, a time field's byte added when they would need none.
func padded(parts []string) string {
	raw := strings.Join(parts, "\x00")
	if len(raw)%3 == 0 {
		raw += "s"
	}
	return base64.URLEncoding.EncodeToString([]byte(raw))
}
