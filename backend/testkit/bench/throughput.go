package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// benchInstance is the data source every benchmark request names.
var benchInstance = pluginhost.Instance{UID: "bench", Name: "Pulse benchmarks"}

// ThroughputOptions configure MeasureThroughput.
type ThroughputOptions struct {
	// Warmup is how long the stream runs before the window opens.
	Warmup time.Duration
	// Window is how long rows are counted.
	Window time.Duration
	// Rounds is how many times a caller repeats each measurement to take
	// the median (MedianThroughput); MeasureThroughput itself runs once.
	Rounds int
}

// Throughput is what one design delivered to the host in one window.
type Throughput struct {
	Design Design
	Query  signals.Query
	// Rows, Bytes and Packets arrived within the window.
	Rows, Bytes, Packets int64
	// Elapsed is the window's length, from the packet that opened it to the
	// last one counted.
	Elapsed time.Duration
	// PluginCPU is the CPU time the plugin process used in the window.
	PluginCPU time.Duration
}

// RowsPerSecond is the rate of rows delivered.
func (t Throughput) RowsPerSecond() float64 { return float64(t.Rows) / t.Elapsed.Seconds() }

// BytesPerRow is the packet bytes on the wire per row delivered.
func (t Throughput) BytesPerRow() float64 { return float64(t.Bytes) / float64(t.Rows) }

// CPUPerRow is the plugin's CPU time per row delivered.
func (t Throughput) CPUPerRow() time.Duration {
	if t.Rows == 0 {
		return 0
	}
	return t.PluginCPU / time.Duration(t.Rows)
}

// MeasureThroughput runs design on q in the reference plugin behind host,
// waits opts.Warmup, then counts the rows and bytes that arrive within
// opts.Window, and ends the stream. The host only receives the packets and
// counts their rows (CountRows), as cheaply as it can, so that the plugin,
// not the host, sets the pace. The first packet and the last one counted are
// decoded in full and must be frames of q's shape.
func MeasureThroughput(ctx context.Context, host *pluginhost.Host, design Design, q signals.Query, opts ThroughputOptions) (Throughput, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	path := design.Path(q)
	call, err := host.Stream.RunStream(ctx, benchInstance.RunStreamRequest(path))
	if err != nil {
		return Throughput{}, fmt.Errorf("RunStream %s: %w", path, err)
	}
	result := Throughput{Design: design, Query: q}
	check := shapeChecker{series: q.SeriesCount}
	first, err := call.Recv()
	if err != nil {
		return result, fmt.Errorf("%s: first packet: %w", path, err)
	}
	if err := check.packet(first.GetData(), true); err != nil {
		return result, fmt.Errorf("%s: first packet: %w", path, err)
	}

	windowOpens := time.Now().Add(opts.Warmup)
	var start time.Time
	var cpuBefore time.Duration
	var last []byte
	for {
		packet, err := call.Recv()
		if err != nil {
			return result, fmt.Errorf("%s: %w", path, err)
		}
		now := time.Now()
		if start.IsZero() {
			if now.Before(windowOpens) {
				continue
			}
			// This packet opens the window; the ones after it are counted.
			start = now
			if cpuBefore, err = ProcessCPU(host.Pid()); err != nil {
				return result, err
			}
			continue
		}
		rows, err := CountRows(packet.GetData())
		if err != nil {
			return result, fmt.Errorf("%s: %w", path, err)
		}
		result.Rows += int64(rows)
		result.Bytes += int64(len(packet.GetData()))
		result.Packets++
		if now.Sub(start) >= opts.Window {
			result.Elapsed = now.Sub(start)
			last = packet.GetData()
			break
		}
	}
	cpuAfter, err := ProcessCPU(host.Pid())
	if err != nil {
		return result, err
	}
	result.PluginCPU = cpuAfter - cpuBefore
	if err := check.packet(last, false); err != nil {
		return result, fmt.Errorf("%s: last packet: %w", path, err)
	}
	return result, nil
}
