package signals_test

import (
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// benchFrame is one flush window of a 1 kHz, 8-series sine: 100 rows.
func benchFrame() *data.Frame {
	q := signals.DefaultQuery()
	q.Kind, q.StepMs, q.SeriesCount = signals.KindSine, 1, 8
	first := q.Index(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	return q.Frame(first, first+99, 1)
}

// BenchmarkEncoder is the Encoder's cost per frame after the first.
func BenchmarkEncoder(b *testing.B) {
	f := benchFrame()
	var e streaming.Encoder
	for b.Loop() {
		if _, _, err := e.Encode(f); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFrameToJSONDataOnly is the SDK's own data-only encoding of the
// same frame: the floor the Encoder is measured against.
func BenchmarkFrameToJSONDataOnly(b *testing.B) {
	f := benchFrame()
	for b.Loop() {
		if _, err := data.FrameToJSON(f, data.IncludeDataOnly); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFrame is the cost of computing the frame's rows.
func BenchmarkFrame(b *testing.B) {
	q := signals.DefaultQuery()
	q.Kind, q.StepMs, q.SeriesCount = signals.KindSine, 1, 8
	for b.Loop() {
		q.Frame(0, 99, 1)
	}
}

// BenchmarkDataPacket is what the pump does for each frame after the first:
// compute the rows into reused columns and write their data-only packet.
func BenchmarkDataPacket(b *testing.B) {
	q := signals.DefaultQuery()
	q.Kind, q.StepMs, q.SeriesCount = signals.KindSine, 1, 8
	first := q.Index(time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	for b.Loop() {
		if _, ok := signals.DataPacket(q, first, first+99); !ok {
			b.Fatal("not encoded")
		}
	}
}
