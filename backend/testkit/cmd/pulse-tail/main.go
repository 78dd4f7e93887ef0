// Command pulse-tail shows Pulse's live stream in a terminal, without
// Grafana or Docker. It builds the plugin (or runs -binary), starts it the
// way Grafana does, checks its health, runs a query with streaming over the
// last minute and prints its newest rows, subscribes to the query's channel
// and prints the rows the subscription hands over, then prints each
// streamed point as it arrives, until -duration elapses or Ctrl-C.
//
// From backend/testkit:
//
//	go run ./cmd/pulse-tail -query '{"kind":"sine","stepMs":200}' -duration 10s
//
// or, from the repository root, `go tool mage tail` with PULSE_QUERY,
// PULSE_SETTINGS, PULSE_DURATION and PULSE_VERBOSE in the environment.
// Rows go to stdout; notices, progress and errors to stderr. The exit status
// is 0 when the duration elapsed or on Ctrl-C, 1 when something failed, 2
// for bad input (see exit.go).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

func main() {
	// Ctrl-C and SIGTERM end the context: pulse-tail stops the stream and
	// the plugin, and exits 0. Every step is bound by the context and the
	// plugin's shutdown by two seconds, so signals stay caught until then.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// A closed stdout (pulse-tail | head) fails the write instead of
	// killing pulse-tail, which then stops the plugin: killed, it would
	// leave the plugin running.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	code := tail(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// tail is pulse-tail run with args and the environment getenv reads; it
// returns the exit status. out receives the rows, errOut the notices,
// progress lines and errors.
func tail(ctx context.Context, args []string, getenv func(string) string, out, errOut io.Writer) int {
	cfg, err := parseConfig(args, getenv, errOut)
	if err == nil && !cfg.check {
		err = run(ctx, cfg, out, errOut)
	}
	return exitStatus(ctx, err, errOut)
}

// run does it all.
func run(ctx context.Context, cfg config, out, errOut io.Writer) (err error) {
	model, err := streamingModel(cfg.query)
	if err != nil {
		return badInput("%s: %v", cfg.name("query"), err)
	}
	binary, cleanup, err := locate(ctx, cfg.binary, errOut)
	if err != nil {
		return err
	}
	defer cleanup()

	// The plugin's log is discarded unless asked for, so that it never
	// buries pulse-tail's own lines; a failure says how to see it.
	opts := pluginhost.Options{Binary: binary}
	if cfg.verbose {
		opts.LogOutput, opts.LogLevel = errOut, hclog.Debug
	}
	defer func() {
		var bad *inputError
		if err != nil && !cfg.verbose && !errors.As(err, &bad) && ctx.Err() == nil {
			err = fmt.Errorf("%w (-v or PULSE_VERBOSE=1 shows the plugin's log)", err)
		}
	}()
	host, err := pluginhost.Start(ctx, opts)
	if err != nil {
		return err
	}
	defer host.Close()

	v := newView(out, errOut)
	ds := pluginhost.Instance{UID: cfg.uid, Name: "Pulse", JSONData: []byte(cfg.settings), Updated: time.Now()}
	health, err := host.Diagnostics.CheckHealth(ctx, ds.CheckHealthRequest())
	if err != nil {
		return fmt.Errorf("CheckHealth: %w", err)
	}
	if health.GetStatus() != pluginv2.CheckHealthResponse_OK {
		return badInput("the plugin refused %s %s: %s", cfg.name("settings"), cfg.settings, health.GetMessage())
	}
	// Printed with the backfill, once the query is accepted: a refused
	// query shows its error alone.
	intro := fmt.Sprintf("plugin %s (pid %d): %s", binary, host.Pid(), health.GetMessage())

	path, backfilled, err := backfill(ctx, host, ds, model, intro, cfg, v)
	if err != nil {
		return err
	}
	decoder, err := subscribe(ctx, host, ds, path, backfilled, cfg, v)
	if err != nil {
		return err
	}
	if err := v.closed(); err != nil {
		return err
	}
	return follow(ctx, host, ds, path, decoder, cfg.duration, v)
}

// locate picks the binary: -binary, else what pluginhost.Locate gives
// (PULSE_PLUGIN_BINARY or a fresh build into a temporary directory, removed
// by cleanup).
func locate(ctx context.Context, binary string, progress io.Writer) (path string, cleanup func(), err error) {
	if binary != "" {
		if info, err := os.Stat(binary); err != nil || info.IsDir() {
			return "", nil, badInput("-binary %s is not a file", binary)
		}
		return binary, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "pulse-tail-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	if os.Getenv(pluginhost.BinaryEnv) == "" {
		fmt.Fprintln(progress, "Building the plugin (a first build can take a few minutes)…")
	}
	path, err = pluginhost.Locate(ctx, pluginhost.BuildOptions{OutputDir: dir})
	if err != nil {
		cleanup()
		return "", nil, err
	}
	return path, cleanup, nil
}

// backfilled is what the backfill printed, for the hand-off that follows.
type backfilled struct {
	// oldestShown is the time of the oldest row printed; zero if none.
	oldestShown time.Time
	// newest is the time of the backfill's newest row; zero if it had none.
	newest time.Time
}

// backfill runs the query over the last cfg.backfill and, once it is
// accepted, prints intro, the channel and the newest cfg.rows rows; it
// returns the channel's path (after ds's prefix).
func backfill(ctx context.Context, host *pluginhost.Host, ds pluginhost.Instance, model, intro string, cfg config, v *view) (string, backfilled, error) {
	to := time.Now()
	resp, err := host.Data.QueryData(ctx, ds.QueryDataRequest(pluginhost.Query{
		RefID: "A", JSON: model, From: to.Add(-cfg.backfill), To: to, MaxDataPoints: 1000,
	}))
	if err != nil {
		return "", backfilled{}, fmt.Errorf("QueryData: %w", err)
	}
	frame, err := answerFrame(resp.GetResponses()["A"], cfg, v)
	if err != nil {
		return "", backfilled{}, err
	}
	rows, err := pluginhost.Rows(frame)
	if err != nil {
		return "", backfilled{}, fmt.Errorf("the backfill: %w", err)
	}
	channel := ""
	if frame.Meta != nil {
		channel = frame.Meta.Channel
	}
	path, ok := strings.CutPrefix(channel, ds.ChannelPrefix())
	if !ok || path == "" {
		return "", backfilled{}, fmt.Errorf("the backfill's channel %q is not one of data source %q", channel, ds.UID)
	}
	v.line("%s", intro)
	v.line("channel: %s", channel)

	var b backfilled
	shown := rows[max(0, len(rows)-cfg.rows):]
	spacing := ""
	if len(rows) > 1 {
		// maxDataPoints may space the backfill wider than the stream.
		spacing = ", one every " + rows[1].Time.Sub(rows[0].Time).String()
	}
	v.section("backfill: %s over the last %s%s, the newest %d shown", count(len(rows), "row"), cfg.backfill, spacing, len(shown))
	if len(rows) > 0 {
		b.newest = rows[len(rows)-1].Time
	}
	if len(shown) > 0 {
		b.oldestShown = shown[0].Time
		v.printHeader(frame, true)
		for _, r := range shown {
			v.printRow(r)
		}
	}
	return path, b, nil
}

// answerFrame is the one frame of the query's answer, after its notices
// are printed. A refusal (a 4xx status) is bad input.
func answerFrame(answer *pluginv2.DataResponse, cfg config, v *view) (*data.Frame, error) {
	if answer == nil {
		return nil, errors.New("QueryData did not answer the query")
	}
	frames, decodeErr := pluginhost.Frames(answer)
	v.printNotices(frames...)
	if msg := answer.GetError(); msg != "" {
		if status := answer.GetStatus(); status >= 400 && status < 500 {
			return nil, badInput("the plugin refused %s %s: %s", cfg.name("query"), cfg.query, msg)
		}
		return nil, fmt.Errorf("the query failed (status %d): %s", answer.GetStatus(), msg)
	}
	if decodeErr != nil {
		return nil, decodeErr
	}
	if len(frames) != 1 {
		return nil, fmt.Errorf("the query gave %d frames, not 1", len(frames))
	}
	return frames[0], nil
}

// subscribe asks the plugin to admit a viewer to the channel, as Grafana
// does for a panel, and prints the rows it hands over (its InitialData):
// the ones newer than the backfill, and those printed already, marked as
// repeats. The decoder it returns knows the handed-over schema, as a
// Grafana Live client does, to read the stream's frames.
func subscribe(ctx context.Context, host *pluginhost.Host, ds pluginhost.Instance, path string, b backfilled, cfg config, v *view) (*pluginhost.FrameDecoder, error) {
	sub, err := host.Stream.SubscribeStream(ctx, ds.SubscribeStreamRequest(path))
	if err != nil {
		return nil, fmt.Errorf("SubscribeStream %s: %w", path, err)
	}
	if sub.GetStatus() != pluginv2.SubscribeStreamResponse_OK {
		return nil, fmt.Errorf("the plugin refused the subscription to %s: %s", path, sub.GetStatus())
	}
	return printHandedOver(sub.GetData(), b, cfg.rows, v)
}

// printHandedOver prints the rows of a subscription's initial data: the
// ones from the oldest printed on, those printed already marked as
// repeats, and at least the newest n. It returns a decoder that knows
// their schema.
func printHandedOver(initialData []byte, b backfilled, n int, v *view) (*pluginhost.FrameDecoder, error) {
	decoder := &pluginhost.FrameDecoder{}
	if len(initialData) == 0 {
		v.section("handed over at subscription: no rows")
		return decoder, nil
	}
	initial, err := decoder.Decode(initialData)
	if err != nil {
		return nil, fmt.Errorf("the subscription's initial data: %w", err)
	}
	v.printNotices(initial.Frame)
	rows, err := pluginhost.Rows(initial.Frame)
	if err != nil {
		return nil, fmt.Errorf("the subscription's initial data: %w", err)
	}
	shown := handedOver(rows, b.oldestShown, b.newest, n)
	v.section("handed over at subscription: %s, the newest %d shown", count(len(rows), "row"), len(shown))
	if len(shown) > 0 {
		v.printHeader(initial.Frame, true)
		for _, r := range shown {
			v.printRow(r)
		}
	}
	return decoder, nil
}

// follow runs the channel's stream and prints each arriving row until
// duration elapses (zero: never) or ctx ends (Ctrl-C); both end it
// without error.
func follow(ctx context.Context, host *pluginhost.Host, ds pluginhost.Instance, path string, decoder *pluginhost.FrameDecoder, duration time.Duration, v *view) error {
	// A cancel rather than a deadline: a deadline travels to the plugin,
	// which could end the call before this side tells it from a failure.
	streamCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	if duration > 0 {
		timer := time.AfterFunc(duration, cancel)
		defer timer.Stop()
		v.section("streaming %s for %s (Ctrl-C stops)", path, duration)
	} else {
		v.section("streaming %s until Ctrl-C", path)
	}
	var frames, rows int
	// stopped says whether Ctrl-C or the duration ended the stream, which is
	// a normal end at any moment, even before the plugin took the call, and
	// if so prints how it ended.
	stopped := func() bool {
		switch {
		case ctx.Err() != nil:
			v.section("stopped: %s, %s streamed", count(frames, "frame"), count(rows, "row"))
		case streamCtx.Err() != nil:
			v.section("%s elapsed: %s, %s streamed", duration, count(frames, "frame"), count(rows, "row"))
		default:
			return false
		}
		return true
	}
	stream, err := host.RunStream(streamCtx, ds.RunStreamRequest(path))
	if err != nil {
		if stopped() {
			return nil
		}
		return err
	}
	headerShown := false
	for {
		raw, err := stream.Recv()
		if err != nil {
			if stopped() {
				return nil
			}
			return fmt.Errorf("the plugin ended the stream after %d frames: %w", frames, err)
		}
		p, err := decoder.Decode(raw)
		if err != nil {
			return err
		}
		frames++
		if p.HasSchema {
			v.printNotices(p.Frame)
		}
		if p.HasSchema || !headerShown {
			v.printHeader(p.Frame, !headerShown)
			headerShown = true
		}
		streamed, err := pluginhost.Rows(p.Frame)
		if err != nil {
			return err
		}
		for _, r := range streamed {
			v.printRow(r)
		}
		rows += len(streamed)
		if err := v.closed(); err != nil {
			return err
		}
	}
}
