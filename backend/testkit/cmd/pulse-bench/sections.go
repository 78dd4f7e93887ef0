package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/testkit/bench"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// throughputSeries are the series counts issue #5 compares.
var throughputSeries = []int{1, 8}

// costBudget is how long each in-process row cost is timed.
const costBudget = 300 * time.Millisecond

// latencySteps are the steps of the latency section: 10 Hz and 100 Hz.
var latencySteps = []int64{100, 10}

func runThroughput(ctx context.Context, cfg config, bins *binaries, report *bench.Report, log io.Writer) error {
	kind, err := signals.ParseKind(cfg.kind)
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
		q := signals.DefaultQuery()
		q.Kind, q.StepMs, q.SeriesCount = kind, signals.MinStepMs, series
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
		q := signals.DefaultQuery()
		q.Kind, q.StepMs = signals.KindCounter, step
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

// mqttCadencePeriods are the row periods of the in-process feed stream
// timings: the flush window itself (10 msg/s) and a little longer.
var mqttCadencePeriods = []time.Duration{100 * time.Millisecond, 111 * time.Millisecond}

// mqttCadenceRows is how many rows each in-process timing hands over.
const mqttCadenceRows = 50

// mqttLatencyRuns are the latency runs of the MQTT section, and of the
// feed sections on their series: topics at once and messages a second on
// each, the quiet rate on as many topics as the latency section has
// channels, the busy one on one topic.
func mqttLatencyRuns(cfg config) []struct {
	topics int
	rate   float64
} {
	return []struct {
		topics int
		rate   float64
	}{{cfg.latencyStreams, bench.TargetMQTTQuietRate}, {1, bench.TargetMQTTBusyRate}}
}

func runMQTT(ctx context.Context, cfg config, bins *binaries, report *bench.Report, log io.Writer) error {
	pulse, err := bins.Pulse(ctx)
	if err != nil {
		return err
	}
	reference, err := bins.Reference(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(log, "mqtt: starting mosquitto…")
	rig, err := bench.StartMQTTRig()
	if err != nil {
		return err
	}
	defer rig.Close()
	opts := bench.MQTTOptions{
		Messages: cfg.mqttMessages, Rounds: cfg.rounds, LatencyTopics: cfg.latencyStreams, Warmup: cfg.warmup, Window: cfg.duration,
		StalledMessages: cfg.mqttStalled, Topics: cfg.mqttTopics, Settle: cfg.settle, Host: bins.hostOptions(),
	}
	result := bench.MQTT{Options: opts}
	binaryOf := map[bench.MQTTSide]string{bench.MQTTPulse: pulse, bench.MQTTReferenceSide: reference}

	// Saturation and latency: one process per side, both subscribed to the
	// one broker, taking turns.
	endpoints, closeHosts, err := startSides(ctx, bins, bench.MQTTSides, binaryOf, rig.Endpoint)
	if err != nil {
		return err
	}
	defer closeHosts()
	// The floor runs in the reference plugin's process, on its connection.
	endpoints[bench.MQTTFloor] = rig.Endpoint(bench.MQTTFloor, endpoints[bench.MQTTReferenceSide].Host)
	if err := rig.CheckPulsePath(ctx, endpoints[bench.MQTTPulse]); err != nil {
		return err
	}
	result.Saturation, err = runSaturationRounds(log, "mqtt", cfg.rounds, cfg.mqttMessages, bench.MQTTSaturationSides, func(side bench.MQTTSide) (bench.MQTTSaturation, error) {
		return rig.Saturation(ctx, endpoints[side], cfg.mqttMessages, opts)
	})
	if err != nil {
		return err
	}
	result.Latency, err = runLatencyRuns(log, "mqtt", "topic(s)", cfg, cfg.duration, bench.MQTTSides, func(side bench.MQTTSide, topics int, rate float64) (bench.MQTTLatency, error) {
		return rig.Latency(ctx, endpoints[side], topics, rate, opts)
	})
	if err != nil {
		return err
	}
	for _, side := range bench.MQTTSides {
		endpoints[side].Host.Close()
	}
	for _, period := range mqttCadencePeriods {
		fmt.Fprintf(log, "mqtt: a feed stream alone, in process, a row every %s…\n", bench.FormatSpan(period))
		c, err := bench.MeasureFeedCadence(ctx, period, bench.MQTTFlushMs, mqttCadenceRows)
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "  p50 %s, p99 %s\n", bench.FormatMs(c.All.P50), bench.FormatMs(c.All.P99))
		result.Cadence = append(result.Cadence, c)
	}

	// The stalled receiver and many topics: a fresh process each.
	for _, side := range bench.MQTTSides {
		fmt.Fprintf(log, "mqtt: stalled receiver, %s, %s messages…\n", side.Title(), bench.FormatCount(float64(cfg.mqttStalled)))
		s, err := rig.Stalled(ctx, side, binaryOf[side], cfg.mqttStalled, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "  resident memory grew by %s at most\n", bench.FormatMiB(s.Growth()))
		result.Stalled = append(result.Stalled, s)
	}
	topicRuns := []struct {
		side     bench.MQTTSide
		wildcard bool
	}{{bench.MQTTPulse, false}, {bench.MQTTPulse, true}, {bench.MQTTReferenceSide, false}, {bench.MQTTFloor, true}}
	for _, run := range topicRuns {
		how := "one channel each"
		if run.wildcard {
			how = "one wildcard channel"
		}
		binary := binaryOf[run.side]
		if run.side == bench.MQTTFloor {
			binary = reference
		}
		fmt.Fprintf(log, "mqtt: %s topics at 1 msg/s, %s, %s…\n", bench.FormatCount(float64(cfg.mqttTopics)), how, run.side.Title())
		t, err := rig.Topics(ctx, run.side, binary, cfg.mqttTopics, run.wildcard, opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(log, "  %.3f of a core; %s rows of %s published in the window\n", t.CPUShare(), bench.FormatCount(float64(t.Rows)), bench.FormatCount(float64(t.Published)))
		result.Topics = append(result.Topics, t)
	}
	report.MQTT = &result
	return nil
}

// feedServerNames say what each feed section starts.
var feedServerNames = map[bench.FeedSource]string{
	bench.FeedNATS: "nats-server", bench.FeedSSE: "a feedhub (SSE)", bench.FeedNDJSON: "a feedhub (NDJSON)", bench.FeedWebSocket: "a feedhub (WebSocket)",
}

// runFeed runs the section of source (NATS, SSE, NDJSON or WebSocket):
// Pulse against the feed reference on one server, a process each,
// saturation rounds taking turns, then latency at the quiet and the busy
// rate.
func runFeed(ctx context.Context, cfg config, bins *binaries, report *bench.Report, log io.Writer, source bench.FeedSource) error {
	pulse, err := bins.Pulse(ctx)
	if err != nil {
		return err
	}
	reference, err := bins.Reference(ctx)
	if err != nil {
		return err
	}
	opts := bench.FeedOptions{Messages: cfg.feedMessages, Rounds: cfg.rounds, LatencyTopics: cfg.latencyStreams, Warmup: cfg.warmup, Window: cfg.feedDuration}
	fmt.Fprintf(log, "%s: starting %s…\n", source, feedServerNames[source])
	rig, err := bench.StartFeedRig(source, opts)
	if err != nil {
		return err
	}
	defer rig.Close()
	result := bench.FeedRun{Source: source, Options: opts}
	binaryOf := map[bench.FeedSide]string{bench.FeedPulse: pulse, bench.FeedReferenceSide: reference}
	endpoints, closeHosts, err := startSides(ctx, bins, bench.FeedSides, binaryOf, rig.Endpoint)
	if err != nil {
		return err
	}
	defer closeHosts()
	if err := rig.CheckPulsePath(ctx, endpoints[bench.FeedPulse]); err != nil {
		return err
	}
	name := string(source)
	result.Saturation, err = runSaturationRounds(log, name, cfg.rounds, cfg.feedMessages, bench.FeedSides, func(side bench.FeedSide) (bench.FeedSaturation, error) {
		return rig.Saturation(ctx, endpoints[side], cfg.feedMessages, opts)
	})
	if err != nil {
		return err
	}
	result.Latency, err = runLatencyRuns(log, name, "series", cfg, cfg.feedDuration, bench.FeedSides, func(side bench.FeedSide, series int, rate float64) (bench.FeedLatency, error) {
		return rig.Latency(ctx, endpoints[side], series, rate, opts)
	})
	if err != nil {
		return err
	}
	report.Feeds = append(report.Feeds, result)
	return nil
}

// startSides starts a plugin process for each of sides, of binaryOf's
// binary, and returns each side's endpoint in it (endpoint makes it on
// the section's rig) and a function that closes every process.
func startSides(ctx context.Context, bins *binaries, sides []bench.FeedSide, binaryOf map[bench.FeedSide]string,
	endpoint func(bench.FeedSide, *pluginhost.Host) bench.FeedEndpoint,
) (map[bench.FeedSide]bench.FeedEndpoint, func(), error) {
	endpoints := map[bench.FeedSide]bench.FeedEndpoint{}
	var hosts []*pluginhost.Host
	closeHosts := func() {
		for _, h := range hosts {
			h.Close()
		}
	}
	for _, side := range sides {
		host, err := bins.start(ctx, func(context.Context) (string, error) { return binaryOf[side], nil })
		if err != nil {
			closeHosts()
			return nil, nil, err
		}
		hosts = append(hosts, host)
		endpoints[side] = endpoint(side, host)
	}
	return endpoints, closeHosts, nil
}

// runSaturationRounds runs rounds saturation rounds of messages on each of
// sides, the sides taking turns, and logs each under the section's name.
func runSaturationRounds(log io.Writer, name string, rounds, messages int, sides []bench.FeedSide,
	measure func(bench.FeedSide) (bench.FeedSaturation, error),
) ([]bench.FeedSaturation, error) {
	var out []bench.FeedSaturation
	for round := range rounds {
		for _, side := range sides {
			fmt.Fprintf(log, "%s: saturation, %s, %s messages, round %d of %d…\n", name, side.Title(), bench.FormatCount(float64(messages)), round+1, rounds)
			s, err := measure(side)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(log, "  %s rows delivered at %s rows/s; %s of plugin CPU per row\n",
				bench.FormatCount(float64(s.Delivered)), bench.FormatCount(s.DeliveryRate()), bench.FormatMicros(s.CPUPerRow()))
			out = append(out, s)
		}
	}
	return out, nil
}

// runLatencyRuns runs the latency runs of mqttLatencyRuns for window on each
// of sides in turn, and logs each under the section's name, saying its
// series so (seriesWord).
func runLatencyRuns(log io.Writer, name, seriesWord string, cfg config, window time.Duration, sides []bench.FeedSide,
	measure func(side bench.FeedSide, series int, rate float64) (bench.FeedLatency, error),
) ([]bench.FeedLatency, error) {
	var out []bench.FeedLatency
	for _, run := range mqttLatencyRuns(cfg) {
		for _, side := range sides {
			fmt.Fprintf(log, "%s: latency, %s, %d %s at %s msg/s each for %s…\n", name, side.Title(), run.topics, seriesWord, bench.FormatCount(run.rate), bench.FormatSpan(window))
			l, err := measure(side, run.topics, run.rate)
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(log, "  %s rows of %s published: p50 %s, p99 %s\n", bench.FormatCount(float64(l.All.Count)), bench.FormatCount(float64(l.Published)),
				bench.FormatMs(l.All.P50), bench.FormatMs(l.All.P99))
			out = append(out, l)
		}
	}
	return out, nil
}
