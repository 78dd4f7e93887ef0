package instance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/streaming"
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
		q, err := streaming.ParsePath("v1/counter/s=10/n=2")
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

	It("leaves no goroutine behind when its streams end", func() {
		baseline := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 20)
		inst := newInstance(`{}`)
		for i := range 20 {
			out := make(packets, 1000)
			path := fmt.Sprintf("v1/counter/s=5/r=%d", i+1)
			go func() {
				done <- inst.RunStream(ctx, &backend.RunStreamRequest{Path: path}, backend.NewStreamSender(out))
			}()
		}
		Eventually(runtime.NumGoroutine).Should(BeNumerically(">=", baseline+20))
		cancel()
		for range 20 {
			Eventually(done, time.Second).Should(Receive(MatchError(context.Canceled)))
		}
		Eventually(runtime.NumGoroutine, time.Second).Should(BeNumerically("<=", baseline))
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
