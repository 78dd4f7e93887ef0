package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"google.golang.org/grpc"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// StalledOptions configure MeasureStalled. The zero value of each field
// means its default.
type StalledOptions struct {
	// Settle is how long the idle plugin runs before its baseline is read.
	// Zero means 2 s.
	Settle time.Duration
	// Quiet is how long the plugin's resident memory must hold still, once
	// every stream is open, to count as settled (see Settler). Zero means
	// 3 s.
	Quiet time.Duration
	// MaxWait bounds the wait for the memory to settle; past it the last
	// samples are reported as not settled. Zero means 60 s.
	MaxWait time.Duration
	// CPUWindow is how long the plugin's CPU time is counted once the
	// memory settled. Zero means 5 s.
	CPUWindow time.Duration
	// Sample is how often resident memory is read. Zero means 250 ms.
	Sample time.Duration
	// Behind, when positive, admits every viewer first and starts the
	// streams this long after, as a Grafana that was slow to start them
	// would: each stream then begins with a backlog (the rows due since its
	// viewer's admission) and sends its largest frames, catching up, when
	// its receiver stalls. Zero starts each stream right after its
	// admission.
	Behind time.Duration
	// Host is how the plugin is started (where its logs go); MeasureStalled
	// sets the binary and fixes the host's flow-control windows.
	Host pluginhost.Options
}

func (o StalledOptions) withDefaults() StalledOptions {
	for _, d := range []struct {
		field *time.Duration
		def   time.Duration
	}{{&o.Settle, 2 * time.Second}, {&o.Quiet, 3 * time.Second}, {&o.MaxWait, time.Minute}, {&o.CPUWindow, 5 * time.Second}, {&o.Sample, 250 * time.Millisecond}} {
		if *d.field <= 0 {
			*d.field = d.def
		}
	}
	return o
}

// StalledWindow is the host's flow-control window, per stream and for the
// connection, while streams stall: fixed at gRPC's initial 64 KiB. With
// gRPC's default windows, which grow with the traffic up to 16 MiB per
// stream, a receiver that never reads would take that much of each stream
// into its own memory before the plugin felt the stall at all.
const StalledWindow = 64 << 10

// Stalled is what streams whose receiver never reads cost the plugin.
type Stalled struct {
	Streams int
	// Behind is how long after its viewer's admission each stream started
	// (StalledOptions.Behind).
	Behind time.Duration
	// BaselineRSS is the idle plugin's resident memory (its data source
	// instance made); RSS is the largest sample of the span over which it
	// settled with every stream stalled, or the largest of the last Quiet
	// span when it did not settle within MaxWait.
	BaselineRSS, RSS int64
	// Settled says whether the memory settled within MaxWait, and SettledAfter
	// how long after the last stream was opened it had (or MaxWait).
	Settled      bool
	SettledAfter time.Duration
	// PluginCPU is the CPU time the plugin used in the window of length
	// CPUElapsed, after the memory settled.
	PluginCPU, CPUElapsed time.Duration
	// Running is the plugin's own count of its streams (pulse_stream_active)
	// once the memory settled: every stream should run.
	Running float64
	// FramesSent and BytesSent are what the plugin had sent over all its
	// streams by then (pulse_stream_frames_sent_total,
	// pulse_stream_bytes_sent_total).
	FramesSent, BytesSent float64
	// BaselineRuntime and LoadedRuntime are the plugin runtime's view of
	// itself at the baseline and once the memory settled.
	BaselineRuntime, LoadedRuntime Runtime
}

// BytesPerStream is the resident memory each stalled stream added.
func (s Stalled) BytesPerStream() float64 {
	return float64(s.RSS-s.BaselineRSS) / float64(s.Streams)
}

// CPUShare is the plugin's CPU time over the window's length while every
// stream stalled: 1 is one core kept busy.
func (s Stalled) CPUShare() float64 {
	if s.CPUElapsed <= 0 {
		return 0
	}
	return s.PluginCPU.Seconds() / s.CPUElapsed.Seconds()
}

// FrameBytes is the average size of the frames the plugin sent before its
// streams stalled.
func (s Stalled) FrameBytes() float64 {
	if s.FramesSent <= 0 {
		return 0
	}
	return s.BytesSent / s.FramesSent
}

// StalledQuery is stream i's query: the worst case a data source allows by
// default, a random walk of 16 series at 1 kHz with the shortest flush
// window (10 ms), with seed i+1 so that every stream has its own channel.
func StalledQuery(i int) signals.Query {
	q := signals.DefaultQuery()
	q.Kind = signals.KindRandomWalk
	q.StepMs = signals.MinStepMs
	q.SeriesCount = signals.MaxSeriesCount
	q.FlushMs = streaming.MinFlushMs
	q.Seed = int64(i + 1)
	return q
}

// StalledInstance is the data source the stalled streams belong to. Its
// settings allow 1 000 streams (maxStreams, the default too, spelled out
// so that the run does not depend on it).
var StalledInstance = pluginhost.Instance{UID: "bench-stalled", Name: "Pulse benchmarks, stalled streams", JSONData: []byte(`{"maxStreams":1000}`)}

// MeasureStalled starts binary (the Pulse plugin) afresh, reads its idle
// resident memory, then admits and runs streams channels of StalledQuery as
// Grafana would (SubscribeStream, then RunStream) over one gRPC connection
// whose host never reads a packet, waits until the plugin's resident memory
// settles, and measures it and the plugin's CPU time.
func MeasureStalled(ctx context.Context, binary string, streams int, opts StalledOptions) (Stalled, error) {
	opts = opts.withDefaults()
	start := opts.Host
	start.Binary = binary
	start.GRPCDialOptions = append(append([]grpc.DialOption(nil), start.GRPCDialOptions...),
		grpc.WithInitialWindowSize(StalledWindow), grpc.WithInitialConnWindowSize(StalledWindow))
	host, err := pluginhost.Start(ctx, start)
	if err != nil {
		return Stalled{}, err
	}
	defer host.Close()
	result := Stalled{Streams: streams, Behind: opts.Behind}
	if result.BaselineRSS, result.BaselineRuntime, err = idleBaseline(ctx, host, StalledInstance, opts.Settle); err != nil {
		return result, err
	}

	// The calls stay open, unread, until the measurement ends.
	streamCtx, stop := context.WithCancel(ctx)
	defer stop()
	subscribe := func(path string) error {
		resp, err := host.Stream.SubscribeStream(ctx, StalledInstance.SubscribeStreamRequest(path))
		if err != nil {
			return fmt.Errorf("SubscribeStream %s: %w", path, err)
		}
		if resp.GetStatus() != pluginv2.SubscribeStreamResponse_OK {
			return fmt.Errorf("SubscribeStream %s: %s", path, resp.GetStatus())
		}
		return nil
	}
	run := func(path string) error {
		if _, err := host.Stream.RunStream(streamCtx, StalledInstance.RunStreamRequest(path)); err != nil {
			return fmt.Errorf("RunStream %s: %w", path, err)
		}
		return nil
	}
	if opts.Behind > 0 {
		for i := range streams {
			if err := subscribe(StalledQuery(i).Path()); err != nil {
				return result, err
			}
		}
		if err := sleep(ctx, opts.Behind); err != nil {
			return result, err
		}
		for i := range streams {
			if err := run(StalledQuery(i).Path()); err != nil {
				return result, err
			}
		}
	} else {
		for i := range streams {
			path := StalledQuery(i).Path()
			if err := subscribe(path); err != nil {
				return result, err
			}
			if err := run(path); err != nil {
				return result, err
			}
		}
	}
	opened := time.Now()

	settler := Settler{Quiet: opts.Quiet}
	for {
		if err := sleep(ctx, opts.Sample); err != nil {
			return result, err
		}
		rss, err := ProcessRSS(host.Pid())
		if err != nil {
			return result, err
		}
		now := time.Now()
		result.Settled = settler.Add(now, rss)
		result.SettledAfter = now.Sub(opened)
		if result.Settled || result.SettledAfter >= opts.MaxWait {
			break
		}
	}
	result.RSS = settler.Level()
	if !result.Settled {
		result.RSS = settler.Last()
	}

	cpuBefore, err := ProcessCPU(host.Pid())
	if err != nil {
		return result, err
	}
	cpuFrom := time.Now()
	if err := sleep(ctx, opts.CPUWindow); err != nil {
		return result, err
	}
	cpuAfter, err := ProcessCPU(host.Pid())
	if err != nil {
		return result, err
	}
	result.CPUElapsed = time.Since(cpuFrom)
	result.PluginCPU = cpuAfter - cpuBefore

	text, err := collectMetrics(ctx, host)
	if err != nil {
		return result, err
	}
	result.LoadedRuntime = runtimeOf(text)
	for name, dst := range map[string]*float64{
		"pulse_stream_active":            &result.Running,
		"pulse_stream_frames_sent_total": &result.FramesSent,
		"pulse_stream_bytes_sent_total":  &result.BytesSent,
	} {
		v, ok := PromValue(text, name)
		if !ok {
			return result, fmt.Errorf("the plugin's metrics have no %s", name)
		}
		*dst = v
	}
	if int(result.Running) != streams {
		return result, fmt.Errorf("the plugin runs %.0f streams, not the %d opened: some were refused or failed", result.Running, streams)
	}
	return result, nil
}
