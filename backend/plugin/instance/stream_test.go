package instance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gleak"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/plugin/instance"
	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// packets is a StreamPacketSender that hands packets to a channel.
type packets chan *backend.StreamPacket

func (p packets) Send(pkt *backend.StreamPacket) error {
	p <- pkt
	return nil
}

var _ = Describe("Streams", func() {
	subscribe := func(jsonData, path string) backend.SubscribeStreamStatus {
		resp, err := newInstance(jsonData).SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: path})
		Expect(err).NotTo(HaveOccurred())
		return resp.Status
	}

	DescribeTable("SubscribeStream",
		func(jsonData, path string, want backend.SubscribeStreamStatus) {
			Expect(subscribe(jsonData, path)).To(Equal(want))
		},
		Entry("a valid path", `{}`, "v1/sine/s=100/n=3", backend.SubscribeStreamStatusOK),
		Entry("the default query", `{}`, "v1/randomWalk", backend.SubscribeStreamStatusOK),
		Entry("an unknown version", `{}`, "v9/sine", backend.SubscribeStreamStatusNotFound),
		Entry("an unknown kind", `{}`, "v1/nope", backend.SubscribeStreamStatusNotFound),
		Entry("a non-canonical path", `{}`, "v1/sine/s=1000", backend.SubscribeStreamStatusNotFound),
		Entry("an empty path", `{}`, "", backend.SubscribeStreamStatusNotFound),
		Entry("out of bounds", `{}`, "v1/sine/s=0", backend.SubscribeStreamStatusPermissionDenied),
		Entry("too many series", `{}`, "v1/sine/n=17", backend.SubscribeStreamStatusPermissionDenied),
		Entry("faster than the settings allow", `{"minStepMs":100}`, "v1/sine/s=50", backend.SubscribeStreamStatusPermissionDenied),
		Entry("wider than the settings allow", `{"maxSeries":2}`, "v1/sine/n=3", backend.SubscribeStreamStatusPermissionDenied),
		Entry("invalid settings", `{"maxSeries":0}`, "v1/sine", backend.SubscribeStreamStatusPermissionDenied),
	)

	It("gives an admitted viewer the schema and the newest rows at once", func() {
		before := time.Now()
		resp, err := newInstance(`{}`).SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: "v1/counter/s=10/n=2"})
		after := time.Now()
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(Equal(backend.SubscribeStreamStatusOK))
		Expect(resp.InitialData).NotTo(BeNil())
		frame := &data.Frame{}
		Expect(json.Unmarshal(resp.InitialData.Data(), frame)).To(Succeed())
		Expect(frame.Fields).To(HaveLen(3))
		Expect(frame.Rows()).To(Equal(streaming.InitialRows))
		q, err := signals.ParsePath("v1/counter/s=10/n=2")
		Expect(err).NotTo(HaveOccurred())
		newest := frame.Fields[0].At(frame.Rows() - 1).(time.Time)
		Expect(q.Index(newest)).To(BeNumerically(">=", q.Index(before)))
		Expect(q.Index(newest)).To(BeNumerically("<=", q.Index(after)))
		Expect(frame.Fields[1].At(frame.Rows() - 1)).To(Equal(q.Value(0, q.Index(newest))))
	})

	It("gives a refused viewer no data", func() {
		resp, err := newInstance(`{}`).SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: "v1/sine/s=0"})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.InitialData).To(BeNil())
	})

	It("counts its streams in the process's metrics", func() {
		frames := func() float64 { return testutil.ToFloat64(testMetrics.Frames) }
		before := frames()
		ctx, cancel := context.WithCancel(context.Background())
		out := make(packets, 100)
		done := make(chan error, 1)
		go func() {
			done <- newInstance(`{}`).RunStream(ctx, &backend.RunStreamRequest{Path: "v1/counter/s=10"}, backend.NewStreamSender(out))
		}()
		Eventually(out, 5*time.Second).Should(Receive())
		Eventually(out, 5*time.Second).Should(Receive())
		cancel()
		Eventually(done, time.Second).Should(Receive())
		Expect(frames()).To(BeNumerically(">=", before+2))
	})

	// initialTimes admits a viewer to path and returns the times of the
	// rows it was given.
	initialTimes := func(inst *instance.Instance, path string) []time.Time {
		GinkgoHelper()
		resp, err := inst.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: path})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(Equal(backend.SubscribeStreamStatusOK))
		return packetTimes(resp.InitialData.Data(), nil)
	}

	// startStream runs path's stream until the spec ends, and returns its
	// packets once the first came.
	startStream := func(inst *instance.Instance, path string) (out packets, first *backend.StreamPacket) {
		GinkgoHelper()
		ctx, cancel := context.WithCancel(context.Background())
		DeferCleanup(cancel)
		out = make(packets, 100)
		go func() { _ = inst.RunStream(ctx, &backend.RunStreamRequest{Path: path}, backend.NewStreamSender(out)) }()
		Eventually(out, 5*time.Second).Should(Receive(&first))
		return out, first
	}

	It("continues from the rows the first viewer was given, however late Grafana starts the stream", func() {
		inst := newInstance(`{}`)
		const path = "v1/counter/s=20"
		given := initialTimes(inst, path)
		time.Sleep(250 * time.Millisecond) // Grafana starts streams asynchronously

		_, first := startStream(inst, path)
		streamed := packetTimes(first.Data, nil)
		Expect(streamed[0]).To(Equal(given[len(given)-1].Add(20*time.Millisecond)), "the row after the newest one given")
		Expect(len(streamed)).To(BeNumerically(">=", 10), "with every row due since, at once")
	})

	It("gives a viewer joining a running stream the rows up to now, and the stream's next frame leaves no gap after them", func() {
		inst := newInstance(`{}`)
		const path = "v1/counter/s=20/o=3"
		out, first := startStream(inst, path)
		schema := &data.Frame{}
		Expect(json.Unmarshal(first.Data, schema)).To(Succeed())

		// Half a flush window on: rows have fallen due that the stream
		// sends only in its next frame.
		time.Sleep(50 * time.Millisecond)
		given := initialTimes(inst, path)
		var next *backend.StreamPacket
		Eventually(out, 5*time.Second).Should(Receive(&next))
		streamed := packetTimes(next.Data, schema)
		newest := given[len(given)-1]
		Expect(newest).To(BeTemporally(">", schemaNewest(first.Data)), "rows the stream has not sent yet are given too")
		Expect(streamed[0]).To(BeTemporally("<=", newest.Add(20*time.Millisecond)), "no gap after them")
		Expect(streamed[len(streamed)-1]).To(BeTemporally(">", newest), "and the stream carries on past them")
	})

	It("leaves no goroutine behind when its streams end", func() {
		// A snapshot, not a count: goroutines of earlier specs that are
		// still ending must not pass for, or hide, this spec's.
		before := gleak.Goroutines()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 20)
		inst := newInstance(`{}`)
		for i := range 20 {
			out := make(packets, 1000)
			path := fmt.Sprintf("v1/counter/s=5/r=%d", i+1)
			go func() {
				done <- inst.RunStream(ctx, &backend.RunStreamRequest{Path: path}, backend.NewStreamSender(out))
			}()
			Eventually(out, 5*time.Second).Should(Receive(), "stream %d runs", i+1)
		}
		Expect(gleak.Goroutines()).To(gleak.HaveLeaked(before), "the streams run in goroutines of their own")
		cancel()
		for range 20 {
			Eventually(done, time.Second).Should(Receive(MatchError(context.Canceled)))
		}
		Eventually(gleak.Goroutines, time.Second).ShouldNot(gleak.HaveLeaked(before))
	})

	It("denies publishing", func() {
		resp, err := newInstance(`{}`).PublishStream(context.Background(), &backend.PublishStreamRequest{Path: "v1/sine", Data: json.RawMessage(`{}`)})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.Status).To(Equal(backend.PublishStreamStatusPermissionDenied))
	})

	It("runs a stream until cancelled and then returns the context's error", func() {
		ctx, cancel := context.WithCancel(context.Background())
		out := make(packets, 100)
		done := make(chan error, 1)
		go func() {
			done <- newInstance(`{}`).RunStream(ctx, &backend.RunStreamRequest{Path: "v1/counter/s=20"}, backend.NewStreamSender(out))
		}()
		var first *backend.StreamPacket
		Eventually(out, 5*time.Second).Should(Receive(&first))
		Expect(string(first.Data)).To(ContainSubstring(`"schema"`))
		var second *backend.StreamPacket
		Eventually(out, 5*time.Second).Should(Receive(&second))
		Expect(string(second.Data)).NotTo(ContainSubstring(`"schema"`))
		Consistently(done).ShouldNot(Receive())

		cancel()
		var err error
		Eventually(done, time.Second).Should(Receive(&err))
		Expect(err).To(MatchError(context.Canceled))
	})

	It("returns an error, not nil, for a channel it cannot stream", func() {
		err := newInstance(`{}`).RunStream(context.Background(), &backend.RunStreamRequest{Path: "v1/nope"}, backend.NewStreamSender(make(packets)))
		Expect(err).To(MatchError(ContainSubstring(`channel "v1/nope"`)))
	})
})

// schemaNewest is the time of the newest row of a packet with a schema.
func schemaNewest(packet []byte) time.Time {
	GinkgoHelper()
	times := packetTimes(packet, nil)
	return times[len(times)-1]
}

// packetTimes reads the times of a stream packet's rows: one with a schema,
// or a data-only one under schema.
func packetTimes(packet []byte, schema *data.Frame) []time.Time {
	GinkgoHelper()
	frame := &data.Frame{}
	if schema == nil {
		Expect(json.Unmarshal(packet, frame)).To(Succeed())
	} else {
		frame = schema.EmptyCopy()
		Expect(data.AppendJSONData(frame, packet)).To(Succeed())
	}
	times := make([]time.Time, frame.Rows())
	for i := range times {
		times[i] = frame.Fields[0].At(i).(time.Time)
	}
	return times
}
