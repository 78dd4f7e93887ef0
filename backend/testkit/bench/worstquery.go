package bench

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// WorstQueryOptions configure MeasureWorstQuery. The zero value of each
// field means its default.
type WorstQueryOptions struct {
	// Queries is how many worst-case queries the request holds. Zero means
	// 100.
	Queries int
	// Span is every query's time range, ending now. Zero means one day.
	Span time.Duration
	// CancelAfter is when the client of the second request gives up. Zero
	// means 1 s.
	CancelAfter time.Duration
	// MaxRSS stops a measurement, killing the plugin, once the plugin's
	// resident memory passes it. Zero means 4 GB.
	MaxRSS int64
	// MaxTime stops a measurement, killing the plugin, once it has run this
	// long. Zero means 60 s.
	MaxTime time.Duration
	// Quiet is how long the plugin must stay idle after the cancel for its
	// CPU to count as stopped. Zero means 2 s.
	Quiet time.Duration
	// Sample is how often memory and CPU are read. Zero means 100 ms.
	Sample time.Duration
	// Settle is how long the idle plugin runs before each request. Zero
	// means 1 s.
	Settle time.Duration
	// MaxResponseBytes is the largest answer the host accepts (gRPC's
	// default is 4 MiB). Zero means 256 MB.
	MaxResponseBytes int
	// Host is how the plugin is started (where its logs go);
	// MeasureWorstQuery sets the binary.
	Host pluginhost.Options
}

func (o WorstQueryOptions) withDefaults() WorstQueryOptions {
	if o.Queries <= 0 {
		o.Queries = 100
	}
	for _, d := range []struct {
		field *time.Duration
		def   time.Duration
	}{{&o.Span, 24 * time.Hour}, {&o.CancelAfter, time.Second}, {&o.MaxTime, time.Minute}, {&o.Quiet, 2 * time.Second}, {&o.Sample, 100 * time.Millisecond}, {&o.Settle, time.Second}} {
		if *d.field <= 0 {
			*d.field = d.def
		}
	}
	if o.MaxRSS <= 0 {
		o.MaxRSS = 4_000_000_000
	}
	if o.MaxResponseBytes <= 0 {
		o.MaxResponseBytes = 256_000_000
	}
	return o
}

// WorstQueryModel is the query the worst request repeats: the densest and
// widest a data source allows by default, 16 series at one point per
// millisecond.
const WorstQueryModel = `{"stepMs":1,"seriesCount":16}`

// WorstMaxDataPoints is the request's maxDataPoints: far beyond any panel,
// so that only the plugin's own bounds limit the answer.
const WorstMaxDataPoints = 1_000_000_000

// WorstQuery is what the worst QueryData request costs the plugin: once
// answered in full, and once given up by its client.
type WorstQuery struct {
	Queries int
	Span    time.Duration
	// Answered is the request that runs to its end.
	Answered WorstRun
	// Cancelled is the same request, its context cancelled after
	// CancelAfter.
	Cancelled   WorstRun
	CancelAfter time.Duration
	// Limits are the bounds the measurements ran under.
	MaxRSS           int64
	MaxTime          time.Duration
	MaxResponseBytes int
}

// WorstRun is one request on a fresh plugin process.
type WorstRun struct {
	// Baseline is the idle plugin's memory before the request; PeakHWM the
	// largest VmHWM read until the run ended.
	Baseline Memory
	PeakHWM  int64
	// Elapsed is from the request to its answer or error, or to the moment
	// the run was stopped when the call was still waiting then (Stopped).
	Elapsed time.Duration
	// Exceeded says why the run was stopped, the plugin killed, before it
	// ended on its own; empty when it was not.
	Exceeded string
	// Stopped says the call still waited for its answer when the run was
	// stopped.
	Stopped bool
	// Frames and Errors count the answer's query responses with frames and
	// with errors, and ResponseBytes is its size, when it came.
	Frames, Errors, ResponseBytes int
	// CallError is the call's error, when it failed as a call.
	CallError error

	// For a cancelled request: whether the answer came before the cancel,
	// how long after the cancel the plugin was last busy (BusyShare of a
	// core or more in a sampling interval), and the CPU time it used from
	// the cancel to the end of the run. CPUStopped is false when the run
	// ended (MaxTime, MaxRSS) with the plugin still busy.
	AnsweredBeforeCancel bool
	BusyAfterCancel      time.Duration
	CPUAfterCancel       time.Duration
	CPUStopped           bool
	// CPUBeforeCancel is the plugin's CPU time from the request to the
	// cancel: it was busy with the request.
	CPUBeforeCancel time.Duration
}

// PeakGrowth is how far the plugin's peak resident memory rose above its
// idle level.
func (r WorstRun) PeakGrowth() int64 { return r.PeakHWM - r.Baseline.RSS }

// WorstQueryRequest is the worst request: queries copies of WorstQueryModel
// over the span ending at now, each with maxDataPoints WorstMaxDataPoints.
func WorstQueryRequest(queries int, span time.Duration, now time.Time) *pluginv2.QueryDataRequest {
	to := time.UnixMilli(now.UnixMilli())
	qs := make([]pluginhost.Query, queries)
	for i := range qs {
		qs[i] = pluginhost.Query{
			RefID: "Q" + strconv.Itoa(i+1), JSON: WorstQueryModel,
			From: to.Add(-span), To: to, MaxDataPoints: WorstMaxDataPoints, Interval: time.Millisecond,
		}
	}
	return benchInstance.QueryDataRequest(qs...)
}

// MeasureWorstQuery sends the worst request to a fresh plugin process and
// measures its peak memory and the time to its answer; then sends it to
// another fresh process, cancels it after opts.CancelAfter, and measures how
// long the plugin goes on using CPU. Each run is stopped, and the plugin
// killed, when the plugin's memory passes opts.MaxRSS or the run lasts
// opts.MaxTime.
func MeasureWorstQuery(ctx context.Context, binary string, opts WorstQueryOptions) (WorstQuery, error) {
	opts = opts.withDefaults()
	result := WorstQuery{Queries: opts.Queries, Span: opts.Span, CancelAfter: opts.CancelAfter,
		MaxRSS: opts.MaxRSS, MaxTime: opts.MaxTime, MaxResponseBytes: opts.MaxResponseBytes}
	var err error
	if result.Answered, err = worstRun(ctx, binary, opts, false); err != nil {
		return result, fmt.Errorf("the answered request: %w", err)
	}
	if result.Cancelled, err = worstRun(ctx, binary, opts, true); err != nil {
		return result, fmt.Errorf("the cancelled request: %w", err)
	}
	return result, nil
}

// worstRun is one request on a fresh plugin process, cancelled after
// opts.CancelAfter when cancel is set.
func worstRun(ctx context.Context, binary string, opts WorstQueryOptions, cancel bool) (WorstRun, error) {
	start := opts.Host
	start.Binary = binary
	host, err := pluginhost.Start(ctx, start)
	if err != nil {
		return WorstRun{}, err
	}
	defer host.Close()
	var run WorstRun
	if _, err := host.Diagnostics.CheckHealth(ctx, benchInstance.CheckHealthRequest()); err != nil {
		return run, fmt.Errorf("CheckHealth: %w", err)
	}
	if err := sleep(ctx, opts.Settle); err != nil {
		return run, err
	}
	pid := host.Pid()
	if run.Baseline, err = ProcessMemory(pid); err != nil {
		return run, err
	}
	run.PeakHWM = run.Baseline.HWM

	type answer struct {
		resp *pluginv2.QueryDataResponse
		err  error
		at   time.Time
	}
	callCtx, cancelCall := context.WithCancel(ctx)
	defer cancelCall()
	done := make(chan answer, 1)
	req := WorstQueryRequest(opts.Queries, opts.Span, time.Now())
	cpuStart, err := ProcessCPU(pid)
	if err != nil {
		return run, err
	}
	sent := time.Now()
	go func() {
		resp, err := host.Data.QueryData(callCtx, req, grpc.MaxCallRecvMsgSize(opts.MaxResponseBytes))
		done <- answer{resp, err, time.Now()}
	}()

	samples := []CPUSample{{sent, cpuStart}}
	var cancelledAt time.Time
	var got *answer
	ticker := time.NewTicker(opts.Sample)
	defer ticker.Stop()
	for {
		select {
		case a := <-done:
			got = &a
			run.Elapsed = a.at.Sub(sent)
			if cancel && cancelledAt.IsZero() {
				run.AnsweredBeforeCancel = true
			}
		case <-ticker.C:
		case <-ctx.Done():
			return run, ctx.Err()
		}
		now := time.Now()
		mem, memErr := ProcessMemory(pid)
		cpu, cpuErr := ProcessCPU(pid)
		if err := errors.Join(memErr, cpuErr); err != nil {
			return run, fmt.Errorf("reading the plugin's /proc: %w", err)
		}
		run.PeakHWM = max(run.PeakHWM, mem.HWM)
		samples = append(samples, CPUSample{now, cpu})
		switch {
		case mem.RSS > opts.MaxRSS:
			run.Exceeded = fmt.Sprintf("its resident memory passed %s", FormatMB(opts.MaxRSS))
		case now.Sub(sent) >= opts.MaxTime:
			run.Exceeded = fmt.Sprintf("%s passed", FormatSpan(opts.MaxTime))
		}
		if run.Exceeded != "" {
			if got == nil {
				run.Elapsed, run.Stopped = now.Sub(sent), true
			}
			host.Close() // kills the plugin and frees its memory at once
			break
		}
		if cancel && cancelledAt.IsZero() && now.Sub(sent) >= opts.CancelAfter {
			cancelCall()
			cancelledAt = now
			run.CPUBeforeCancel = cpu - cpuStart
		}
		if !cancel && got != nil {
			break
		}
		if cancel && !cancelledAt.IsZero() {
			last, busy := LastBusy(samples, cancelledAt, BusyShare)
			if !busy {
				last = cancelledAt
			}
			if now.Sub(last) >= opts.Quiet {
				break
			}
		}
	}
	if cancel && !cancelledAt.IsZero() {
		if last, busy := LastBusy(samples, cancelledAt, BusyShare); busy {
			run.BusyAfterCancel = last.Sub(cancelledAt)
		}
		run.CPUAfterCancel = samples[len(samples)-1].CPU - CPUAt(samples, cancelledAt)
		run.CPUStopped = run.Exceeded == ""
	}
	if got == nil {
		// Cancelled or stopped: the call ends with its context.
		cancelCall()
		a := <-done
		got = &a
	}
	if got.err != nil {
		run.CallError = got.err
	} else {
		run.ResponseBytes = proto.Size(got.resp)
		for _, r := range got.resp.GetResponses() {
			if r.GetError() != "" {
				run.Errors++
			} else {
				run.Frames++
			}
		}
	}
	return run, nil
}

// tooLarge reads the sizes out of gRPC's refusal of an answer larger than
// the host accepts.
var tooLarge = regexp.MustCompile(`larger than max \((\d+) vs\. (\d+)\)`)

// RefusedSize is the size of an answer the host refused as too large, and
// whether err says so.
func RefusedSize(err error) (int64, bool) {
	if err == nil {
		return 0, false
	}
	m := tooLarge.FindStringSubmatch(status.Convert(err).Message())
	if m == nil {
		return 0, false
	}
	n, perr := strconv.ParseInt(m[1], 10, 64)
	return n, perr == nil
}

// FormatMB writes bytes in MB of 1 000 000 bytes, with one decimal below
// ten and none above.
func FormatMB(bytes int64) string {
	mb := float64(bytes) / 1e6
	if mb < 10 && mb > -10 {
		return fmt.Sprintf("%.1f MB", mb)
	}
	return FormatCount(mb) + " MB"
}
