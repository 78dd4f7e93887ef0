package hostspec_test

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/plugin/pluginhost"
	"github.com/pulse-datasource/pulse/backend/streaming"
)

var _ = Describe("A viewer joining a running stream", func() {
	It("gets the schema and the newest rows at once, and the stream carries on from them without a gap", func(ctx SpecContext) {
		const path = "v1/counter/s=50/n=2"
		rec := record(ctx, defaultDS, path)
		streamed := rec.waitPackets(2)

		resp, err := host.Stream.SubscribeStream(ctx, defaultDS.SubscribeStreamRequest(path))
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.GetStatus()).To(Equal(pluginv2.SubscribeStreamResponse_OK))
		var decoder pluginhost.FrameDecoder
		initial, err := decoder.Decode(resp.GetData())
		Expect(err).NotTo(HaveOccurred(), "the initial data is a frame: %s", resp.GetData())
		Expect(initial.HasSchema).To(BeTrue(), "the initial data carries the schema")
		sameFields(initial.Frame, streamed[0].Frame)
		initialRows := rowsOf(initial.Frame)
		Expect(initialRows).To(HaveLen(streaming.InitialRows))
		onGridWithoutGaps(initialRows, 50)

		newest := initialRows[len(initialRows)-1].Time
		Eventually(func() time.Time { rows := rec.Rows(); return rows[len(rows)-1].Time }).
			WithTimeout(streamTimeout).Should(BeTemporally(">", newest.Add(200*time.Millisecond)))
		var after []pluginhost.Row
		for _, r := range rec.Rows() {
			if r.Time.After(newest) {
				after = append(after, r)
			}
		}
		onGridWithoutGaps(append(initialRows, after...), 50)
		for _, r := range append(initialRows, after...) {
			Expect(r.Values[0]).To(Equal(10*float64(r.Time.UnixMilli()/50)), "counter at %s", r.Time)
		}
	}, SpecTimeout(2*streamTimeout))

	It("is refused with no data for a channel Pulse does not serve", func(ctx SpecContext) {
		resp, err := host.Stream.SubscribeStream(ctx, defaultDS.SubscribeStreamRequest("v1/sine/s=0"))
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.GetStatus()).To(Equal(pluginv2.SubscribeStreamResponse_PERMISSION_DENIED))
		Expect(resp.GetData()).To(BeEmpty())
	})
})
