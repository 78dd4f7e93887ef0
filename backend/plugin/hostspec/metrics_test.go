package hostspec_test

import (
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/plugin/pluginhost"
)

// metricValue reads one unlabelled sample from Prometheus' text format.
func metricValue(text, name string) float64 {
	GinkgoHelper()
	v, err := pluginhost.MetricValue([]byte(text), name)
	Expect(err).NotTo(HaveOccurred())
	return v
}

var _ = Describe("CollectMetrics", func() {
	It("reports the streams: active, frames, rows, bytes, drops and encode time", func(ctx SpecContext) {
		collect := func() string {
			resp, err := host.Diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{PluginContext: defaultDS.PluginContext()})
			Expect(err).NotTo(HaveOccurred())
			return string(resp.GetMetrics().GetPrometheus())
		}
		before := collect()
		rec := record(ctx, defaultDS, "v1/counter/s=10/r=99")
		rec.waitPackets(3)
		during := collect()
		Expect(metricValue(during, "pulse_stream_active")).To(BeNumerically(">=", 1))
		Expect(metricValue(during, "pulse_stream_frames_sent_total")).To(BeNumerically(">=", 3))
		Expect(metricValue(during, "pulse_stream_rows_sent_total")).To(BeNumerically(">=", 3))
		Expect(metricValue(during, "pulse_stream_bytes_sent_total")).To(BeNumerically(">", metricValue(before, "pulse_stream_bytes_sent_total")))
		Expect(metricValue(during, "pulse_stream_encode_seconds_count")).To(BeNumerically(">=", 3))
		Expect(during).To(ContainSubstring("pulse_stream_rows_dropped_total"))
	}, SpecTimeout(2*streamTimeout))
})
