package pluginhost_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ = Describe("MetricValue", func() {
	const text = `# HELP pulse_stream_active Streams running now.
# TYPE pulse_stream_active gauge
pulse_stream_active 3
# HELP pulse_stream_frames_sent_total Frames sent.
# TYPE pulse_stream_frames_sent_total counter
pulse_stream_frames_sent_total 1.5e+06
# TYPE pulse_stream_encode_seconds histogram
pulse_stream_encode_seconds_bucket{le="0.001"} 4
pulse_stream_encode_seconds_bucket{le="+Inf"} 5
pulse_stream_encode_seconds_sum 0.25
pulse_stream_encode_seconds_count 5
# TYPE go_info gauge
go_info{version="go1.26.8"} 1
`

	It("reads an unlabelled gauge, counter, and a histogram's count and sum", func() {
		Expect(pluginhost.MetricValue([]byte(text), "pulse_stream_encode_seconds_count")).To(Equal(5.0))
		Expect(pluginhost.MetricValue([]byte(text), "pulse_stream_encode_seconds_sum")).To(Equal(0.25))
		Expect(pluginhost.MetricValue([]byte(text), "pulse_stream_active")).To(Equal(3.0))
		Expect(pluginhost.MetricValue([]byte(text), "pulse_stream_frames_sent_total")).To(Equal(1.5e6))
	})

	DescribeTable("says why it cannot read a value",
		func(text, name, mention string) {
			_, err := pluginhost.MetricValue([]byte(text), name)
			Expect(err).To(MatchError(ContainSubstring(mention)))
		},
		Entry("a metric that is not there", text, "pulse_stream_rows_sent_total", "no metric pulse_stream_rows_sent_total"),
		Entry("a histogram without _count or _sum", text, "pulse_stream_encode_seconds", "ask for pulse_stream_encode_seconds_count"),
		Entry("a metric with labels only", text, "go_info", "no sample without labels"),
		Entry("text that is not Prometheus' format", "pulse_stream_active three\n", "pulse_stream_active", "reading Prometheus metrics"),
	)
})
