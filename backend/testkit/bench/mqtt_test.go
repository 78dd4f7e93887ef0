package bench_test

import (
	"bytes"
	"encoding/base64"
	"math"
	"strings"
	"time"

	"github.com/eclipse/paho.mqtt.golang/packets"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

var _ = Describe("MQTT payloads and paths", func() {
	It("writes the publish time in Unix nanoseconds and reads it back from a frame, as either side names the field", func() {
		sent := time.Unix(1_795_651_643, 120_000_000)
		Expect(string(bench.MQTTPayload(sent, 42))).To(Equal(`{"sent":1795651643120000000,"v":42}`))

		v := float64(sent.UnixNano())
		later := v + 1e6
		frame := data.NewFrame("",
			data.NewField("time", nil, []time.Time{sent, sent}),
			data.NewField("sent", nil, []*float64{&v, nil}),
			data.NewField("sent pulse-bench/a", nil, []*float64{nil, &later}),
			data.NewField("v", nil, []*float64{&v, &v}),
			data.NewField("sentinel", nil, []*float64{&v, &v}))
		times := bench.SentTimes(frame)
		Expect(times).To(HaveLen(2), "nulls are skipped, other fields ignored")
		// A float64 holds Unix nanoseconds to 256 ns.
		Expect(times[0].Sub(sent).Abs()).To(BeNumerically("<=", 256*time.Nanosecond))
		Expect(times[1].Sub(sent.Add(time.Millisecond)).Abs()).To(BeNumerically("<=", 256*time.Nanosecond))
		Expect(bench.SentTimes(nil)).To(BeEmpty())
		Expect(bench.SentTimes(data.NewFrame("", data.NewField("sent", nil, []string{"x"})))).To(BeEmpty())
	})

	It("writes Pulse's channel paths: the flush window, then the topic, timeField and fields in base64url", func() {
		path := bench.PulseMQTTPath("plant/+/temp", 100)
		Expect(path).To(HavePrefix("mqtt/v1/100/"))
		raw, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(path, "mqtt/v1/100/"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).To(Equal("plant/+/temp\x00"))

		raw, err = base64.RawURLEncoding.DecodeString(strings.TrimPrefix(bench.PulseMQTTPath("a/+", 250, "v", "w"), "mqtt/v1/250/"))
		Expect(err).NotTo(HaveOccurred())
		Expect(string(raw)).To(Equal("a/+\x00\x00v\x00w"))
		Expect(bench.MQTTWildcard("topics-3")).To(Equal("pulse-bench/topics-3/+"))
	})

	It("tells the reference's and the floor's paths apart", func() {
		topic, floor, ok := bench.ParseMQTTReferencePath(bench.MQTTReferencePath("pulse-bench/a/1"))
		Expect(ok).To(BeTrue())
		Expect(floor).To(BeFalse())
		Expect(topic).To(Equal("pulse-bench/a/1"))
		topic, floor, ok = bench.ParseMQTTReferencePath(bench.MQTTFloorPath("pulse-bench/a/+"))
		Expect(ok).To(BeTrue())
		Expect(floor).To(BeTrue())
		Expect(topic).To(Equal("pulse-bench/a/+"))
		for _, path := range []string{"mqtt/", "mqtt-floor/", "tutorial/v1/sine/s=1", "mqttx/a"} {
			_, _, ok := bench.ParseMQTTReferencePath(path)
			Expect(ok).To(BeFalse(), path)
		}
	})

	It("writes PUBLISH packets at QoS 0 that an MQTT library reads back, with a remaining length of more than one byte", func() {
		long := bytes.Repeat([]byte("x"), 300)
		var b []byte
		b = bench.AppendMQTTPublish(b, "pulse-bench/a", []byte(`{"v":1}`))
		b = bench.AppendMQTTPublish(b, "t", long)
		r := bytes.NewReader(b)
		for _, want := range []struct {
			topic   string
			payload []byte
		}{{"pulse-bench/a", []byte(`{"v":1}`)}, {"t", long}} {
			p, err := packets.ReadPacket(r)
			Expect(err).NotTo(HaveOccurred())
			pub, ok := p.(*packets.PublishPacket)
			Expect(ok).To(BeTrue())
			Expect(pub.Qos).To(BeZero())
			Expect(pub.Retain).To(BeFalse())
			Expect(pub.TopicName).To(Equal(want.topic))
			Expect(pub.Payload).To(Equal(want.payload))
		}
		Expect(r.Len()).To(BeZero())
	})
})

var _ = Describe("PromSum", func() {
	text := `# HELP pulse_feed_messages_total MQTT messages.
# TYPE pulse_feed_messages_total counter
pulse_feed_messages_total{source="mqtt"} 1234
pulse_feed_messages_dropped_total{source="mqtt"} 7
pulse_history_rows{datasource="a",source="mqtt"} 100
pulse_history_rows{datasource="b",source="mqtt"} 50
pulse_stream_active 3
`
	It("adds up a metric's samples whatever their labels, and no other metric's", func() {
		v, ok := bench.PromSum(text, "pulse_feed_messages_total")
		Expect(ok).To(BeTrue())
		Expect(v).To(Equal(1234.0))
		v, ok = bench.PromSum(text, "pulse_history_rows")
		Expect(ok).To(BeTrue())
		Expect(v).To(Equal(150.0))
		v, ok = bench.PromSum(text, "pulse_stream_active")
		Expect(ok).To(BeTrue())
		Expect(v).To(Equal(3.0))
		_, ok = bench.PromSum(text, "pulse_feed_messages")
		Expect(ok).To(BeFalse(), "a name that only starts another metric's")
		_, ok = bench.PromSum(text, "pulse_history_bytes")
		Expect(ok).To(BeFalse())
	})
})

var _ = Describe("The MQTT reference's frames", func() {
	at := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	msg := func(i int, payload string) bench.MQTTReferenceMessage {
		return bench.MQTTReferenceMessage{Arrival: at.Add(time.Duration(i) * time.Millisecond), Payload: []byte(payload)}
	}
	value := func(f *data.Field, i int) float64 {
		GinkgoHelper()
		v, err := f.FloatAt(i)
		Expect(err).NotTo(HaveOccurred())
		return v
	}

	It("holds a time per message and a nullable number field per top-level numeric key, in order of first appearance", func() {
		frame := bench.MQTTReferenceFrame([]bench.MQTTReferenceMessage{
			msg(0, `{"a":1,"s":"text","nested":{"x":5},"b":2}`),
			msg(1, `{"b":3}`),
			msg(2, `not json`),
			msg(3, `[1,2]`),
			msg(4, `{"c":4.5,"a":6,"a":7}`),
		})
		Expect(frame.Fields).To(HaveLen(4))
		names := []string{}
		for _, f := range frame.Fields {
			names = append(names, f.Name)
			Expect(f.Len()).To(Equal(5))
		}
		Expect(names).To(Equal([]string{"Time", "a", "b", "c"}))
		Expect(frame.Fields[0].At(4)).To(Equal(at.Add(4 * time.Millisecond)))
		a, b, c := frame.Fields[1], frame.Fields[2], frame.Fields[3]
		Expect(value(a, 0)).To(Equal(1.0))
		Expect(math.IsNaN(value(a, 1))).To(BeTrue())
		Expect(value(a, 4)).To(Equal(6.0), "a key repeated in one payload counts once")
		Expect(value(b, 0)).To(Equal(2.0))
		Expect(value(b, 1)).To(Equal(3.0))
		Expect(math.IsNaN(value(b, 2))).To(BeTrue())
		Expect(value(c, 4)).To(Equal(4.5))
		Expect(math.IsNaN(value(c, 0))).To(BeTrue())
	})

	It("is a time field and no rows when no message came", func() {
		frame := bench.MQTTReferenceFrame(nil)
		Expect(frame.Fields).To(HaveLen(1))
		Expect(frame.Fields[0].Name).To(Equal("Time"))
		Expect(frame.Rows()).To(BeZero())
	})

	It("counts the floor's messages from its frames only", func() {
		floor := data.NewFrame("floor", data.NewField("Time", nil, []time.Time{at}), data.NewField(bench.MQTTFloorField, nil, []int64{17}))
		Expect(bench.FloorMessages(floor)).To(Equal(int64(17)))
		Expect(bench.FloorMessages(bench.MQTTReferenceFrame([]bench.MQTTReferenceMessage{msg(0, `{"messages":3}`)}))).To(BeZero(),
			"a reference frame's nullable numbers are not the floor's count")
		Expect(bench.FloorMessages(nil)).To(BeZero())
	})
})

var _ = Describe("MQTT saturation rounds", func() {
	round := func(cpu time.Duration, delivered int64) bench.MQTTSaturation {
		return bench.MQTTSaturation{Side: bench.MQTTPulse, Published: 1000, Delivered: delivered, PluginCPU: cpu, PublishElapsed: time.Second, Elapsed: 2 * time.Second}
	}

	It("picks the round with the median CPU per row, the lower middle of an even count", func() {
		Expect(bench.MedianMQTTSaturation([]bench.MQTTSaturation{round(30*time.Millisecond, 1000), round(10*time.Millisecond, 1000), round(20*time.Millisecond, 1000)}).PluginCPU).
			To(Equal(20 * time.Millisecond))
		Expect(bench.MedianMQTTSaturation([]bench.MQTTSaturation{round(40*time.Millisecond, 1000), round(10*time.Millisecond, 1000), round(30*time.Millisecond, 1000), round(20*time.Millisecond, 1000)}).PluginCPU).
			To(Equal(20 * time.Millisecond))
	})

	It("gives its rates, and no CPU per row without rows", func() {
		r := round(25*time.Millisecond, 500)
		Expect(r.CPUPerRow()).To(Equal(50 * time.Microsecond))
		Expect(r.DeliveryRate()).To(Equal(250.0))
		Expect(r.Lost()).To(Equal(int64(500)))
		Expect(round(time.Second, 0).CPUPerRow()).To(BeZero())
	})
})
