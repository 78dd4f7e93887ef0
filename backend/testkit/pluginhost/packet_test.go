package pluginhost_test

import (
	"math"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// frameAt is a Pulse-like frame with one row per time, two series.
func frameAt(times ...time.Time) *data.Frame {
	a, b := make([]float64, len(times)), make([]float64, len(times))
	for i, t := range times {
		a[i], b[i] = float64(t.UnixMilli()), -float64(t.UnixMilli())
	}
	return data.NewFrame("",
		data.NewField("time", nil, times),
		data.NewField("value", data.Labels{"series": "1"}, a),
		data.NewField("value", data.Labels{"series": "2"}, b),
	)
}

// encode is what the SDK's StreamSender.SendFrame sends.
func encode(f *data.Frame, include data.FrameInclude) []byte {
	GinkgoHelper()
	b, err := data.FrameToJSON(f, include)
	Expect(err).NotTo(HaveOccurred())
	return b
}

var _ = Describe("FrameDecoder", func() {
	t0 := time.UnixMilli(1_800_000_000_000).UTC()

	It("reads a frame with schema, then data-only frames under that schema", func() {
		var d pluginhost.FrameDecoder
		first, err := d.Decode(encode(frameAt(t0), data.IncludeAll))
		Expect(err).NotTo(HaveOccurred())
		Expect(first.HasSchema).To(BeTrue())

		raw := encode(frameAt(t0.Add(time.Second), t0.Add(2*time.Second)), data.IncludeDataOnly)
		Expect(string(raw)).To(HavePrefix(`{"data":`))
		next, err := d.Decode(raw)
		Expect(err).NotTo(HaveOccurred())
		Expect(next.HasSchema).To(BeFalse())
		Expect(next.Frame.Fields).To(HaveLen(3))
		Expect(next.Frame.Fields[2].Labels).To(Equal(data.Labels{"series": "2"}))

		rows, err := pluginhost.Rows(next.Frame)
		Expect(err).NotTo(HaveOccurred())
		Expect(rows).To(Equal([]pluginhost.Row{
			{Time: t0.Add(time.Second), Values: []float64{float64(t0.UnixMilli() + 1000), -float64(t0.UnixMilli() + 1000)}},
			{Time: t0.Add(2 * time.Second), Values: []float64{float64(t0.UnixMilli() + 2000), -float64(t0.UnixMilli() + 2000)}},
		}))
	})

	It("refuses a data-only frame before any schema", func() {
		var d pluginhost.FrameDecoder
		_, err := d.Decode(encode(frameAt(t0), data.IncludeDataOnly))
		Expect(err).To(MatchError(pluginhost.ErrNoSchema))
	})

	It("refuses what is not a frame", func() {
		var d pluginhost.FrameDecoder
		_, err := d.Decode([]byte(`[1]`))
		Expect(err).To(HaveOccurred())
		_, err = d.Decode([]byte(`{"frames":[]}`))
		Expect(err).To(HaveOccurred())
	})

	It("takes a new schema when one arrives", func() {
		var d pluginhost.FrameDecoder
		_, err := d.Decode(encode(frameAt(t0), data.IncludeAll))
		Expect(err).NotTo(HaveOccurred())
		one := data.NewFrame("", data.NewField("time", nil, []time.Time{t0}), data.NewField("value", nil, []float64{1}))
		p, err := d.Decode(encode(one, data.IncludeAll))
		Expect(err).NotTo(HaveOccurred())
		Expect(p.HasSchema).To(BeTrue())
		Expect(d.Schema().Fields).To(HaveLen(2))
	})
})

var _ = Describe("Rows", func() {
	It("refuses a frame whose first field is not a time", func() {
		_, err := pluginhost.Rows(data.NewFrame("", data.NewField("value", nil, []float64{1})))
		Expect(err).To(MatchError(ContainSubstring("not a time")))
	})

	It("reads nulls as NaN", func() {
		one := 1.0
		rows, err := pluginhost.Rows(data.NewFrame("",
			data.NewField("time", nil, []time.Time{time.UnixMilli(0), time.UnixMilli(1)}),
			data.NewField("value", nil, []*float64{&one, nil})))
		Expect(err).NotTo(HaveOccurred())
		Expect(rows[0].Values[0]).To(Equal(1.0))
		Expect(math.IsNaN(rows[1].Values[0])).To(BeTrue())
	})
})
