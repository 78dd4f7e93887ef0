package bench_test

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/testkit/bench"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var specInstance = pluginhost.Instance{UID: "bench-spec"}

// fastQuery is the throughput benchmark's query with the given series.
func fastQuery(series int) signals.Query {
	q := signals.DefaultQuery()
	q.Kind, q.StepMs, q.SeriesCount = signals.KindSine, 1, series
	return q
}

// readPackets runs design on q in the reference plugin and returns its
// first n packets, decoded as a Grafana Live client would.
func readPackets(ctx context.Context, design bench.Design, q signals.Query, n int) []pluginhost.Packet {
	GinkgoHelper()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := reference.RunStream(ctx, specInstance.RunStreamRequest(design.Path(q)))
	Expect(err).NotTo(HaveOccurred())
	packets := make([]pluginhost.Packet, n)
	for i := range packets {
		packets[i], err = stream.Next()
		Expect(err).NotTo(HaveOccurred())
	}
	return packets
}

// expectSignal checks that a packet's frame has q's fields and labels and
// holds q's values at consecutive grid points, and returns the grid index
// after its last row.
func expectSignal(q signals.Query, p pluginhost.Packet, from int64) int64 {
	GinkgoHelper()
	Expect(p.Frame.Fields).To(HaveLen(q.SeriesCount + 1))
	for s := range q.SeriesCount {
		Expect(p.Frame.Fields[s+1].Name).To(Equal(streaming.ValueField))
		Expect(p.Frame.Fields[s+1].Labels).To(Equal(q.SeriesLabels(s)))
	}
	rows, err := pluginhost.Rows(p.Frame)
	Expect(err).NotTo(HaveOccurred())
	next := from
	for _, row := range rows {
		n := row.Time.UnixMilli() / q.StepMs
		if next >= 0 {
			Expect(n).To(Equal(next), "rows follow the grid without gaps")
		}
		for s, v := range row.Values {
			Expect(v).To(Equal(q.Value(s, n)))
		}
		next = n + 1
	}
	return next
}

var _ = Describe("The reference plugin", func() {
	It("runs the tutorial loop: every packet one row with its schema", func(ctx SpecContext) {
		q := fastQuery(3)
		next := int64(-1)
		for _, p := range readPackets(ctx, bench.DesignTutorial, q, 50) {
			Expect(p.HasSchema).To(BeTrue())
			Expect(p.Frame.Rows()).To(Equal(1))
			next = expectSignal(q, p, next)
		}
	}, SpecTimeout(time.Minute))

	It("runs Pulse's pump without waiting: schema first, then data-only frames of one flush window", func(ctx SpecContext) {
		q := fastQuery(3)
		Expect(bench.FrameRows(q)).To(Equal(int64(100)))
		packets := readPackets(ctx, bench.DesignPulse, q, 20)
		Expect(packets[0].HasSchema).To(BeTrue())
		next := expectSignal(q, packets[0], -1)
		for _, p := range packets[1:] {
			Expect(p.HasSchema).To(BeFalse())
			Expect(p.Frame.Rows()).To(Equal(100))
			next = expectSignal(q, p, next)
		}
	}, SpecTimeout(time.Minute))

	It("runs the SDK limit: frames of Pulse's shape, schema first, then data only", func(ctx SpecContext) {
		q := fastQuery(3)
		pulse := readPackets(ctx, bench.DesignPulse, q, 1)[0]
		packets := readPackets(ctx, bench.DesignSDKLimit, q, 25)
		Expect(packets[0].HasSchema).To(BeTrue())
		Expect(packets[0].Frame.EmptyCopy()).To(Equal(pulse.Frame.EmptyCopy()), "the same fields, types and labels as Pulse's")
		for _, p := range packets {
			Expect(p.Frame.Rows()).To(Equal(100))
			expectSignal(q, p, -1)
		}
		for _, p := range packets[1:] {
			Expect(p.HasSchema).To(BeFalse())
		}
	}, SpecTimeout(time.Minute))

	It("admits its own paths, refuses others and refuses publishing", func(ctx SpecContext) {
		ok, err := reference.Stream.SubscribeStream(ctx, specInstance.SubscribeStreamRequest(bench.DesignSDKLimit.Path(fastQuery(1))))
		Expect(err).NotTo(HaveOccurred())
		Expect(ok.GetStatus()).To(Equal(pluginv2.SubscribeStreamResponse_OK))
		for _, path := range []string{"v1/sine", "other/v1/sine", "pulse/v1/sine/s=0"} {
			refused, err := reference.Stream.SubscribeStream(ctx, specInstance.SubscribeStreamRequest(path))
			Expect(err).NotTo(HaveOccurred())
			Expect(refused.GetStatus()).To(Equal(pluginv2.SubscribeStreamResponse_NOT_FOUND), path)
		}
		published, err := reference.Stream.PublishStream(ctx, specInstance.PublishStreamRequest("pulse/v1/sine", []byte(`{}`)))
		Expect(err).NotTo(HaveOccurred())
		Expect(published.GetStatus()).To(Equal(pluginv2.PublishStreamResponse_PERMISSION_DENIED))
	}, SpecTimeout(time.Minute))
})

var _ = Describe("ParseDesignPath", func() {
	It("splits a path into its design and query", func() {
		q := fastQuery(8)
		for _, d := range bench.Designs {
			design, parsed, err := bench.ParseDesignPath(d.Path(q))
			Expect(err).NotTo(HaveOccurred())
			Expect(design).To(Equal(d))
			q.WithStreaming = true
			Expect(parsed).To(Equal(q))
		}
	})

	It("refuses unknown designs and paths Pulse would not write", func() {
		for _, path := range []string{"", "pulse", "v1/sine", "fast/v1/sine", "tutorial/v1/sine/s=1000"} {
			_, _, err := bench.ParseDesignPath(path)
			Expect(err).To(HaveOccurred(), path)
		}
	})
})
