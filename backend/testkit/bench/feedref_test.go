package bench_test

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/nats-io/nats.go"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
	"github.com/pulse-datasource/pulse/backend/testkit/bench"
	"github.com/pulse-datasource/pulse/backend/testkit/feedhub"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ = Describe("The feed reference's paths and frames", func() {
	It("writes and reads its paths, a path's leading slash dropped", func() {
		for _, c := range []struct {
			kind           bench.FeedReferenceKind
			target, path   string
			expectedTarget string
		}{
			{bench.FeedReferenceNATS, "pulse-bench.a.1", "ref-nats/pulse-bench.a.1", "pulse-bench.a.1"},
			{bench.FeedReferenceSSE, "/pulse-bench/a/1", "ref-sse/pulse-bench/a/1", "pulse-bench/a/1"},
			{bench.FeedReferenceNDJSON, "x/y?z=1", "ref-ndjson/x/y?z=1", "x/y?z=1"},
			{bench.FeedReferenceWebSocket, "/w", "ref-ws/w", "w"},
		} {
			Expect(bench.FeedReferencePath(c.kind, c.target)).To(Equal(c.path))
			kind, target, ok := bench.ParseFeedReferencePath(c.path)
			Expect(ok).To(BeTrue(), c.path)
			Expect(kind).To(Equal(c.kind))
			Expect(target).To(Equal(c.expectedTarget))
		}
		for _, path := range []string{"ref-nats/", "ref-mqtt/a", "ref-ws", "nats/a", "mqtt/a", "ref-/a"} {
			_, _, ok := bench.ParseFeedReferencePath(path)
			Expect(ok).To(BeFalse(), path)
		}
	})

	It("makes one row per message: its arrival, and a nullable number per top-level numeric key", func() {
		at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
		frame := bench.FeedReferenceFrame(bench.FeedReferenceWebSocket, at, []byte(`{"sent":5,"s":"x","v":2.5,"o":{"n":1}}`))
		Expect(frame.Name).To(Equal("ws"))
		Expect(frame.Rows()).To(Equal(1))
		names := []string{}
		for _, f := range frame.Fields {
			names = append(names, f.Name)
		}
		Expect(names).To(Equal([]string{"Time", "sent", "v"}))
		Expect(frame.Fields[0].At(0)).To(Equal(at))
		Expect(frame.Fields[1].Type()).To(Equal(data.FieldTypeNullableFloat64))
		v, err := frame.Fields[2].FloatAt(0)
		Expect(err).NotTo(HaveOccurred())
		Expect(v).To(Equal(2.5))

		frame = bench.FeedReferenceFrame(bench.FeedReferenceNDJSON, at, []byte(`not json`))
		Expect(frame.Fields).To(HaveLen(1), "a payload that is not an object still gives its row a time")
		Expect(frame.Rows()).To(Equal(1))
	})
})

// These specs run the feed reference in the reference plugin, through the
// plugin host, on real servers: a feedhub and a nats-server.
var _ = Describe("The feed reference against real servers", Ordered, func() {
	var (
		hub     *feedhub.Hub
		natsSrv *natstest.Server
		natsPub *nats.Conn
	)

	BeforeAll(func(SpecContext) {
		hub = feedhub.Start(feedhub.Options{WaitForClient: 100 * time.Millisecond})
		DeferCleanup(hub.Close)
		var err error
		natsSrv, err = natstest.Start(natstest.Config{NoJetStream: true})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(natsSrv.Stop)
		natsPub, err = natsSrv.Connect()
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(natsPub.Close)
	}, NodeTimeout(time.Minute))

	// publisherOf is how a spec publishes to target on kind's server, and
	// the URL of the reference's data source.
	publisherOf := func(kind bench.FeedReferenceKind) (string, func(target string, payload []byte)) {
		switch kind {
		case bench.FeedReferenceNATS:
			return natsSrv.URL(), func(target string, payload []byte) {
				Expect(natsPub.Publish(target, payload)).To(Succeed())
				Expect(natsPub.Flush()).To(Succeed())
			}
		case bench.FeedReferenceWebSocket:
			return hub.WebSocketURL(), func(target string, payload []byte) { _ = hub.Publish(target, string(payload)) }
		}
		return hub.URL(), func(target string, payload []byte) { _ = hub.Publish(target, string(payload)) }
	}

	for _, kind := range []bench.FeedReferenceKind{bench.FeedReferenceNATS, bench.FeedReferenceSSE, bench.FeedReferenceNDJSON, bench.FeedReferenceWebSocket} {
		It(fmt.Sprintf("sends each %s message at once as a frame of one row with its schema", kind), func(ctx SpecContext) {
			url, publish := publisherOf(kind)
			target := "/spec/" + string(kind)
			if kind == bench.FeedReferenceNATS {
				target = "spec." + string(kind)
			}
			inst := pluginhost.Instance{UID: "feed-ref-spec-" + string(kind), JSONData: []byte(fmt.Sprintf(`{"url":%q}`, url))}
			streamCtx, cancel := context.WithCancel(ctx)
			defer cancel()
			resp, err := reference.Stream.SubscribeStream(streamCtx, inst.SubscribeStreamRequest(bench.FeedReferencePath(kind, target)))
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.GetStatus().String()).To(Equal("OK"))
			stream, err := reference.RunStream(streamCtx, inst.RunStreamRequest(bench.FeedReferencePath(kind, target)))
			Expect(err).NotTo(HaveOccurred())
			packets := make(chan pluginhost.Packet, 100)
			go func() {
				defer GinkgoRecover()
				for {
					p, err := stream.Next()
					if err != nil {
						return
					}
					packets <- p
				}
			}()
			// Probe until the reference's client reads the server.
			Eventually(func() int {
				publish(target, []byte(`{"probe":1}`))
				return len(packets)
			}).WithContext(ctx).WithPolling(100 * time.Millisecond).WithTimeout(20 * time.Second).Should(BeNumerically(">", 0))
			sent := time.Now()
			for v := range 3 {
				publish(target, bench.MQTTPayload(sent, int64(v)))
			}
			var values []float64
			for len(values) < 3 {
				var p pluginhost.Packet
				Eventually(packets).WithContext(ctx).WithTimeout(10 * time.Second).Should(Receive(&p))
				Expect(p.HasSchema).To(BeTrue(), "every frame carries its schema")
				Expect(p.Frame.Rows()).To(Equal(1), "one message, one frame")
				if len(bench.SentTimes(p.Frame)) == 0 {
					continue // a probe
				}
				Expect(p.Frame.Fields[0].Name).To(Equal("Time"))
				Expect(p.Frame.Fields[0].At(0).(time.Time)).To(BeTemporally(">=", sent.Truncate(time.Millisecond)), "the time is the arrival")
				v, err := p.Frame.Fields[2].FloatAt(0)
				Expect(err).NotTo(HaveOccurred())
				Expect(math.IsNaN(v)).To(BeFalse())
				values = append(values, v)
			}
			Expect(values).To(Equal([]float64{0, 1, 2}), "in order, none lost")
		}, SpecTimeout(time.Minute))
	}
})
