package grafanadriver_test

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// t0 is the time of the first row of the specs' frames.
var t0 = time.UnixMilli(1_800_000_000_000).UTC()

// frameAt is a Pulse-like frame with one row per time and two series,
// each row's values its time in ms and its negation.
func frameAt(times ...time.Time) *data.Frame {
	a, b := make([]float64, len(times)), make([]float64, len(times))
	for i, t := range times {
		a[i], b[i] = float64(t.UnixMilli()), -float64(t.UnixMilli())
	}
	f := data.NewFrame("",
		data.NewField("time", nil, times),
		data.NewField("value", data.Labels{"series": "1"}, a),
		data.NewField("value", data.Labels{"series": "2"}, b),
	)
	f.SetMeta(&data.FrameMeta{Channel: "ds/pulse/v1/counter/s=100"})
	return f
}

// rowsAt is what frameAt's rows read as.
func rowsAt(times ...time.Time) []pluginhost.Row {
	rows := make([]pluginhost.Row, len(times))
	for i, t := range times {
		ms := float64(t.UnixMilli())
		rows[i] = pluginhost.Row{Time: t, Values: []float64{ms, -ms}}
	}
	return rows
}

// seconds is t0 plus each of the seconds.
func seconds(s ...int) []time.Time {
	times := make([]time.Time, len(s))
	for i, n := range s {
		times[i] = t0.Add(time.Duration(n) * time.Second)
	}
	return times
}

// encode is what the SDK's StreamSender sends for f: with the schema
// (data.IncludeAll) for a stream's first packet, data only after.
func encode(f *data.Frame, include data.FrameInclude) []byte {
	GinkgoHelper()
	b, err := data.FrameToJSON(f, include)
	Expect(err).NotTo(HaveOccurred())
	return b
}

// rowsOf reads a frame's rows.
func rowsOf(f *data.Frame) []pluginhost.Row {
	GinkgoHelper()
	rows, err := pluginhost.Rows(f)
	Expect(err).NotTo(HaveOccurred())
	return rows
}
