package bench_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/testkit/bench"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// The steps a stream's row goes through, per frame of Pulse's shape (100
// rows at the fastest step), for 1 and 8 series:
//
//	go test ./bench -run '^$' -bench .

// benchFrame is one of Pulse's frames at the fastest step.
func benchFrame(series int) (signals.Query, *data.Frame) {
	q := fastQuery(series)
	first := q.Index(time.Now()) + 1
	return q, q.Frame(first, first+bench.FrameRows(q)-1, 1)
}

// forSeries runs f as a sub-benchmark for 1 and 8 series and reports the
// time per row.
func forSeries(b *testing.B, f func(b *testing.B, q signals.Query, frame *data.Frame)) {
	for _, series := range []int{1, 8} {
		b.Run(fmt.Sprintf("series=%d", series), func(b *testing.B) {
			q, frame := benchFrame(series)
			f(b, q, frame)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*frame.Rows()), "ns/row")
		})
	}
}

// BenchmarkFrame is building a frame: what Pulse does and the SDK limit
// does not.
func BenchmarkFrame(b *testing.B) {
	forSeries(b, func(b *testing.B, q signals.Query, frame *data.Frame) {
		rows := int64(frame.Rows())
		for i := range int64(b.N) {
			q.Frame(i*rows, i*rows+rows-1, 1)
		}
	})
}

// BenchmarkPulseEncoder is Pulse's encoder on data-only frames.
func BenchmarkPulseEncoder(b *testing.B) {
	forSeries(b, func(b *testing.B, _ signals.Query, frame *data.Frame) {
		var e streaming.Encoder
		_, _, _ = e.Encode(frame)
		b.ResetTimer()
		for range b.N {
			if _, _, err := e.Encode(frame); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkFrameToJSON is the SDK's encoding of a data-only frame: the SDK
// limit's whole work before sending.
func BenchmarkFrameToJSON(b *testing.B) {
	forSeries(b, func(b *testing.B, _ signals.Query, frame *data.Frame) {
		for range b.N {
			if _, err := data.FrameToJSON(frame, data.IncludeDataOnly); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkCountRows is the host's work per packet in the throughput
// measurement.
func BenchmarkCountRows(b *testing.B) {
	forSeries(b, func(b *testing.B, _ signals.Query, frame *data.Frame) {
		packet, err := data.FrameToJSON(frame, data.IncludeDataOnly)
		if err != nil {
			b.Fatal(err)
		}
		for range b.N {
			if _, err := bench.CountRows(packet); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecode is decoding a packet as a Grafana Live client does: why
// the throughput host counts rows instead.
func BenchmarkDecode(b *testing.B) {
	forSeries(b, func(b *testing.B, _ signals.Query, frame *data.Frame) {
		withSchema, err := data.FrameToJSON(frame, data.IncludeAll)
		if err != nil {
			b.Fatal(err)
		}
		packet, err := data.FrameToJSON(frame, data.IncludeDataOnly)
		if err != nil {
			b.Fatal(err)
		}
		var d pluginhost.FrameDecoder
		if _, err := d.Decode(withSchema); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for range b.N {
			if _, err := d.Decode(packet); err != nil {
				b.Fatal(err)
			}
		}
	})
}
