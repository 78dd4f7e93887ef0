package streaming_test

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

var _ = Describe("Encoder", func() {
	frame := func(t time.Time, labels data.Labels, values ...float64) *data.Frame {
		fields := []*data.Field{data.NewField("time", nil, []time.Time{t})}
		for _, v := range values {
			fields = append(fields, data.NewField("value", labels, []float64{v}))
		}
		return data.NewFrame("", fields...)
	}

	It("sends the schema first and again whenever it changes, data alone otherwise", func() {
		t := time.Unix(1_800_000_000, 0).UTC()
		var e streaming.Encoder
		steps := []struct {
			frame *data.Frame
			want  data.FrameInclude
		}{
			{frame(t, nil, 1), data.IncludeAll},
			{frame(t.Add(time.Second), nil, 2), data.IncludeDataOnly},
			{frame(t, nil, 1, 2), data.IncludeAll},                        // a field more
			{frame(t, nil, 3, 4), data.IncludeDataOnly},                   // same fields
			{frame(t, data.Labels{"series": "1"}, 3, 4), data.IncludeAll}, // labels changed
			{frame(t, data.Labels{"series": "1"}, 5, 6), data.IncludeDataOnly},
		}
		for i, step := range steps {
			packet, include, err := e.Encode(step.frame)
			Expect(err).NotTo(HaveOccurred())
			Expect(include).To(Equal(step.want), "frame %d", i)
			want, err := data.FrameToJSON(step.frame, step.want)
			Expect(err).NotTo(HaveOccurred())
			Expect(packet).To(MatchJSON(want), "frame %d", i)
		}
	})

	It("starts every stream with the schema", func() {
		f := frame(time.Unix(0, 0), nil, 1)
		var first, second streaming.Encoder
		_, include, _ := first.Encode(f)
		Expect(include).To(Equal(data.IncludeAll))
		_, include, _ = second.Encode(f)
		Expect(include).To(Equal(data.IncludeAll))
	})
})
