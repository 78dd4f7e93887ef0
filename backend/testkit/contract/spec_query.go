package contract

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func describeQueries(driver func() Driver) {
	Describe("a query", func() {
		It("fills its range with the points on the step grid, and names no channel when streaming is off", func(ctx SpecContext) {
			c := newCounter(1000)
			from, to := lastRange(time.Minute)
			res := query(ctx, driver(), Query{Model: c.model(false), From: from, To: to, MaxDataPoints: 1000})
			Expect(res.Error).To(BeEmpty())
			Expect(res.Frames).To(HaveLen(1))
			frame := res.Frames[0]
			rows := rowsOf(frame)

			first := (from.UnixMilli() + c.stepMs - 1) / c.stepMs * c.stepMs
			last := to.UnixMilli() / c.stepMs * c.stepMs
			Expect(rows).To(HaveLen(int((last-first)/c.stepMs+1)), "every grid point of [%s, %s]", from, to)
			Expect(rows[0].Time.UnixMilli()).To(Equal(first))
			onGridWithoutGaps(rows, c.stepMs)
			c.expectValues(rows)
			if frame.Meta != nil {
				Expect(frame.Meta.Channel).To(BeEmpty())
			}
		})

		DescribeTable("names its stream's channel, ds/<uid>/<canonical path>, when streaming is on",
			func(ctx SpecContext, model, path string) {
				d := driver()
				from, to := lastRange(time.Minute)
				res := query(ctx, d, Query{Model: model, From: from, To: to, MaxDataPoints: 100})
				Expect(res.Error).To(BeEmpty())
				Expect(res.Frames).To(HaveLen(1))
				Expect(res.Frames[0].Meta).NotTo(BeNil())
				Expect(res.Frames[0].Meta.Channel).To(Equal(channelOf(d, path)))
			},
			Entry("every default", `{"withStreaming":true}`, "v1/randomWalk"),
			Entry("the documented example", `{"kind":"sine","stepMs":100,"periodMs":5000,"seriesCount":3,"withStreaming":true}`, "v1/sine/s=100/p=5000/n=3"),
			Entry("a default spelt out is left out", `{"kind":"sine","stepMs":1000,"flushMs":250,"withStreaming":true}`, "v1/sine/f=250"),
		)

		It("is refused with a message naming the field when it is bad", func(ctx SpecContext) {
			from, to := lastRange(time.Minute)
			res := query(ctx, driver(), Query{Model: `{"kind":"triangle"}`, From: from, To: to, MaxDataPoints: 100})
			Expect(res.Error).To(ContainSubstring("kind"))
			Expect(res.Frames).To(BeEmpty())
		})
	})
}
