package signals_test

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// sdkDataPacket is the SDK's own data-only encoding of a frame.
func sdkDataPacket(f *data.Frame) []byte {
	GinkgoHelper()
	packet, err := data.FrameToJSON(f, data.IncludeDataOnly)
	Expect(err).NotTo(HaveOccurred())
	return packet
}

var _ = Describe("Data-only packets", func() {
	It("are byte for byte what the SDK writes for the same frame, for every kind and range", func() {
		r := rand.New(rand.NewPCG(5, 6))
		for range 400 {
			q := randomQuery(r)
			first := r.Int64N(1<<44) - 1<<43
			last := first + r.Int64N(300)
			packet, ok := signals.DataPacket(q, first, last)
			Expect(ok).To(BeTrue())
			Expect(string(packet)).To(Equal(string(sdkDataPacket(q.Frame(first, last, 1)))), "%+v rows %d … %d", q, first, last)
		}
	})

	It("write every magnitude of number as the SDK does", func() {
		values := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, -1e-7, 123456789.125, 1e20, 1e21, -1.5e21,
			math.MaxFloat64, math.SmallestNonzeroFloat64, 1.0 / 3, 5e-324, 1e300}
		times := make([]int64, len(values))
		stamps := make([]time.Time, len(values))
		for i := range times {
			times[i] = int64(i)*1000 - 5000
			stamps[i] = time.UnixMilli(times[i])
		}
		packet, ok := signals.DataPacketOf(times, values)
		Expect(ok).To(BeTrue())
		frame := data.NewFrame("", data.NewField("time", nil, stamps), data.NewField("value", nil, values))
		Expect(string(packet)).To(Equal(string(sdkDataPacket(frame))))
	})

	It("refuse values JSON cannot hold, so that the SDK's encoding takes them", func() {
		for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			_, ok := signals.DataPacketOf([]int64{0, 1}, []float64{1, v})
			Expect(ok).To(BeFalse(), "%v", v)
		}
	})
})
