package contract

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func describeFeedStreams(k FeedKind, driver func() Driver, feed func() Feed) {
	Describe("a feed's stream", func() {
		It("pushes the messages published after a viewer joined, in order and each once, as one series per concrete "+k.Target+" labelled "+k.Label+"=<"+k.Target+">", func(ctx SpecContext) {
			d, f := driver(), feed()
			feedReady(ctx, d)
			target, series := k.followed(k.newRoot(), "kitchen", "hall")
			q := feedQuery{kind: k, target: target, timeField: feedTimeField, flushMs: 20, streaming: true}
			frame := follow(ctx, d, q)
			Expect(frame.Meta).NotTo(BeNil())
			Expect(frame.Meta.Channel).To(Equal(channelOf(d, q.path())))
			sub := subscribe(ctx, d, frame.Meta.Channel)
			initial, ok := sub.Initial()
			Expect(ok).To(BeTrue(), "the admission carries data")
			Expect(initial.HasSchema).To(BeTrue(), "the admission's data carries the schema")
			Expect(k.samplesOf(initial.Frame)).To(BeEmpty(), "nothing was published yet")

			want := map[string][]int{}
			for n := range 40 {
				s := series[n%len(series)]
				publish(f, s, n)
				want[s] = append(want[s], n)
			}
			// A last message after them all: whatever came twice would
			// have come before it.
			publish(f, series[0], 1000)
			want[series[0]] = append(want[series[0]], 1000)
			read := k.readSamples(ctx, sub, "the last message", hasValue(series[0], 1000))
			wantFloats := map[string][]float64{}
			for s, values := range want {
				wantFloats[s] = floats(values...)
			}
			Expect(byTopic(read.samples)).To(Equal(wantFloats), "every message, in the order published, once")
			Expect(read.packets[0].HasSchema).To(BeTrue(), "the stream's first frame carries its schema")
			q.wideFields(read.packets[len(read.packets)-1].Frame, series...)
		}, SpecTimeout(3*streamTimeout))

		if k.Many != "" {
			describeNewSeries(k, driver, feed)
		}

		It("gives a viewer who joins it while it runs the newest rows at once, then the messages published after, each once", func(ctx SpecContext) {
			d, f := driver(), feed()
			feedReady(ctx, d)
			target, series := k.followed(k.newRoot(), "boiler")
			topic := series[0]
			q := feedQuery{kind: k, target: target, timeField: feedTimeField, flushMs: 20, streaming: true}
			channel := follow(ctx, d, q).Meta.Channel
			first := subscribe(ctx, d, channel)
			publish(f, topic, span(0, 4)...)
			k.readSamples(ctx, first, "the first messages", hasValue(topic, 4))

			late := subscribe(ctx, d, channel)
			initial, ok := late.Initial()
			Expect(ok).To(BeTrue(), "the admission carries data")
			Expect(initial.HasSchema).To(BeTrue(), "the admission's data carries the schema")
			matchesSchema(initial)
			q.wideFields(initial.Frame, topic)
			Expect(byTopic(k.samplesOf(initial.Frame))).To(Equal(map[string][]float64{topic: floats(span(0, 4)...)}),
				"the newest rows, up to the last one the stream sent")

			publish(f, topic, span(5, 9)...)
			for name, sub := range map[string]Subscription{"the late viewer": late, "the first viewer": first} {
				read := k.readSamples(ctx, sub, "the later messages for "+name, hasValue(topic, 9))
				Expect(byTopic(read.samples)).To(Equal(map[string][]float64{topic: floats(span(5, 9)...)}), "%s gets each later message once", name)
			}
		}, SpecTimeout(3*streamTimeout))

		It("stops once its last viewer leaves, and a viewer who comes back within the linger gets the history at once", Serial, func(ctx SpecContext) {
			d, f := driver(), feed()
			feedReady(ctx, d)
			target, series := k.followed(k.newRoot(), "boiler")
			topic := series[0]
			q := feedQuery{kind: k, target: target, timeField: feedTimeField, flushMs: 20, streaming: true}
			channel := follow(ctx, d, q).Meta.Channel
			sub := subscribe(ctx, d, channel)
			publish(f, topic, 0, 1, 2)
			k.readSamples(ctx, sub, "the first messages", hasValue(topic, 2))
			Expect(activeStreams(ctx, d)).To(BeNumerically(">=", 1), "the stream runs while it has a viewer")

			sub.Close()
			closedCtx, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			_, err := sub.Next(closedCtx)
			Expect(err).To(HaveOccurred(), "a closed subscription gets no more frames")
			Expect(closedCtx.Err()).NotTo(HaveOccurred(), "and says so at once")

			Eventually(func(ctx context.Context) int { return activeStreams(ctx, d) }).WithContext(ctx).
				WithTimeout(stopTimeout).WithPolling(time.Second).
				Should(BeZero(), "no stream runs once no one watches (Grafana waits about 15 s; this needs a host no one else is watching)")

			again := subscribe(ctx, d, channel)
			initial, ok := again.Initial()
			Expect(ok).To(BeTrue())
			Expect(initial.HasSchema).To(BeTrue())
			Expect(byTopic(k.samplesOf(initial.Frame))).To(Equal(map[string][]float64{topic: floats(0, 1, 2)}), "the topic's history outlived the stream")
			publish(f, topic, 3)
			read := k.readSamples(ctx, again, "a message after the restart", hasValue(topic, 3))
			Expect(byTopic(read.samples)).To(Equal(map[string][]float64{topic: floats(3)}))
		}, SpecTimeout(stopTimeout+3*streamTimeout))
	})
}

// describeNewSeries registers the spec of a series that appears mid-stream
// under a multi-level wildcard.
func describeNewSeries(k FeedKind, driver func() Driver, feed func() Feed) {
	It("sends the schema again when a "+k.Target+" appears mid-stream, and no frame's data ever mismatches its schema", func(ctx SpecContext) {
		d, f := driver(), feed()
		feedReady(ctx, d)
		root := k.newRoot()
		q := feedQuery{kind: k, target: k.child(root, k.Many), timeField: feedTimeField, flushMs: 20, streaming: true}
		channel := follow(ctx, d, q).Meta.Channel
		Expect(channel).To(Equal(channelOf(d, q.path())))
		sub := subscribe(ctx, d, channel)
		boiler, pump := k.child(root, "boiler"), k.child(k.child(root, "cellar"), "pump")

		publish(f, boiler, span(0, 4)...)
		before := k.readSamples(ctx, sub, "the boiler's first messages", hasValue(boiler, 4))
		q.wideFields(before.packets[len(before.packets)-1].Frame, boiler)

		publish(f, pump, 100)
		arrival := k.readSamples(ctx, sub, "the pump's first message", hasValue(pump, 100))
		last := arrival.packets[len(arrival.packets)-1]
		Expect(last.HasSchema).To(BeTrue(), "the frame that brings a new series carries the schema again")
		q.wideFields(last.Frame, boiler, pump)

		publish(f, boiler, 5)
		publish(f, pump, 101)
		after := k.readSamples(ctx, sub, "the messages after", hasValue(pump, 101))
		for _, p := range after.packets {
			Expect(p.HasSchema).To(BeFalse(), "no series is new: data only, read under the last schema: %s", p.Raw)
		}
		all := append(append(before.samples, arrival.samples...), after.samples...)
		Expect(byTopic(all)).To(Equal(map[string][]float64{boiler: floats(span(0, 5)...), pump: floats(100, 101)}))
	}, SpecTimeout(3*streamTimeout))
}
