package hostspec_test

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ = Describe("QueryData without streaming", func() {
	// base is a whole minute in the past, so ranges relative to it are
	// aligned with any step dividing a minute.
	base := ms(time.Now()).Truncate(time.Minute).Add(-10 * time.Minute)

	It("answers one frame per query: a time field, then a value field", func(ctx SpecContext) {
		f := queryFrame(ctx, defaultDS, pluginhost.Query{
			JSON: `{"kind":"counter"}`, From: base, To: base.Add(10 * time.Second), MaxDataPoints: 1000,
		})
		Expect(f.Fields).To(HaveLen(2))
		Expect(f.Fields[0].Name).To(Equal("time"))
		Expect(f.Fields[0].Type()).To(BeElementOf(data.FieldTypeTime, data.FieldTypeNullableTime))
		Expect(f.Fields[1].Name).To(Equal("value"))
		Expect(f.Fields[1].Type().Numeric()).To(BeTrue(), "value is a number, got %s", f.Fields[1].Type())
		Expect(f.Fields[1].Labels).To(BeEmpty(), "one series carries no labels")
		Expect(f.Meta == nil || f.Meta.Channel == "").To(BeTrue(), "no channel without withStreaming")
	})

	It("has no channel when withStreaming is false", func(ctx SpecContext) {
		f := queryFrame(ctx, defaultDS, pluginhost.Query{
			JSON: `{"kind":"sine","withStreaming":false}`, From: base, To: base.Add(time.Minute), MaxDataPoints: 1000,
		})
		Expect(f.Meta == nil || f.Meta.Channel == "").To(BeTrue())
	})

	DescribeTable("has one row per grid point of the range: multiples of stepMs since the epoch within [from, to]",
		func(ctx SpecContext, stepMs int64, fromOffset, toOffset time.Duration) {
			from, to := base.Add(fromOffset), base.Add(toOffset)
			f := queryFrame(ctx, defaultDS, pluginhost.Query{
				JSON: fmt.Sprintf(`{"kind":"counter","stepMs":%d}`, stepMs), From: from, To: to, MaxDataPoints: 100000,
			})
			first, last := gridIndexes(from, to, stepMs)
			rows := rowsOf(f)
			Expect(rows).To(HaveLen(int(gridCount(from, to, stepMs))))
			for i, r := range rows {
				Expect(r.Time.UnixMilli()).To(Equal((first+int64(i))*stepMs), "row %d", i)
			}
			if len(rows) > 0 {
				Expect(rows[len(rows)-1].Time.UnixMilli()).To(Equal(last * stepMs))
			}
		},
		Entry("10 s at 1 s, aligned ends: 11 points", int64(1000), time.Duration(0), 10*time.Second),
		Entry("10 s at 1 s, unaligned ends: 10 points", int64(1000), 500*time.Millisecond, 10500*time.Millisecond),
		Entry("10 s at 1 s, from aligned, to not", int64(1000), time.Duration(0), 9999*time.Millisecond),
		Entry("3 s at 250 ms", int64(250), 100*time.Millisecond, 3100*time.Millisecond),
		Entry("1 min at 7 s (a step that does not divide the range)", int64(7000), time.Duration(0), time.Minute),
		Entry("a range shorter than a step, between two grid points", int64(1000), 100*time.Millisecond, 900*time.Millisecond),
		Entry("a single instant on the grid", int64(1000), time.Second, time.Second),
	)

	It("gives counter values offset + amplitude * points since midnight UTC", func(ctx SpecContext) {
		from, to := base, base.Add(20*time.Second)
		f := queryFrame(ctx, defaultDS, pluginhost.Query{
			JSON: `{"kind":"counter","stepMs":500,"amplitude":2,"offset":5}`, From: from, To: to, MaxDataPoints: 1000,
		})
		rows := rowsOf(f)
		Expect(rows).To(HaveLen(41))
		for _, r := range rows {
			Expect(r.Values).To(Equal([]float64{5 + 2*float64(pluginhost.CounterCount(r.Time, 500))}), "at %s", r.Time)
		}
	})

	It("gives one labelled value field per series", func(ctx SpecContext) {
		f := queryFrame(ctx, defaultDS, pluginhost.Query{
			JSON: `{"kind":"counter","seriesCount":3,"offset":1}`, From: base, To: base.Add(5 * time.Second), MaxDataPoints: 1000,
		})
		Expect(f.Fields).To(HaveLen(4))
		Expect(f.Fields[0].Name).To(Equal("time"))
		for s := 1; s <= 3; s++ {
			Expect(f.Fields[s].Name).To(Equal("value"))
			Expect(f.Fields[s].Labels).To(Equal(data.Labels{"series": fmt.Sprint(s)}))
		}
	})

	It("answers every query of a request under its own refId", func(ctx SpecContext) {
		responses := queryAll(ctx, defaultDS,
			pluginhost.Query{RefID: "A", JSON: `{"kind":"counter","stepMs":1000}`, From: base, To: base.Add(4 * time.Second), MaxDataPoints: 100},
			pluginhost.Query{RefID: "B", JSON: `{"kind":"counter","stepMs":2000,"offset":100}`, From: base, To: base.Add(4 * time.Second), MaxDataPoints: 100},
		)
		a, err := pluginhost.Frames(responses["A"])
		Expect(err).NotTo(HaveOccurred())
		b, err := pluginhost.Frames(responses["B"])
		Expect(err).NotTo(HaveOccurred())
		Expect(a).To(HaveLen(1))
		Expect(b).To(HaveLen(1))
		Expect(a[0].RefID).To(Equal("A"))
		Expect(b[0].RefID).To(Equal("B"))
		Expect(rowsOf(a[0])).To(HaveLen(5))
		Expect(rowsOf(b[0])).To(HaveLen(3))
		Expect(rowsOf(b[0])[0].Values[0]).To(Equal(100 + 10*float64(pluginhost.CounterCount(base, 2000))))
	})

	Describe("maxDataPoints", func() {
		It("bounds the rows and keeps every k-th grid point, the smallest k that fits, so the whole range is drawn", func(ctx SpecContext) {
			from, to := base.Add(-time.Hour), base
			const stepMs, maxPoints = 1000, 100
			f := queryFrame(ctx, defaultDS, pluginhost.Query{
				JSON: `{"kind":"counter","stepMs":1000}`, From: from, To: to, MaxDataPoints: maxPoints,
			})
			n := gridCount(from, to, stepMs)
			k := (n + maxPoints - 1) / maxPoints
			spacing := time.Duration(k*stepMs) * time.Millisecond

			rows := rowsOf(f)
			Expect(len(rows)).To(BeNumerically("<=", maxPoints))
			Expect(len(rows)).To(BeNumerically(">=", n/k))
			for i := 1; i < len(rows); i++ {
				Expect(rows[i].Time.Sub(rows[i-1].Time)).To(Equal(spacing), "rows %d and %d", i-1, i)
			}
			for _, r := range rows {
				Expect(r.Time.UnixMilli()%stepMs).To(BeZero(), "on the step grid")
				Expect(r.Values[0]).To(Equal(10*float64(pluginhost.CounterCount(r.Time, stepMs))), "the value of that grid point")
			}
			Expect(rows[0].Time).To(BeTemporally(">=", from))
			Expect(rows[0].Time).To(BeTemporally("<", from.Add(spacing)), "covers the start of the range")
			Expect(rows[len(rows)-1].Time).To(BeTemporally("<=", to))
			Expect(rows[len(rows)-1].Time).To(BeTemporally(">", to.Add(-spacing)), "covers the end of the range")
		})

		It("stays bounded for a huge range at 1 ms with a huge maxDataPoints, and the plugin survives", func(ctx SpecContext) {
			from, to := base.Add(-24*time.Hour), base
			f := queryFrame(ctx, defaultDS, pluginhost.Query{
				JSON: `{"kind":"sine","stepMs":1,"periodMs":10,"seriesCount":16}`, From: from, To: to, MaxDataPoints: 100_000_000,
			})
			rows := rowsOf(f)
			Expect(len(rows)).To(BeNumerically(">=", 2))
			Expect(len(rows)).To(BeNumerically("<=", 100_000_000))
			spacing := rows[1].Time.Sub(rows[0].Time)
			for i := 1; i < len(rows); i++ {
				Expect(rows[i].Time.Sub(rows[i-1].Time)).To(Equal(spacing), "evenly spaced, rows %d and %d", i-1, i)
			}
			Expect(rows[0].Time).To(BeTemporally(">=", from))
			Expect(rows[0].Time).To(BeTemporally("<", from.Add(spacing)), "covers the start of the range")
			Expect(rows[len(rows)-1].Time).To(BeTemporally("<=", to))
			Expect(rows[len(rows)-1].Time).To(BeTemporally(">", to.Add(-spacing)), "covers the end of the range")
			healthy(ctx)
		})

		It("keeps every grid point when they fit", func(ctx SpecContext) {
			from, to := base.Add(-time.Minute), base
			f := queryFrame(ctx, defaultDS, pluginhost.Query{
				JSON: `{"kind":"counter","stepMs":1000}`, From: from, To: to, MaxDataPoints: 61,
			})
			Expect(rowsOf(f)).To(HaveLen(61))
		})
	})

	DescribeTable("refuses a bad query on its own: status 400 and a message naming the field, while a good query in the same request still returns data",
		func(ctx SpecContext, ds pluginhost.Instance, badJSON, mention string) {
			from, to := base.Add(-time.Minute), base
			responses := queryAll(ctx, ds,
				pluginhost.Query{RefID: "good", JSON: `{"kind":"counter","stepMs":1000}`, From: from, To: to, MaxDataPoints: 1000},
				pluginhost.Query{RefID: "bad", JSON: badJSON, From: from, To: to, MaxDataPoints: 1000},
			)
			bad := responses["bad"]
			Expect(bad).NotTo(BeNil())
			Expect(bad.GetStatus()).To(Equal(int32(400)), "status of %s", badJSON)
			Expect(bad.GetError()).To(MatchRegexp(mention), "error of %s", badJSON)

			good := responses["good"]
			Expect(good).NotTo(BeNil())
			Expect(good.GetError()).To(BeEmpty())
			frames, err := pluginhost.Frames(good)
			Expect(err).NotTo(HaveOccurred())
			Expect(frames).To(HaveLen(1))
			Expect(rowsOf(frames[0])).To(HaveLen(61))
		},
		Entry("malformed JSON", defaultDS, `{`, `(?i)json|query`),
		Entry("not an object", defaultDS, `[1]`, `(?i)json|query|object`),
		Entry("an unknown kind", defaultDS, `{"kind":"triangle"}`, `kind`),
		Entry("a kind of the wrong type", defaultDS, `{"kind":7}`, `kind`),
		Entry("stepMs 0", defaultDS, `{"stepMs":0}`, `stepMs`),
		Entry("stepMs negative", defaultDS, `{"stepMs":-1000}`, `stepMs`),
		Entry("stepMs above an hour", defaultDS, `{"stepMs":3600001}`, `stepMs`),
		Entry("stepMs not whole", defaultDS, `{"stepMs":1.5}`, `stepMs`),
		Entry("stepMs of the wrong type", defaultDS, `{"stepMs":"1000"}`, `stepMs`),
		Entry("periodMs below 10", defaultDS, `{"kind":"sine","periodMs":9}`, `periodMs`),
		Entry("periodMs above a day", defaultDS, `{"kind":"sine","periodMs":86400001}`, `periodMs`),
		Entry("amplitude negative", defaultDS, `{"amplitude":-1}`, `amplitude`),
		Entry("amplitude too large", defaultDS, `{"amplitude":1000000001}`, `amplitude`),
		Entry("offset too large", defaultDS, `{"offset":1e10}`, `offset`),
		Entry("offset too small", defaultDS, `{"offset":-1000000001}`, `offset`),
		Entry("seed negative", defaultDS, `{"seed":-1}`, `seed`),
		Entry("seed too large", defaultDS, `{"seed":1000000000}`, `seed`),
		Entry("seriesCount 17", defaultDS, `{"seriesCount":17}`, `seriesCount`),
		Entry("seriesCount 0", defaultDS, `{"seriesCount":0}`, `seriesCount`),
		Entry("withStreaming of the wrong type", defaultDS, `{"withStreaming":"yes"}`, `withStreaming`),
		Entry("stepMs below the data source's minStepMs", strictDS, `{"stepMs":100}`, `(?i)stepMs`),
		Entry("seriesCount above the data source's maxSeries", strictDS, `{"seriesCount":5}`, `(?i)seriesCount|maxSeries`),
	)

	It("refuses every query when the data source's settings are invalid, naming the setting", func(ctx SpecContext) {
		ds := instance("query-bad-settings", `{"maxSeries":99}`)
		resp := queryAll(ctx, ds, pluginhost.Query{JSON: `{}`, From: base.Add(-time.Minute), To: base, MaxDataPoints: 100})["A"]
		Expect(resp.GetStatus()).To(BeNumerically(">=", 400))
		Expect(resp.GetError()).To(ContainSubstring("maxSeries"))
		healthy(ctx)
	})
})
