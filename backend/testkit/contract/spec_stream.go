package contract

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

func describeStreams(driver func() Driver) {
	Describe("a stream", func() {
		It("pushes frames that continue the backfill without a gap: data only, read under the schema the admission gave", func(ctx SpecContext) {
			d := driver()
			c := newCounter(100)
			from, to := lastRange(30 * time.Second)
			res := query(ctx, d, Query{Model: c.model(true), From: from, To: to, MaxDataPoints: 1000})
			Expect(res.Error).To(BeEmpty())
			Expect(res.Frames).To(HaveLen(1))
			backfill := res.Frames[0]
			Expect(backfill.Meta).NotTo(BeNil())
			Expect(backfill.Meta.Channel).To(Equal(channelOf(d, c.path())))
			filled := rowsOf(backfill)
			Expect(filled).NotTo(BeEmpty())

			sub := subscribe(ctx, d, backfill.Meta.Channel)
			initial, ok := sub.Initial()
			Expect(ok).To(BeTrue(), "the admission carries data")
			Expect(initial.HasSchema).To(BeTrue())
			sameFields(initial.Frame, backfill)

			// Two seconds of points beyond the backfill's end.
			packets, pushed := readUntil(ctx, sub, filled[len(filled)-1].Time.Add(2*time.Second))
			for _, p := range packets {
				if p.HasSchema {
					sameFields(p.Frame, backfill)
				}
			}
			all := merge(filled, rowsOf(initial.Frame), pushed)
			Expect(all[0]).To(Equal(filled[0]), "nothing before the backfill")
			onGridWithoutGaps(all, c.stepMs)
			c.expectValues(all)
		}, SpecTimeout(2*streamTimeout))

		It("gives a viewer who joins it while it runs the schema and the newest rows at once, then carries on for them without a gap", func(ctx SpecContext) {
			d := driver()
			c := newCounter(50)
			channel := channelOf(d, c.path())
			first := subscribe(ctx, d, channel)
			firstInitial, ok := first.Initial()
			Expect(ok).To(BeTrue())
			_, seen := readUntil(ctx, first, time.Now())

			late := subscribe(ctx, d, channel)
			initial, ok := late.Initial()
			Expect(ok).To(BeTrue(), "the admission carries data")
			Expect(initial.HasSchema).To(BeTrue(), "the admission's data carries the schema")
			sameFields(initial.Frame, firstInitial.Frame)
			rows := rowsOf(initial.Frame)
			Expect(rows).To(HaveLen(streaming.InitialRows))
			onGridWithoutGaps(rows, c.stepMs)
			newest := rows[len(rows)-1].Time
			Expect(newest).To(BeTemporally(">=", seen[len(seen)-1].Time), "the newest rows include what the stream had sent")

			packets, pushed := readUntil(ctx, late, newest.Add(time.Second))
			Expect(packets[0].Frame.Fields).To(HaveLen(len(initial.Frame.Fields)), "read under the admission's schema")
			all := merge(rows, pushed)
			onGridWithoutGaps(all, c.stepMs)
			c.expectValues(all)
		}, SpecTimeout(2*streamTimeout))

		It("stops once its last viewer leaves, and starts again for the next", Serial, func(ctx SpecContext) {
			d := driver()
			c := newCounter(100)
			channel := channelOf(d, c.path())
			sub := subscribe(ctx, d, channel)
			readUntil(ctx, sub, time.Now())
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
			_, rows := readUntil(ctx, again, time.Now().Add(time.Second))
			onGridWithoutGaps(rows, c.stepMs)
			c.expectValues(rows)
		}, SpecTimeout(stopTimeout+2*streamTimeout))
	})
}

// activeStreams asks the driver how many streams the plugin runs.
func activeStreams(ctx context.Context, d Driver) int {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	n, err := d.ActiveStreams(ctx)
	Expect(err).NotTo(HaveOccurred())
	return n
}
