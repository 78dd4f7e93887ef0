package hostspec_test

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"google.golang.org/grpc"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ = Describe("A receiver that stops reading", func() {
	// At 1 kHz the pump's backlog of 10 000 rows is ten seconds; fixed
	// 64 KiB flow-control windows on both sides hold under a second of
	// eight series: a longer stall makes the pump drop. (With gRPC's
	// default, growing windows the host would take up to 16 MiB per stream
	// before the plugin noticed at all.)
	const stall = 13 * time.Second
	const window = 64 << 10

	It("neither blocks the stream for good nor grows a buffer: the oldest rows are dropped and counted, and the stream carries on", func(ctx SpecContext) {
		host, err := pluginhost.Start(ctx, pluginhost.Options{Binary: binaryPath, GRPCDialOptions: []grpc.DialOption{
			grpc.WithInitialWindowSize(window), grpc.WithInitialConnWindowSize(window),
		}})
		Expect(err).NotTo(HaveOccurred())
		defer host.Close()
		streamCtx, cancel := context.WithCancel(ctx)
		defer cancel()
		stream, err := host.RunStream(streamCtx, defaultDS.RunStreamRequest("v1/counter/s=1/r=77/n=8"))
		Expect(err).NotTo(HaveOccurred())
		first, err := stream.Next()
		Expect(err).NotTo(HaveOccurred())
		Expect(first.HasSchema).To(BeTrue())

		time.Sleep(stall) // the host reads nothing
		resumed := time.Now()

		var rows []pluginhost.Row
		for {
			p, err := stream.Next()
			Expect(err).NotTo(HaveOccurred())
			got, err := pluginhost.Rows(p.Frame)
			Expect(err).NotTo(HaveOccurred())
			rows = append(rows, got...)
			if rows[len(rows)-1].Time.After(resumed) {
				break
			}
		}
		gaps := 0
		for i := 1; i < len(rows); i++ {
			Expect(rows[i].Time).To(BeTemporally(">", rows[i-1].Time), "rows stay in order")
			if rows[i].Time.Sub(rows[i-1].Time) > time.Millisecond {
				gaps++
			}
		}
		Expect(gaps).To(Equal(1), "one gap, where the oldest rows were dropped")
		resp, err := host.Diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{PluginContext: defaultDS.PluginContext()})
		Expect(err).NotTo(HaveOccurred())
		Expect(metricValue(string(resp.GetMetrics().GetPrometheus()), "pulse_stream_rows_dropped_total")).To(BeNumerically(">", 0))
	}, SpecTimeout(stall+2*streamTimeout))
})
