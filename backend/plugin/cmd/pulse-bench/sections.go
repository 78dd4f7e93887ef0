package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pulse-datasource/pulse/backend/plugin/bench"
	"github.com/pulse-datasource/pulse/backend/streaming"
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
