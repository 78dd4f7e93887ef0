package instance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// SubscribeStream admits a viewer to a channel only when its path decodes to
// a query this data source would run: NotFound for paths Pulse never
// writes, PermissionDenied for well-formed paths beyond the bounds or the
// settings' limits, and for a new channel past the stream limits (the
// data source's maxStreams, the process's cap). An admitted viewer gets the
// schema and the newest rows at once, so a panel joining a running stream
// is filled before the stream's next frame.
func (i *Instance) SubscribeStream(ctx context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	logger := backend.Logger.FromContext(ctx).With("channel", streaming.Excerpt(req.Path))
	q, err := i.streamQuery(req.Path)
	switch {
	case err == nil:
	case errors.Is(err, streaming.ErrMalformed):
		logger.Debug("Refused an unknown channel path", "error", err)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	default:
		logger.Debug("Refused a channel path", "error", err)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusPermissionDenied}, nil
	}
	// A stream that starts after this continues from these rows.
	now := time.Now()
	if err := i.handoffs.Admit(req.Path, now); err != nil {
		i.metrics.RefusedStream(err)
		logger.Debug("Refused a viewer: too many streams", "error", err)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusPermissionDenied}, nil
	}
	initial, err := backend.NewInitialFrame(q.Recent(now, streaming.InitialRows), data.IncludeAll)
	if err != nil {
		return nil, fmt.Errorf("channel %s: initial data: %w", streaming.Excerpt(req.Path), err)
	}
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK, InitialData: initial}, nil
}

// PublishStream is refused: Pulse's channels are written by Pulse only.
func (i *Instance) PublishStream(context.Context, *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

// RunStream pushes the channel's points until Grafana cancels ctx. It
// returns an error, never nil, so that Grafana restarts a failed stream; a
// stream past the stream limits (Grafana restarts streams without asking
// SubscribeStream) fails, and Grafana tries again later.
func (i *Instance) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	logger := backend.Logger.FromContext(ctx).With("channel", streaming.Excerpt(req.Path))
	q, err := i.streamQuery(req.Path)
	if err != nil {
		logger.Error("Cannot stream this channel", "error", err)
		return fmt.Errorf("channel %s: %w", streaming.Excerpt(req.Path), err)
	}
	// Grafana admits the first viewer before it starts the stream, and
	// restarts a failed stream: continue from what the viewers have.
	after, err := i.handoffs.Start(req.Path, time.Now())
	if err != nil {
		i.metrics.RefusedStream(err)
		logger.Debug("Refused a stream: too many streams", "error", err)
		return fmt.Errorf("channel %s: %w", streaming.Excerpt(req.Path), err)
	}
	defer i.handoffs.Stop(req.Path)
	logger.Debug("Stream started", "after", after)
	pump := streaming.NewPump(q, sender, streaming.PumpOptions{
		Metrics:    i.metrics,
		Logger:     logger,
		StartAfter: after,
		OnSent:     func(newest time.Time) { i.handoffs.Sent(req.Path, newest) },
	})
	err = pump.Run(ctx)
	stats := pump.Stats()
	logger.Debug("Stream ended", "reason", err, "frames", stats.Frames, "rows", stats.RowsSent, "bytes", stats.BytesSent, "dropped", stats.RowsDropped)
	return err
}

// streamQuery decodes a channel path and checks it against the settings.
func (i *Instance) streamQuery(path string) (streaming.Query, error) {
	limits, err := i.limits()
	if err != nil {
		return streaming.Query{}, errors.Join(streaming.ErrOutOfBounds, err)
	}
	q, err := streaming.ParsePath(path)
	if err != nil {
		return streaming.Query{}, err
	}
	if err := limits.Check(q); err != nil {
		return streaming.Query{}, err
	}
	return q, nil
}
