// Command pulse-tail shows Pulse's live stream in a terminal, without
// Grafana or Docker. It builds the plugin (or runs -binary), starts it the
// way Grafana does, checks its health, runs a query with streaming over the
// last minute, then subscribes to the query's channel and prints each point
// as it arrives, until -duration elapses or Ctrl-C.
//
// From backend/plugin:
//
//	go run ./cmd/pulse-tail -query '{"kind":"sine","stepMs":200}' -duration 10s
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"

	"github.com/pulse-datasource/pulse/backend/plugin/pluginhost"
)

// config is what the flags say.
type config struct {
	query    string
	duration time.Duration
	binary   string
	settings string
	uid      string
	backfill time.Duration
	rows     int
	verbose  bool
}

func main() {
	var cfg config
	flag.StringVar(&cfg.query, "query", `{"kind":"sine","stepMs":200}`, "the query's JSON model (withStreaming is set for you)")
	flag.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long to follow the stream")
	flag.StringVar(&cfg.binary, "binary", "", "the plugin binary to run (default: $"+pluginhost.BinaryEnv+", else build it)")
	flag.StringVar(&cfg.settings, "settings", `{}`, "the data source's jsonData")
	flag.StringVar(&cfg.uid, "uid", "pulse", "the data source's uid")
	flag.DurationVar(&cfg.backfill, "backfill", time.Minute, "the time range of the backfill query, up to now")
	flag.IntVar(&cfg.rows, "rows", 5, "how many of the backfill's last rows to print")
	flag.BoolVar(&cfg.verbose, "v", false, "print the plugin's debug logs")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pulse-tail:", err)
		stop()
		os.Exit(1)
	}
}

// run does it all; out receives what a person reads.
func run(ctx context.Context, cfg config, out io.Writer) error {
	model, err := streamingModel(cfg.query)
	if err != nil {
		return err
	}
	binary, cleanup, err := locate(ctx, cfg.binary, out)
	if err != nil {
		return err
	}
	defer cleanup()

	level := hclog.Warn
	if cfg.verbose {
		level = hclog.Debug
	}
	host, err := pluginhost.Start(ctx, pluginhost.Options{Binary: binary, LogOutput: os.Stderr, LogLevel: level})
	if err != nil {
		return err
	}
	defer host.Close()
	fmt.Fprintf(out, "plugin %s started (pid %d)\n", binary, host.Pid())

	ds := pluginhost.Instance{UID: cfg.uid, Name: "Pulse", JSONData: []byte(cfg.settings), Updated: time.Now()}
	health, err := host.Diagnostics.CheckHealth(ctx, ds.CheckHealthRequest())
	if err != nil {
		return fmt.Errorf("CheckHealth: %w", err)
	}
	fmt.Fprintf(out, "health: %s: %s\n", health.GetStatus(), health.GetMessage())
	if health.GetStatus() != pluginv2.CheckHealthResponse_OK {
		return errors.New("the data source is not healthy")
	}

	path, err := backfill(ctx, host, ds, model, cfg, out)
	if err != nil {
		return err
	}
	return follow(ctx, host, ds, path, cfg.duration, out)
}

// streamingModel is the query's model with withStreaming set.
func streamingModel(query string) (string, error) {
	var model map[string]any
	if err := json.Unmarshal([]byte(query), &model); err != nil || model == nil {
		return "", fmt.Errorf("-query must be a JSON object: %q", query)
	}
	model["withStreaming"] = true
	b, err := json.Marshal(model)
	return string(b), err
}

// locate picks the binary: -binary, else what pluginhost.Locate gives
// (PULSE_PLUGIN_BINARY or a fresh build into a temporary directory, removed
// by cleanup).
func locate(ctx context.Context, binary string, out io.Writer) (path string, cleanup func(), err error) {
	if binary != "" {
		return binary, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "pulse-tail-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	if os.Getenv(pluginhost.BinaryEnv) == "" {
		fmt.Fprintln(out, "building the plugin…")
	}
	path, err = pluginhost.Locate(ctx, pluginhost.BuildOptions{OutputDir: dir})
	if err != nil {
		cleanup()
		return "", nil, err
	}
	return path, cleanup, nil
}

// backfill runs the query over the last cfg.backfill, prints what came back
// and returns the channel's path.
func backfill(ctx context.Context, host *pluginhost.Host, ds pluginhost.Instance, model string, cfg config, out io.Writer) (string, error) {
	to := time.Now()
	resp, err := host.Data.QueryData(ctx, ds.QueryDataRequest(pluginhost.Query{
		RefID: "A", JSON: model, From: to.Add(-cfg.backfill), To: to, MaxDataPoints: 1000,
	}))
	if err != nil {
		return "", fmt.Errorf("QueryData: %w", err)
	}
	answer := resp.GetResponses()["A"]
	if answer.GetError() != "" {
		return "", fmt.Errorf("the query failed (status %d): %s", answer.GetStatus(), answer.GetError())
	}
	frames, err := pluginhost.Frames(answer)
	if err != nil {
		return "", err
	}
	if len(frames) != 1 {
		return "", fmt.Errorf("the query gave %d frames, not 1", len(frames))
	}
	frame := frames[0]
	rows, err := pluginhost.Rows(frame)
	if err != nil {
		return "", err
	}
	channel := ""
	if frame.Meta != nil {
		channel = frame.Meta.Channel
	}
	fmt.Fprintf(out, "backfill: %d rows over the last %s\nchannel: %s\n", len(rows), cfg.backfill, channel)
	if len(rows) > 0 {
		fmt.Fprintln(out, header(frame))
		for _, r := range rows[max(0, len(rows)-cfg.rows):] {
			fmt.Fprintln(out, formatRow(r))
		}
	}
	prefix := ds.ChannelPrefix()
	if len(channel) <= len(prefix) || channel[:len(prefix)] != prefix {
		return "", fmt.Errorf("the frame's channel %q is not one of data source %q", channel, ds.UID)
	}
	return channel[len(prefix):], nil
}

// follow subscribes to the channel path and prints each arriving row until
// duration elapses or ctx ends.
func follow(ctx context.Context, host *pluginhost.Host, ds pluginhost.Instance, path string, duration time.Duration, out io.Writer) error {
	sub, err := host.Stream.SubscribeStream(ctx, ds.SubscribeStreamRequest(path))
	if err != nil {
		return fmt.Errorf("SubscribeStream: %w", err)
	}
	if sub.GetStatus() != pluginv2.SubscribeStreamResponse_OK {
		return fmt.Errorf("SubscribeStream %s: %s", path, sub.GetStatus())
	}
	fmt.Fprintf(out, "streaming %s for %s (Ctrl-C stops)\n", path, duration)

	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	stream, err := host.RunStream(ctx, ds.RunStreamRequest(path))
	if err != nil {
		return err
	}
	var packets, rows int
	for {
		p, err := stream.Next()
		if err != nil {
			fmt.Fprintf(out, "stream ended after %d frames, %d rows\n", packets, rows)
			if ctx.Err() != nil {
				return nil // the duration elapsed, or Ctrl-C
			}
			return fmt.Errorf("the plugin ended the stream: %w", err)
		}
		packets++
		if p.HasSchema {
			fmt.Fprintln(out, header(p.Frame))
		}
		streamed, err := pluginhost.Rows(p.Frame)
		if err != nil {
			return err
		}
		for _, r := range streamed {
			fmt.Fprintln(out, formatRow(r))
		}
		rows += len(streamed)
	}
}
