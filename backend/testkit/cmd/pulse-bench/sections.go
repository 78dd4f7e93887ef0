package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

// throughputSeries are the series counts issue #5 compares.
var throughputSeries = []int{1, 8}

// costBudget is how long each in-process row cost is timed.
const costBudget = 300 * time.Millisecond

// latencySteps are the steps of the latency section: 10 Hz and 100 Hz.
var latencySteps = []int64{100, 10}

func runThroughput(ctx context.Context, cfg config, bins *binaries, report *bench.Report, log io.Writer) error {
	kind, err := streaming.ParseKind(cfg.kind)
	if err != nil {
		return fmt.Errorf("-kind: %w", err)
	}
	host, err := bins.start(ctx, bins.Reference)
	if err != nil {
		return err
	}
	defer host.Close()
	report.ThroughputOptions = bench.ThroughputOptions{Warmup: cfg.warmup, Window: cfg.window, Rounds: cfg.rounds}
	for _, series := range throughputSeries {
		q := streaming.DefaultQuery()
		q.Kind, q.StepMs, q.SeriesCount = kind, streaming.MinStepMs, series
		rounds := map[bench.Design][]bench.Throughput{}
		for round := range cfg.rounds {
			for _, design := range bench.Designs {
				fmt.Fprintf(log, "throughput: %s, %d series, round %d of %d…\n", design.Title(), series, round+1, cfg.rounds)
				t, err := bench.MeasureThroughput(ctx, host, design, q, report.ThroughputOptions)
				if err != nil {
					return err
				}
				fmt.Fprintf(log, "  %s rows/s, %.0f bytes/row, %s of plugin CPU per row\n",
					bench.FormatCount(t.RowsPerSecond()), t.BytesPerRow(), bench.FormatMicros(t.CPUPerRow()))
				rounds[design] = append(rounds[design], t)
			}
		}
		for _, design := range bench.Designs {
			report.Throughput = append(report.Throughput, bench.MedianThroughput(rounds[design]))
		}
		report.Costs = append(report.Costs, bench.MeasureRowCosts(q, costBudget))
	}
	return nil
}

func runLatency(ctx context.Context, cfg config, bins *binaries, report *bench.Report, log io.Writer) error {
	host, err := bins.start(ctx, bins.Pulse)
	if err != nil {
		return err
	}
	defer host.Close()
	report.LatencyOptions = bench.LatencyOptions{Channels: cfg.latencyStreams, Warmup: cfg.warmup, Window: cfg.duration}
	for _, step := range latencySteps {
		q := streaming.DefaultQuery()
		q.Kind, q.StepMs = streaming.KindCounter, step
		fmt.Fprintf(log, "latency: %s, %d channels for %s…\n", q.Path(), cfg.latencyStreams, cfg.duration)
		l, err := bench.MeasureLatency(ctx, host, q, report.LatencyOptions)
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "  p50 %s, p99 %s\n", bench.FormatMs(l.All.P50), bench.FormatMs(l.All.P99))
		report.Latency = append(report.Latency, l)
	}
	return nil
}

func runScale(ctx context.Context, cfg config, bins *binaries, report *bench.Report, log io.Writer) error {
	binary, err := bins.Pulse(ctx)
	if err != nil {
		return err
	}
	report.ScaleOptions = bench.ScaleOptions{Settle: cfg.settle, Window: cfg.duration, Host: bins.hostOptions()}
	for _, n := range cfg.scale {
		fmt.Fprintf(log, "scale: %s channels…\n", bench.FormatCount(float64(n)))
		s, err := bench.MeasureScale(ctx, binary, n, report.ScaleOptions)
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "  %s per channel, %.3f of a core\n", bench.FormatKB(s.BytesPerChannel()), s.CPUShare())
		report.Scale = append(report.Scale, s)
	}
	return nil
}

func runStalled(ctx context.Context, cfg config, bins *binaries, report *bench.Report, log io.Writer) error {
	binary, err := bins.Pulse(ctx)
	if err != nil {
		return err
	}
	report.StalledOptions = bench.StalledOptions{Settle: cfg.settle, Host: bins.hostOptions()}
	type run struct {
		streams int
		behind  time.Duration
	}
	var runs []run
	for _, n := range cfg.stalled {
		runs = append(runs, run{n, cfg.stalledBehind})
	}
	if cfg.stalledAtOnce > 0 {
		runs = append(runs, run{cfg.stalledAtOnce, 0})
	}
	for _, r := range runs {
		opts := report.StalledOptions
		opts.Behind = r.behind
		start := "at once"
		if r.behind > 0 {
			start = bench.FormatSpan(r.behind) + " behind"
		}
		fmt.Fprintf(log, "stalled: %s streams of %s, started %s…\n", bench.FormatCount(float64(r.streams)), bench.StalledQuery(0).Path(), start)
		s, err := bench.MeasureStalled(ctx, binary, r.streams, opts)
		if err != nil {
			return err
		}
		settled := "settled"
		if !s.Settled {
			settled = "not settled"
		}
		fmt.Fprintf(log, "  %s per stream (%s after %s), %.3f of a core\n", bench.FormatKB(s.BytesPerStream()), settled, bench.FormatSeconds(s.SettledAfter), s.CPUShare())
		report.Stalled = append(report.Stalled, s)
	}
	return nil
}

func runWorstQuery(ctx context.Context, cfg config, bins *binaries, report *bench.Report, log io.Writer) error {
	binary, err := bins.Pulse(ctx)
	if err != nil {
		return err
	}
	report.WorstQueryOptions = bench.WorstQueryOptions{
		Queries: cfg.worstQueries, MaxRSS: cfg.worstMaxRSS, MaxTime: cfg.worstMaxTime, Host: bins.hostOptions(),
	}
	fmt.Fprintf(log, "worst QueryData request: %d × %s over one day, answered and cancelled…\n", cfg.worstQueries, bench.WorstQueryModel)
	w, err := bench.MeasureWorstQuery(ctx, binary, report.WorstQueryOptions)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "  peak growth %s, answer after %s; cancelled: busy %s after the cancel\n",
		bench.FormatMB(w.Answered.PeakGrowth()), bench.FormatSeconds(w.Answered.Elapsed), bench.FormatSeconds(w.Cancelled.BusyAfterCancel))
	report.WorstQuery = &w
	return nil
}
