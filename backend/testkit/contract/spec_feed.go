package contract

import (
	"context"
	"encoding/base64"
	"errors"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

func describeFeedHealth(driver func() Driver, feed func() Feed) {
	Describe("the health check (Save & test)", func() {
		It("is OK and names the broker it is connected to, and the topics it follows", func(ctx SpecContext) {
			d := driver()
			feedReady(ctx, d)
			ctx2, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			health, err := d.CheckHealth(ctx2)
			Expect(err).NotTo(HaveOccurred())
			Expect(health.Status).To(Equal("OK"), health.Message)
			Expect(health.Message).To(HavePrefix("Connected to the MQTT broker at "+feed().BrokerURI()+" (MQTT "), "the broker's URI")
			Expect(health.Message).To(MatchRegexp(`Following \d+ topic\(s\) now`))
		}, SpecTimeout(2*streamTimeout))
	})
}

func describeFeedQueries(driver func() Driver, feed func() Feed) {
	Describe("a query", func() {
		DescribeTable("names its stream's channel, ds/<uid>/mqtt/v1/<flushMs>/<base64url(topic NUL timeField [NUL field]…)>, when streaming is on",
			func(ctx SpecContext, q feedQuery) {
				d := driver()
				q.topic = newTopicRoot() + q.topic
				frame := follow(ctx, d, q)
				Expect(frame.Meta).NotTo(BeNil())
				Expect(frame.Meta.Channel).To(Equal(channelOf(d, q.path())))
				Expect(frame.Meta.Channel).To(HavePrefix("ds/" + d.DataSourceUID() + "/mqtt/v1/"))
				Expect(frame.Fields).NotTo(BeEmpty())
				Expect(frame.Fields[0].Name).To(Equal(streaming.TimeField), "a streaming frame starts with its time field")
			},
			Entry("a wildcard with a time field", feedQuery{topic: "/+", timeField: feedTimeField, streaming: true}),
			Entry("a multi-level wildcard, the arrival time, a flush window", feedQuery{topic: "/#", flushMs: 250, streaming: true}),
			Entry("one topic, selected fields", feedQuery{topic: "/boiler", timeField: feedTimeField, fields: []string{"n", "sensor.temp"}, streaming: true}),
		)

		It("returns the rows published earlier, one frame per topic, fields named as in the payload and labelled topic=<topic>, when streaming is off (what alert rules read)", func(ctx SpecContext) {
			d, f := driver(), feed()
			feedReady(ctx, d)
			root := newTopicRoot()
			q := feedQuery{topic: root + "/+", timeField: feedTimeField}
			first := follow(ctx, d, q)
			Expect(samplesOf(first)).To(BeEmpty(), "nothing was published yet")
			if first.Meta != nil {
				Expect(first.Meta.Channel).To(BeEmpty())
			}

			kitchen, hall := root+"/kitchen", root+"/hall"
			publish(f, kitchen, 0, 1, 2)
			publish(f, hall, 10, 11)
			var frames []*data.Frame
			Eventually(func(g Gomega, ctx context.Context) map[string][]float64 {
				from, to := lastRange(time.Hour)
				res := query(ctx, d, Query{Model: q.model(), From: from, To: to, MaxDataPoints: 1000})
				g.Expect(res.Error).To(BeEmpty())
				frames = res.Frames
				all := map[string][]float64{}
				for _, frame := range res.Frames {
					for topic, values := range byTopic(samplesOf(frame)) {
						all[topic] = append(all[topic], values...)
					}
				}
				return all
			}).WithContext(ctx).WithTimeout(streamTimeout).WithPolling(250*time.Millisecond).
				Should(Equal(map[string][]float64{kitchen: floats(0, 1, 2), hall: floats(10, 11)}), "every message kept, in order, once")

			Expect(frames).To(HaveLen(2), "one frame per topic")
			for _, frame := range frames {
				Expect(frame.Fields).To(HaveLen(2), "the time and the payload's one field")
				Expect(frame.Fields[0].Name).To(Equal(streaming.TimeField))
				Expect(frame.Fields[1].Name).To(Equal(feedValueField), "named as in the payload")
				Expect(frame.Fields[1].Labels).To(HaveKey(topicLabel))
				Expect([]string{kitchen, hall}).To(ContainElement(frame.Fields[1].Labels[topicLabel]))
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
			func(ctx SpecContext, model, mention string) {
				from, to := lastRange(time.Minute)
				res := query(ctx, driver(), Query{Model: model, From: from, To: to, MaxDataPoints: 100})
				Expect(res.Error).To(ContainSubstring(mention))
				Expect(res.Frames).To(BeEmpty())
			},
			Entry("no topic", `{"withStreaming":true}`, "topic"),
			Entry("a topic filter with # before its end", `{"topic":"pulse/#/x"}`, "topic"),
			Entry("a topic outside allowedTopics", `{"topic":"elsewhere/#","withStreaming":true}`, "allowedTopics"),
			Entry("a flush window below 10 ms", `{"topic":"pulse/contract/x","flushMs":5}`, "flushMs"),
		)
	})
}

func describeFeedSubscriptions(driver func() Driver, feed func() Feed) {
	Describe("a subscription", func() {
		It("is admitted with the schema and the rows published so far, as the streaming query returned them", func(ctx SpecContext) {
			d, f := driver(), feed()
			feedReady(ctx, d)
			root := newTopicRoot()
			topic := root + "/boiler"
			q := feedQuery{topic: root + "/+", timeField: feedTimeField, streaming: true}
			follow(ctx, d, q)
			publish(f, topic, 0, 1, 2)

			// The streaming query returns the rows so far, as the wide
			// frame the stream continues.
			var backfill *data.Frame
			Eventually(func(g Gomega, ctx context.Context) []float64 {
				backfill = follow(ctx, d, q)
				return byTopic(samplesOf(backfill))[topic]
			}).WithContext(ctx).WithTimeout(streamTimeout).WithPolling(250 * time.Millisecond).Should(Equal(floats(0, 1, 2)))
			wideFields(backfill, topic)
			Expect(backfill.Meta.Channel).To(Equal(channelOf(d, q.path())))

			sub := subscribe(ctx, d, backfill.Meta.Channel)
			initial, ok := sub.Initial()
			Expect(ok).To(BeTrue(), "the admission carries data")
			Expect(initial.HasSchema).To(BeTrue(), "the admission's data carries the schema")
			matchesSchema(initial)
			sameFields(initial.Frame, backfill)
			Expect(byTopic(samplesOf(initial.Frame))).To(Equal(map[string][]float64{topic: floats(0, 1, 2)}))
		}, SpecTimeout(3*streamTimeout))

		DescribeTable("is refused with NotFound for a path Pulse never writes",
			func(ctx SpecContext, path string) {
				refusedWith(ctx, driver(), path, backend.SubscribeStreamStatusNotFound)
			},
			Entry("not base64url", "mqtt/v1/100/not*base64"),
			Entry("base64url with padding", "mqtt/v1/100/"+base64.URLEncoding.EncodeToString([]byte("pulse/contract/x\x00ts"))),
			Entry("another version", "mqtt/v2/100/"+base64.RawURLEncoding.EncodeToString([]byte("pulse/contract/x\x00ts"))),
			Entry("a flush window spelt with a leading zero (not canonical)", "mqtt/v1/0100/"+base64.RawURLEncoding.EncodeToString([]byte("pulse/contract/x\x00ts"))),
			Entry("a flush window below 10 ms", MQTTChannelPath(5, "pulse/contract/x", "ts")),
			Entry("no time field part", "mqtt/v1/100/"+base64.RawURLEncoding.EncodeToString([]byte("pulse/contract/x"))),
			Entry("no query part", "mqtt/v1/100"),
			Entry("an invalid topic filter", MQTTChannelPath(100, "pulse/#/x", "ts")),
			Entry("an empty topic", MQTTChannelPath(100, "", "ts")),
			Entry("a generated signal's path", "v1/sine"),
		)

		DescribeTable("is refused with PermissionDenied for a topic outside allowedTopics",
			func(ctx SpecContext, topic string) {
				refusedWith(ctx, driver(), MQTTChannelPath(100, topic, feedTimeField), backend.SubscribeStreamStatusPermissionDenied)
			},
			Entry("every topic", "#"),
			Entry("another root", "elsewhere/+/temp"),
			Entry("a prefix of the allowed root", "puls/x"),
		)

		It("may not publish to a feed's channel: PublishStream is refused", func(ctx SpecContext) {
			d := driver()
			publisher, ok := d.(StreamPublisher)
			if !ok {
				Skip("this driver cannot publish to a channel")
			}
			q := feedQuery{topic: newTopicRoot() + "/+", timeField: feedTimeField, streaming: true}
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
