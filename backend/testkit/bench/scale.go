package bench

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// ScaleOptions configure MeasureScale.
type ScaleOptions struct {
	// Settle is how long the plugin runs before each measurement: after the
	// start for the baseline, after every channel's first frame for the rest.
	Settle time.Duration
	// Window is how long CPU time and rows are counted, and resident memory
	// sampled (once a second), in whole seconds (rounded, at least one).
	Window time.Duration
	// FirstFrameTimeout bounds the wait for every channel's first frame.
	// Zero means 30 seconds.
	FirstFrameTimeout time.Duration
	// Host is how the plugin is started (where its logs go); MeasureScale
	// sets the binary.
	Host pluginhost.Options
}

// Runtime is what a plugin's Go runtime says about itself through the
// SDK's CollectMetrics: its goroutines and the memory its stacks and heap
// hold. A value the plugin did not report is negative.
type Runtime struct {
	Goroutines, StackBytes, HeapBytes float64
}

// Scale is what channels concurrent 1 Hz streams cost the plugin.
type Scale struct {
	Channels int
	// BaselineRSS is the plugin's resident memory with no stream, RSS the
	// largest sampled in the window with every channel running.
	BaselineRSS, RSS int64
	// BaselineRuntime and LoadedRuntime are the runtime's view at the same
	// two moments (the loaded one at the window's end).
	BaselineRuntime, LoadedRuntime Runtime
	// PluginCPU is the CPU time the plugin used in the window of length
	// Elapsed.
	PluginCPU, Elapsed time.Duration
	// Seconds is the window's length in whole seconds: each channel should
	// deliver that many rows within it.
	Seconds int
	// Rows arrived within the window, over all channels; MinChannelRows is
	// the fewest any single channel delivered.
	Rows, MinChannelRows int64
}

// BytesPerChannel is the resident memory each channel added.
func (s Scale) BytesPerChannel() float64 {
	return float64(s.RSS-s.BaselineRSS) / float64(s.Channels)
}

// CPUShare is the plugin's CPU time over the window's length: 1 is one
// core kept busy.
func (s Scale) CPUShare() float64 { return s.PluginCPU.Seconds() / s.Elapsed.Seconds() }

// ExpectedRows is how many rows the channels should deliver in the window:
// one per channel and second.
func (s Scale) ExpectedRows() int64 { return int64(s.Channels) * int64(s.Seconds) }

// ScaleInstance is the data source the scale channels belong to: its
// settings allow the most streams a data source may run (maxStreams
// 10 000; the default is 1 000), as many as the plugin process's own cap.
var ScaleInstance = pluginhost.Instance{UID: "bench-scale", Name: "Pulse benchmarks, scale", JSONData: []byte(`{"maxStreams":10000}`)}

// ScaleQuery is channel i's query: the 1 Hz counter with seed i+1, so that
// every channel has its own path.
func ScaleQuery(i int) signals.Query {
	q := signals.DefaultQuery()
	q.Kind = signals.KindCounter
	q.Seed = int64(i + 1)
	return q
}

// MeasureScale starts binary (the Pulse plugin) afresh, measures its
// baseline, opens channels RunStream calls on distinct 1 Hz channels over
// the one gRPC connection, and once every channel has sent its first frame
// and opts.Settle has passed, measures the plugin's memory and CPU over
// opts.Window. The host counts each packet's rows and nothing more.
func MeasureScale(ctx context.Context, binary string, channels int, opts ScaleOptions) (Scale, error) {
	start := opts.Host
	start.Binary = binary
	host, err := pluginhost.Start(ctx, start)
	if err != nil {
		return Scale{}, err
	}
	defer host.Close()
	result := Scale{Channels: channels}
	if result.BaselineRSS, result.BaselineRuntime, err = idleBaseline(ctx, host, ScaleInstance, opts.Settle); err != nil {
		return result, err
	}

	streams := openScaleStreams(ctx, host, channels)
	defer streams.stop()
	timeout := opts.FirstFrameTimeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	if err := streams.waitFirstFrames(ctx, timeout); err != nil {
		return result, err
	}
	// Every channel sends on the whole second; the window runs from one
	// half second to another, so that it holds exactly as many sends per
	// channel as it lasts seconds, none of them cut in two.
	window := opts.Window.Round(time.Second)
	if window < time.Second {
		window = time.Second
	}
	settled := time.Now().Add(opts.Settle)
	if err := sleep(ctx, time.Until(settled.Truncate(time.Second).Add(1500*time.Millisecond))); err != nil {
		return result, err
	}

	rowsBefore := streams.rowCounts()
	cpuBefore, err := ProcessCPU(host.Pid())
	if err != nil {
		return result, err
	}
	result.Seconds = int(window / time.Second)
	opened := time.Now()
	for elapsed := time.Duration(0); elapsed < window; elapsed = time.Since(opened) {
		if err := sleep(ctx, min(time.Second, window-elapsed)); err != nil {
			return result, err
		}
		rss, err := ProcessRSS(host.Pid())
		if err != nil {
			return result, err
		}
		result.RSS = max(result.RSS, rss)
		if err := streams.failure(); err != nil {
			return result, err
		}
	}
	cpuAfter, err := ProcessCPU(host.Pid())
	if err != nil {
		return result, err
	}
	result.Elapsed = time.Since(opened)
	result.PluginCPU = cpuAfter - cpuBefore
	rowsAfter := streams.rowCounts()
	result.MinChannelRows = -1
	for i := range rowsAfter {
		delivered := rowsAfter[i] - rowsBefore[i]
		result.Rows += delivered
		if result.MinChannelRows < 0 || delivered < result.MinChannelRows {
			result.MinChannelRows = delivered
		}
	}
	result.LoadedRuntime = readRuntime(ctx, host)
	return result, nil
}

// scaleStreams are the host's ends of many streams, each read by its own
// goroutine that counts rows.
type scaleStreams struct {
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	rows      []atomic.Int64
	firsts    sync.WaitGroup
	mu        sync.Mutex
	err       error
	stopping  atomic.Bool
	remaining atomic.Int64
}

// openScaleStreams opens channels streams (ScaleQuery(0) …) and starts
// reading them. An error opening or reading one is kept for failure.
func openScaleStreams(ctx context.Context, host *pluginhost.Host, channels int) *scaleStreams {
	ctx, cancel := context.WithCancel(ctx)
	s := &scaleStreams{cancel: cancel, rows: make([]atomic.Int64, channels)}
	s.firsts.Add(channels)
	s.remaining.Store(int64(channels))
	for i := range channels {
		path := ScaleQuery(i).Path()
		call, err := host.Stream.RunStream(ctx, ScaleInstance.RunStreamRequest(path))
		if err != nil {
			s.fail(fmt.Errorf("RunStream %s: %w", path, err))
			s.firsts.Done()
			continue
		}
		s.wg.Go(func() {
			first := true
			for {
				packet, err := call.Recv()
				if err == nil {
					var rows int
					rows, err = CountRows(packet.GetData())
					s.rows[i].Add(int64(rows))
				}
				if first {
					first = false
					s.remaining.Add(-1)
					s.firsts.Done()
				}
				if err != nil {
					if !s.stopping.Load() {
						s.fail(fmt.Errorf("%s: %w", path, err))
					}
					return
				}
			}
		})
	}
	return s
}

func (s *scaleStreams) fail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		s.err = err
	}
}

// failure is the first error any stream met, or nil.
func (s *scaleStreams) failure() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// waitFirstFrames waits until every stream delivered its first packet.
func (s *scaleStreams) waitFirstFrames(ctx context.Context, timeout time.Duration) error {
	done := make(chan struct{})
	go func() {
		s.firsts.Wait()
		close(done)
	}()
	select {
	case <-done:
		return s.failure()
	case <-time.After(timeout):
		return fmt.Errorf("%d of %d channels sent no frame within %s", s.remaining.Load(), len(s.rows), timeout)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// rowCounts is every stream's rows so far.
func (s *scaleStreams) rowCounts() []int64 {
	counts := make([]int64, len(s.rows))
	for i := range s.rows {
		counts[i] = s.rows[i].Load()
	}
	return counts
}

// stop ends every stream and waits for their readers.
func (s *scaleStreams) stop() {
	s.stopping.Store(true)
	s.cancel()
	s.wg.Wait()
}

// idleBaseline creates inst's data source instance with a health check (it
// belongs to the baseline), lets the plugin settle, and reads its resident
// memory and its runtime's figures with no stream.
func idleBaseline(ctx context.Context, host *pluginhost.Host, inst pluginhost.Instance, settle time.Duration) (int64, Runtime, error) {
	if _, err := host.Diagnostics.CheckHealth(ctx, inst.CheckHealthRequest()); err != nil {
		return 0, Runtime{}, fmt.Errorf("CheckHealth: %w", err)
	}
	if err := sleep(ctx, settle); err != nil {
		return 0, Runtime{}, err
	}
	rss, err := ProcessRSS(host.Pid())
	if err != nil {
		return 0, Runtime{}, err
	}
	return rss, readRuntime(ctx, host), nil
}

// readRuntime asks the plugin for its Go runtime metrics.
func readRuntime(ctx context.Context, host *pluginhost.Host) Runtime {
	text, err := collectMetrics(ctx, host)
	if err != nil {
		return Runtime{Goroutines: -1, StackBytes: -1, HeapBytes: -1}
	}
	return runtimeOf(text)
}

// collectMetrics is the plugin's metrics in Prometheus' text format, as
// Grafana would collect them.
func collectMetrics(ctx context.Context, host *pluginhost.Host) (string, error) {
	resp, err := host.Diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{PluginContext: benchInstance.PluginContext()})
	if err != nil {
		return "", fmt.Errorf("CollectMetrics: %w", err)
	}
	return string(resp.GetMetrics().GetPrometheus()), nil
}

// runtimeOf reads the Go runtime's figures from the plugin's metrics; the
// ones missing are negative.
func runtimeOf(text string) Runtime {
	r := Runtime{Goroutines: -1, StackBytes: -1, HeapBytes: -1}
	for name, dst := range map[string]*float64{
		"go_goroutines":                 &r.Goroutines,
		"go_memstats_stack_inuse_bytes": &r.StackBytes,
		"go_memstats_heap_inuse_bytes":  &r.HeapBytes,
	} {
		if v, ok := PromValue(text, name); ok {
			*dst = v
		}
	}
	return r
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
