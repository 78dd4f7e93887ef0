package hostspec_test

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
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
		// The pump counts a frame once its send returned, which may be
		// after the host already holds it: ask until the counts caught up.
		Eventually(func(g Gomega) {
			during := collect()
			value := func(name string) float64 {
				v, err := pluginhost.MetricValue([]byte(during), name)
				g.Expect(err).NotTo(HaveOccurred())
				return v
			}
			g.Expect(value("pulse_stream_active")).To(BeNumerically(">=", 1))
			g.Expect(value("pulse_stream_frames_sent_total")).To(BeNumerically(">=", 3))
			g.Expect(value("pulse_stream_rows_sent_total")).To(BeNumerically(">=", 3))
			g.Expect(value("pulse_stream_bytes_sent_total")).To(BeNumerically(">", metricValue(before, "pulse_stream_bytes_sent_total")))
			g.Expect(value("pulse_stream_encode_seconds_count")).To(BeNumerically(">=", 3))
			g.Expect(during).To(ContainSubstring("pulse_stream_rows_dropped_total"))
		}).WithContext(ctx).WithTimeout(streamTimeout).WithPolling(50 * time.Millisecond).Should(Succeed())
	}, SpecTimeout(2*streamTimeout))
})
