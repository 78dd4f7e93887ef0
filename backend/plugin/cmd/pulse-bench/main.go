// Command pulse-bench measures Pulse's streaming backend through the same
// go-plugin/gRPC host the backend specs use, prints the results as Markdown
// tables and, with -out, writes them to a file with the machine, the
// command and the date: throughput and bytes per row against the tutorial
// loop and the SDK limit, latency at 10 and 100 Hz, and memory and CPU at
// many concurrent channels (see package bench). Linux only.
//
// From backend/plugin, the full run that writes docs/benchmarks.md (about
// two minutes):
//
//	go run ./cmd/pulse-bench -out ../../docs/benchmarks.md
//
// A quick look while developing:
//
//	go run ./cmd/pulse-bench -window 1s -duration 2s -scale 100
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

	"github.com/pulse-datasource/pulse/backend/plugin/bench"
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
	out            string
	binary         string
	verbose        bool
}

// allSections are the sections in the order they run.
var allSections = []string{"throughput", "latency", "scale"}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulse-bench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	report, err := run(ctx, cfg, os.Stderr)
	if err == nil {
		report.Command, report.Dir = bench.CommandLine("go run ./cmd/pulse-bench", os.Args[1:]), "backend/plugin"
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
	sections := fs.String("sections", strings.Join(allSections, ","), "the sections to run, comma separated: "+strings.Join(allSections, ", "))
	fs.DurationVar(&cfg.window, "window", 2*time.Second, "how long each throughput measurement counts rows")
	fs.IntVar(&cfg.rounds, "rounds", 3, "how many times each throughput measurement runs, the designs taking turns; the median round counts")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long each latency and scale measurement runs")
	fs.DurationVar(&cfg.warmup, "warmup", 500*time.Millisecond, "how long a stream runs before throughput or latency is measured")
	fs.DurationVar(&cfg.settle, "settle", 2*time.Second, "how long the plugin settles before each scale measurement")
	scale := fs.String("scale", "100,1000,10000", "the numbers of concurrent 1 Hz channels, comma separated")
	fs.StringVar(&cfg.kind, "kind", "randomWalk", "the signal kind the throughput section streams (the query model's default is randomWalk)")
	fs.IntVar(&cfg.latencyStreams, "latency-channels", 10, "how many channels per rate the latency section runs at once")
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
	for _, s := range strings.Split(*scale, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return cfg, fmt.Errorf("-scale: %q is not a positive number of channels", s)
		}
		cfg.scale = append(cfg.scale, n)
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
