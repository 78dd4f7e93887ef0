package instance_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/pulse-datasource/pulse/backend/plugin/instance"
)

// discardPackets is a StreamPacketSender that keeps nothing.
type discardPackets struct{}

func (discardPackets) Send(*backend.StreamPacket) error { return nil }

// BenchmarkStreamMemory runs 10 000 one-hertz streams in this process,
// without gRPC, and reports the heap and stack each holds: Pulse's own share
// of a stream's memory, which pulse-bench's scale section measures with the
// SDK's and gRPC's around it.
func BenchmarkStreamMemory(b *testing.B) {
	const streams = 10_000
	created, err := instance.Factory(instance.Options{Sources: testSources()})(context.Background(), backend.DataSourceInstanceSettings{UID: "bench", JSONData: []byte(`{"maxStreams":10000}`)})
	if err != nil {
		b.Fatal(err)
	}
	inst := created.(*instance.Instance)
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, streams)
		for i := range streams {
			req := &backend.RunStreamRequest{Path: fmt.Sprintf("v1/counter/r=%d", i+1)}
			go func() { done <- inst.RunStream(ctx, req, backend.NewStreamSender(discardPackets{})) }()
		}
		time.Sleep(2500 * time.Millisecond) // every stream sends a frame or two
		runtime.GC()
		runtime.ReadMemStats(&after)
		cancel()
		for range streams {
			<-done
		}
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/streams, "heap-B/stream")
		b.ReportMetric(float64(after.StackInuse-before.StackInuse)/streams, "stack-B/stream")
	}
}
