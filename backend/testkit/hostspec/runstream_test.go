package hostspec_test

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// onGridWithoutGaps asserts rows are exactly one step apart, on the grid.
func onGridWithoutGaps(rows []pluginhost.Row, stepMs int64) {
	GinkgoHelper()
	Expect(pluginhost.CheckGrid(rows, stepMs)).To(Succeed(), "rows one step apart on the grid: no gap, no repeat")
}

// sameFields asserts two frames have the same fields: names, labels, types.
func sameFields(got, want *data.Frame) {
	GinkgoHelper()
	Expect(pluginhost.CheckSameFields(got, want)).To(Succeed(), "the same fields: names, labels, types")
}

// subscribeOK asserts Grafana would admit a viewer to ds's channel path.
func subscribeOK(ctx context.Context, ds pluginhost.Instance, path string) {
	GinkgoHelper()
	resp, err := host.Stream.SubscribeStream(ctx, ds.SubscribeStreamRequest(path))
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.GetStatus()).To(Equal(pluginv2.SubscribeStreamResponse_OK), path)
}

// sleepUntil waits until t or until ctx ends.
func sleepUntil(ctx context.Context, t time.Time) {
	select {
	case <-time.After(time.Until(t)):
	case <-ctx.Done():
	}
}

var _ = Describe("RunStream", func() {
	It("sends the schema first, then data only, with counter values on the grid, without gaps", func(ctx SpecContext) {
		resp, err := host.Stream.SubscribeStream(ctx, defaultDS.SubscribeStreamRequest("v1/counter/s=100"))
		Expect(err).NotTo(HaveOccurred())
		var decoder pluginhost.FrameDecoder
		initial, err := decoder.Decode(resp.GetData())
		Expect(err).NotTo(HaveOccurred())
		given := rowsOf(initial.Frame)
		rec := record(ctx, defaultDS, "v1/counter/s=100")
		packets := rec.waitPackets(3)

		Expect(packets[0].HasSchema).To(BeTrue(), "the first frame carries the schema")
		for i, p := range packets[1:] {
			Expect(p.HasSchema).To(BeFalse(), "frame %d is data only: %s", i+1, p.Raw)
		}
		from, to := lastRange(time.Second)
		sameFields(packets[0].Frame, queryFrame(ctx, defaultDS, pluginhost.Query{JSON: `{"kind":"counter","stepMs":100}`, From: from, To: to, MaxDataPoints: 100}))

		rows := rec.Rows()
		Expect(len(rows)).To(BeNumerically(">=", 3))
		Expect(rows[0].Time).To(Equal(given[len(given)-1].Time.Add(100*time.Millisecond)), "the stream starts right after the newest row the viewer was given")
		onGridWithoutGaps(rows, 100)
		for _, r := range rows {
			Expect(r.Values).To(Equal([]float64{10 * float64(pluginhost.CounterCount(r.Time, 100))}), "counter at %s", r.Time)
		}
	}, SpecTimeout(2*streamTimeout))

	DescribeTable("streams the same values the backfill has for the same times, under the backfill's schema",
		func(ctx SpecContext, path, model string, stepMs int64) {
			subscribeOK(ctx, defaultDS, path)
			rec := record(ctx, defaultDS, path)
			rec.waitRows(5)
			streamed := rec.Rows()
			onGridWithoutGaps(streamed, stepMs)

			first, last := streamed[0].Time, streamed[len(streamed)-1].Time
			backfill := queryFrame(ctx, defaultDS, pluginhost.Query{JSON: model, From: first, To: last, MaxDataPoints: 100000})
			sameFields(rec.Packets()[0].Frame, backfill)
			Expect(streamed).To(Equal(rowsOf(backfill)))
		},
		Entry("sine, three series", "v1/sine/s=100/p=5000/n=3", `{"kind":"sine","stepMs":100,"periodMs":5000,"seriesCount":3}`, int64(100)),
		Entry("randomWalk with a seed", "v1/randomWalk/s=100/r=5", `{"stepMs":100,"seed":5}`, int64(100)),
		Entry("sawtooth, every parameter", "v1/sawtooth/s=250/p=1000/a=2.5/o=-0.5/r=7/n=2",
			`{"kind":"sawtooth","stepMs":250,"periodMs":1000,"amplitude":2.5,"offset":-0.5,"seed":7,"seriesCount":2}`, int64(250)),
		Entry("square", "v1/square/s=50/p=400", `{"kind":"square","stepMs":50,"periodMs":400}`, int64(50)),
	)

	It("continues the backfill: its first point is the grid point right after the backfill's last, with the next value", func(ctx SpecContext) {
		const stepMs = 2000
		step := stepMs * time.Millisecond
		model := `{"kind":"counter","stepMs":2000,"amplitude":3,"offset":1,"withStreaming":true}`
		// Each attempt needs the query, the admission and the stream's start
		// within one step; on a loaded machine that may take a few tries.
		for attempt := 1; ; attempt++ {
			Expect(attempt).To(BeNumerically("<=", 20), "could not query and start the stream within one step")
			// Just after a step boundary, so that the query and the stream's
			// start fall in the same step, as they do for a panel.
			now := time.Now()
			sleepUntil(ctx, time.UnixMilli((floorDiv(now.UnixMilli(), stepMs)+1)*stepMs).Add(20*time.Millisecond))

			from, to := lastRange(time.Minute)
			backfill := queryFrame(ctx, defaultDS, pluginhost.Query{JSON: model, From: from, To: to, MaxDataPoints: 1000})
			Expect(backfill.Meta).NotTo(BeNil())
			path := channelPath(defaultDS, backfill.Meta.Channel)
			subscribeOK(ctx, defaultDS, path)
			rec := record(ctx, defaultDS, path)
			started := time.Now()
			if floorDiv(started.Add(step/4).UnixMilli(), stepMs) != floorDiv(to.UnixMilli(), stepMs) {
				GinkgoWriter.Printf("attempt %d: the query (to %s) and the stream's start (%s) fell in different steps; again\n", attempt, to, started)
				rec.stop()
				continue
			}

			filled := rowsOf(backfill)
			Expect(filled).NotTo(BeEmpty())
			lastFilled := filled[len(filled)-1]
			Expect(lastFilled.Time.UnixMilli()).To(Equal(floorDiv(to.UnixMilli(), stepMs)*stepMs), "the backfill ends at the newest grid point of its range")

			streamed := rec.waitRows(2)
			Expect(streamed[0].Time).To(Equal(lastFilled.Time.Add(step)), "the stream starts right after the backfill")
			Expect(streamed[0].Values).To(Equal([]float64{1 + 3*float64(pluginhost.CounterCount(streamed[0].Time, stepMs))}), "and continues its values")
			onGridWithoutGaps(append([]pluginhost.Row{lastFilled}, streamed...), stepMs)
			for _, r := range streamed {
				Expect(r.Values).To(Equal([]float64{1 + 3*float64(pluginhost.CounterCount(r.Time, stepMs))}))
			}
			return
		}
	}, SpecTimeout(3*time.Minute))

	It("ends when Grafana cancels it, and the plugin stays healthy and streams again", Serial, func(ctx SpecContext) {
		const path = "v1/counter/s=100/o=5"
		// The plugin's own count of its streams says whether its side
		// ended (the host's side ends at the cancel whatever the plugin
		// does), so start from a plugin that runs none.
		active := func(ctx context.Context) int { return activeStreams(ctx, contractDriver) }
		Eventually(active).WithContext(ctx).WithTimeout(streamTimeout).Should(BeZero(), "no stream left by other specs")
		rec := record(ctx, defaultDS, path)
		rec.waitPackets(1)
		Expect(active(ctx)).To(Equal(1))
		rec.cancel()
		Eventually(rec.done).WithTimeout(streamTimeout).Should(BeClosed(), "the call ends")
		Expect(status.Code(rec.Err())).To(Equal(codes.Canceled))
		Eventually(active).WithContext(ctx).WithTimeout(streamTimeout).Should(BeZero(), "the plugin's stream ended too")
		healthy(ctx)

		again := record(ctx, defaultDS, path)
		rows := again.waitRows(3)
		Expect(rows[0].Values[0]).To(Equal(5 + 10*float64(pluginhost.CounterCount(rows[0].Time, 100))))
		healthy(ctx)
	}, SpecTimeout(4*streamTimeout))

	It("runs two channels at once, each with its own values", func(ctx SpecContext) {
		fast := record(ctx, defaultDS, "v1/counter/s=100")
		slow := record(ctx, defaultDS, "v1/counter/s=200/a=3/o=7")
		slowRows := slow.waitRows(5)
		fastRows := fast.waitRows(10)

		onGridWithoutGaps(fastRows, 100)
		onGridWithoutGaps(slowRows, 200)
		for _, r := range fastRows {
			Expect(r.Values).To(Equal([]float64{10 * float64(pluginhost.CounterCount(r.Time, 100))}))
		}
		for _, r := range slowRows {
			Expect(r.Values).To(Equal([]float64{7 + 3*float64(pluginhost.CounterCount(r.Time, 200))}))
		}
		Expect(fastRows[0].Time).To(BeTemporally("<", slowRows[len(slowRows)-1].Time), "the two streams ran at the same time")
		Expect(slowRows[0].Time).To(BeTemporally("<", fastRows[len(fastRows)-1].Time), "the two streams ran at the same time")
	}, SpecTimeout(2*streamTimeout))

	DescribeTable("ends with an error, sending nothing, for a path SubscribeStream refuses",
		func(ctx SpecContext, ds pluginhost.Instance, path string) {
			rec := record(ctx, ds, path)
			Eventually(rec.done).WithTimeout(streamTimeout).Should(BeClosed())
			Expect(rec.Packets()).To(BeEmpty())
			Expect(rec.Err()).To(HaveOccurred(), "the call ended (io.EOF when the plugin returned nil)")
			healthy(ctx)
		},
		Entry("an unknown kind", defaultDS, "v1/nope"),
		Entry("out of bounds", defaultDS, "v1/sine/n=17"),
		Entry("below the data source's minStepMs", strictDS, "v1/sine/s=100"),
	)
})
