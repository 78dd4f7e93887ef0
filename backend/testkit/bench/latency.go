package bench

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// LatencyOptions configure MeasureLatency.
type LatencyOptions struct {
	// Channels is how many distinct channels of the query run at once, to
	// gather more samples in the same time. Zero means one.
	Channels int
	// Warmup is how long the streams run before samples are kept.
	Warmup time.Duration
	// Window is how long samples are kept.
	Window time.Duration
}

// Latency is how late the rows of one query reached the host: for each row,
// its arrival (the moment the host's Recv returned the packet) less its
// timestamp.
type Latency struct {
	Query    signals.Query
	Channels int
	// All summarises every row that arrived within the window.
	All Distribution
	// FirstQuarter and LastQuarter summarise the rows that arrived in the
	// window's first and last quarter: a difference between them is a
	// latency that drifts over time.
	FirstQuarter, LastQuarter Distribution
}

// latencySample is one row's latency and when it arrived, from the start
// of the window.
type latencySample struct {
	arrival, latency time.Duration
}

// MeasureLatency runs opts.Channels channels of q (q with seeds 1, 2, …, so
// that the channels differ while the signal does not change shape) in the
// plugin behind host on the wall clock, and measures each row's latency.
func MeasureLatency(ctx context.Context, host *pluginhost.Host, q signals.Query, opts LatencyOptions) (Latency, error) {
	channels := max(opts.Channels, 1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now().Add(opts.Warmup)
	end := start.Add(opts.Window)
	// A stream that sends nothing past the window's end has stalled: stop
	// waiting for it a few periods later.
	grace := 5*time.Second + 2*max(q.Step(), q.FlushWindow())
	stalled := time.AfterFunc(time.Until(end)+grace, cancel)
	defer stalled.Stop()

	var mu sync.Mutex
	var samples []latencySample
	errs := make([]error, channels)
	var wg sync.WaitGroup
	for i := range channels {
		channel := q
		channel.Seed = int64(i + 1)
		call, err := host.Stream.RunStream(ctx, benchInstance.RunStreamRequest(channel.Path()))
		if err != nil {
			return Latency{}, fmt.Errorf("RunStream %s: %w", channel.Path(), err)
		}
		wg.Go(func() {
			var decoder pluginhost.FrameDecoder
			for {
				packet, err := call.Recv()
				arrival := time.Now()
				if err != nil {
					errs[i] = fmt.Errorf("%s: %w", channel.Path(), err)
					return
				}
				if arrival.After(end) {
					return
				}
				p, err := decoder.Decode(packet.GetData())
				if err == nil {
					var rows []pluginhost.Row
					if rows, err = pluginhost.Rows(p.Frame); err == nil && !arrival.Before(start) {
						mu.Lock()
						for _, r := range rows {
							samples = append(samples, latencySample{arrival.Sub(start), arrival.Sub(r.Time)})
						}
						mu.Unlock()
					}
				}
				if err != nil {
					errs[i] = fmt.Errorf("%s: %w", channel.Path(), err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return Latency{}, err
	}
	return summarizeLatency(q, channels, opts.Window, samples), nil
}

// summarizeLatency summarises the samples of a window of the given length.
func summarizeLatency(q signals.Query, channels int, window time.Duration, samples []latencySample) Latency {
	all := make([]time.Duration, 0, len(samples))
	var first, last []time.Duration
	for _, s := range samples {
		all = append(all, s.latency)
		switch {
		case s.arrival < window/4:
			first = append(first, s.latency)
		case s.arrival >= window-window/4:
			last = append(last, s.latency)
		}
	}
	return Latency{
		Query:        q,
		Channels:     channels,
		All:          Summarize(all),
		FirstQuarter: Summarize(first),
		LastQuarter:  Summarize(last),
	}
}
