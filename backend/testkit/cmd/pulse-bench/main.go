// Command pulse-bench measures Pulse's streaming backend through the same
// go-plugin/gRPC host the backend specs use, prints the results as Markdown
// tables and, with -out, writes them to a file with the machine, the
// command and the date: throughput and bytes per row against the tutorial
// loop and the SDK limit, latency at 10 and 100 Hz, memory and CPU at many
// concurrent channels, the memory of streams whose receiver stalled, what
// the worst QueryData request costs, and MQTT streaming against a
// reference that works like grafana/mqtt-datasource, on a mosquitto of its
// own, and NATS, HTTP Server-Sent Events, HTTP NDJSON and WebSocket
// streaming against a reference that sends a frame with its schema per
// message, on a nats-server and a feedhub of their own (see package
// bench). Linux only; the MQTT section needs Debian's mosquitto, the NATS
// section Debian's nats-server.
//
// From backend/testkit, the full run that writes docs/benchmarks.md (about
// eleven minutes):
//
//	go run ./cmd/pulse-bench -out ../../docs/benchmarks.md
//
// A quick look while developing:
//
//	go run ./cmd/pulse-bench -window 1s -duration 2s -scale 100
//
// Only some sections (-sections, or $PULSE_BENCH_SECTIONS when the flag is
// not given, which `go tool mage bench` passes on):
//
//	go run ./cmd/pulse-bench -sections stalled,worstquery
//
// The MQTT section alone, quickly (fewer messages, shorter windows):
//
//	go run ./cmd/pulse-bench -sections mqtt -rounds 1 -duration 3s -mqtt-messages 50000 -mqtt-stalled 100000
//
// The NATS, SSE, NDJSON and WebSocket sections, quickly:
//
//	go run ./cmd/pulse-bench -sections nats,sse,ndjson,websocket -rounds 1 -feed-duration 2s -feed-messages 20000
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

// config is what the flags say.
type config struct {
	sections       []string
	window         time.Duration
	rounds         int
	duration       time.Duration
	warmup         time.Duration
	settle         time.Duration
	scale          []int
	kind           string
	latencyStreams int
	stalled        []int
	stalledBehind  time.Duration
	stalledAtOnce  int
	worstQueries   int
	worstMaxRSS    int64
	worstMaxTime   time.Duration
	mqttMessages   int
	mqttStalled    int
	mqttTopics     int
	feedMessages   int
	feedDuration   time.Duration
	out            string
	binary         string
	verbose        bool
}

// allSections are the sections in the order they run.
var allSections = []string{"throughput", "latency", "scale", "stalled", "worstquery", "mqtt", "nats", "sse", "ndjson", "websocket"}

// sectionsEnv chooses the sections when -sections is not given.
const sectionsEnv = "PULSE_BENCH_SECTIONS"

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulse-bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	report, err := run(ctx, cfg, os.Stderr)
	if len(cfg.sections) < len(allSections) {
		report.Sections = cfg.sections
	}
	if err == nil {
		report.Command, report.Dir = bench.CommandLine("go run ./cmd/pulse-bench", os.Args[1:]), "backend/testkit"
		// `go tool mage bench` runs this command; the report names the
		// target a person would type.
		if target := os.Getenv("PULSE_BENCH_COMMAND"); target != "" {
			report.Command, report.Dir = target, ""
		}
		err = publish(report.Markdown(), cfg.out, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulse-bench:", err)
		stop()
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("pulse-bench", flag.ContinueOnError)
	defaultSections := strings.Join(allSections, ",")
	if env := strings.TrimSpace(os.Getenv(sectionsEnv)); env != "" {
		defaultSections = env
	}
	sections := fs.String("sections", defaultSections, "the sections to run, comma separated: "+strings.Join(allSections, ", ")+" (default $"+sectionsEnv+", else all)")
	fs.DurationVar(&cfg.window, "window", 2*time.Second, "how long each throughput measurement counts rows")
	fs.IntVar(&cfg.rounds, "rounds", 3, "how many times each throughput measurement runs, the designs taking turns; the median round counts")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long each latency and scale measurement runs")
	fs.DurationVar(&cfg.warmup, "warmup", 500*time.Millisecond, "how long a stream runs before throughput or latency is measured")
	fs.DurationVar(&cfg.settle, "settle", 2*time.Second, "how long the plugin settles before each scale measurement")
	scale := fs.String("scale", "100,1000,10000", "the numbers of concurrent 1 Hz channels, comma separated")
	fs.StringVar(&cfg.kind, "kind", "randomWalk", "the signal kind the throughput section streams (the query model's default is randomWalk)")
	fs.IntVar(&cfg.latencyStreams, "latency-channels", 10, "how many channels per rate the latency section runs at once")
	stalled := fs.String("stalled", "100,500", "the numbers of stalled streams started behind (the worst case), comma separated")
	fs.DurationVar(&cfg.stalledBehind, "stalled-behind", 2*time.Second, "how long after their viewers' admission the stalled streams start, with a backlog to catch up on")
	fs.IntVar(&cfg.stalledAtOnce, "stalled-at-once", bench.TargetStalledStreams, "the number of stalled streams started right after their admission, for comparison (0: none)")
	fs.IntVar(&cfg.worstQueries, "worst-queries", bench.TargetWorstQueries, "how many worst-case queries the worst QueryData request holds")
	worstMaxRSS := fs.Int64("worst-max-rss-mb", 4000, "stop a worst-request run, killing the plugin, once its resident memory passes this many MB")
	fs.DurationVar(&cfg.worstMaxTime, "worst-max-time", time.Minute, "stop a worst-request run, killing the plugin, once it has run this long")
	fs.IntVar(&cfg.mqttMessages, "mqtt-messages", 200_000, "how many messages each MQTT saturation round publishes")
	fs.IntVar(&cfg.mqttStalled, "mqtt-stalled", bench.TargetMQTTStalledMessages, "how many messages are published to an MQTT stream whose receiver stalled")
	fs.IntVar(&cfg.mqttTopics, "mqtt-topics", bench.TargetMQTTTopics, "how many MQTT topics at 1 msg/s one connection follows")
	fs.IntVar(&cfg.feedMessages, "feed-messages", bench.DefaultFeedMessages, "how many messages each saturation round of the NATS, SSE, NDJSON and WebSocket sections publishes")
	fs.DurationVar(&cfg.feedDuration, "feed-duration", bench.DefaultFeedWindow, "how long each latency measurement of the NATS, SSE, NDJSON and WebSocket sections runs")
	fs.StringVar(&cfg.out, "out", "", "also write the report to this Markdown file (docs/benchmarks.md)")
	fs.StringVar(&cfg.binary, "binary", "", "the Pulse plugin binary for latency and scale (default: $PULSE_PLUGIN_BINARY, else build it)")
	fs.BoolVar(&cfg.verbose, "v", false, "print the plugins' warnings and errors")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for _, s := range strings.Split(*sections, ",") {
		s = strings.TrimSpace(s)
		if !slices.Contains(allSections, s) {
			return cfg, fmt.Errorf("-sections: unknown section %q (use %s)", s, strings.Join(allSections, ", "))
		}
		cfg.sections = append(cfg.sections, s)
	}
	var err error
	if cfg.scale, err = counts("-scale", *scale, "channels"); err != nil {
		return cfg, err
	}
	if cfg.stalled, err = counts("-stalled", *stalled, "streams"); err != nil {
		return cfg, err
	}
	if cfg.stalledBehind <= 0 || cfg.stalledAtOnce < 0 {
		return cfg, errors.New("-stalled-behind must be positive, -stalled-at-once not negative")
	}
	if cfg.worstQueries < 1 || *worstMaxRSS < 1 || cfg.worstMaxTime <= 0 {
		return cfg, errors.New("-worst-queries, -worst-max-rss-mb and -worst-max-time must be positive")
	}
	cfg.worstMaxRSS = *worstMaxRSS * 1_000_000
	if cfg.mqttMessages < 1 || cfg.mqttStalled < 1 || cfg.mqttTopics < 1 {
		return cfg, errors.New("-mqtt-messages, -mqtt-stalled and -mqtt-topics must be positive")
	}
	if cfg.feedMessages < 1 || cfg.feedDuration <= 0 {
		return cfg, errors.New("-feed-messages and -feed-duration must be positive")
	}
	if cfg.window <= 0 || cfg.duration <= 0 || cfg.warmup < 0 || cfg.settle < 0 {
		return cfg, errors.New("-window and -duration must be positive, -warmup and -settle not negative")
	}
	if cfg.rounds < 1 {
		return cfg, errors.New("-rounds must be at least 1")
	}
	if cfg.latencyStreams < 1 {
		return cfg, errors.New("-latency-channels must be at least 1")
	}
	return cfg, nil
}

// counts reads a comma-separated list of positive numbers of what.
func counts(flagName, list, what string) ([]int, error) {
	var ns []int
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive number of %s", flagName, s, what)
		}
		ns = append(ns, n)
	}
	return ns, nil
}

// run runs the sections cfg asks for, telling progress to log.
func run(ctx context.Context, cfg config, log io.Writer) (bench.Report, error) {
	report := bench.Report{Machine: bench.ReadMachine(), Date: time.Now()}
	if runtime.GOOS != "linux" {
		return report, bench.ErrNotLinux
	}
	binaries := newBinaries(cfg, log)
	defer binaries.cleanup()
	for _, section := range cfg.sections {
		var err error
		switch section {
		case "throughput":
			err = runThroughput(ctx, cfg, binaries, &report, log)
		case "latency":
			err = runLatency(ctx, cfg, binaries, &report, log)
		case "scale":
			err = runScale(ctx, cfg, binaries, &report, log)
		case "stalled":
			err = runStalled(ctx, cfg, binaries, &report, log)
		case "worstquery":
			err = runWorstQuery(ctx, cfg, binaries, &report, log)
		case "mqtt":
			err = runMQTT(ctx, cfg, binaries, &report, log)
		default:
			err = runFeed(ctx, cfg, binaries, &report, log, bench.FeedSource(section))
		}
		if err != nil {
			return report, fmt.Errorf("%s: %w", section, err)
		}
	}
	return report, nil
}

// publish prints the report to stdout and writes it to path when set.
func publish(markdown, path string, stdout io.Writer) error {
	if _, err := io.WriteString(stdout, markdown); err != nil {
		return err
	}
	if path == "" {
		return nil
	}
	if err := os.WriteFile(path, []byte(markdown), 0o644); err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	return nil
}
