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

// SubscribeStream admits a viewer to a channel only when the Source would
// stream it: NotFound for paths Pulse never writes, PermissionDenied for
// paths beyond the bounds or the settings' limits, and for a new channel
// past the stream limits (the data source's maxStreams, the process's
// cap). An admitted viewer gets the schema and the newest rows at once, so
// a panel joining a running stream is filled before the stream's next
// frame.
func (i *Instance) SubscribeStream(ctx context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	logger := backend.Logger.FromContext(ctx).With("channel", streaming.Excerpt(req.Path))
	if i.settingsErr != nil {
		logger.Debug("Refused a channel path", "error", i.settingsErr)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusPermissionDenied}, nil
	}
	frame, err := i.src.Admit(req.Path, time.Now())
	switch {
	case err == nil:
	case errors.Is(err, streaming.ErrMalformed):
		logger.Debug("Refused an unknown channel path", "error", err)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	case errors.Is(err, streaming.ErrTooManyStreams):
		i.metrics.RefusedStream(err)
		logger.Debug("Refused a viewer: too many streams", "error", err)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusPermissionDenied}, nil
	default:
		logger.Debug("Refused a channel path", "error", err)
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusPermissionDenied}, nil
	}
	initial, err := backend.NewInitialFrame(frame, data.IncludeAll)
	if err != nil {
		return nil, fmt.Errorf("channel %s: initial data: %w", streaming.Excerpt(req.Path), err)
	}
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK, InitialData: initial}, nil
}

// PublishStream is refused: Pulse's channels are written by Pulse only.
func (i *Instance) PublishStream(context.Context, *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

// RunStream pushes the channel's frames until Grafana cancels ctx. It
// returns an error, never nil, so that Grafana restarts a failed stream; a
// stream past the stream limits (Grafana restarts streams without asking
// SubscribeStream) fails, and Grafana tries again later.
func (i *Instance) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	logger := backend.Logger.FromContext(ctx).With("channel", streaming.Excerpt(req.Path))
	if i.settingsErr != nil {
		logger.Error("Cannot stream this channel", "error", i.settingsErr)
		return fmt.Errorf("channel %s: %w", streaming.Excerpt(req.Path), i.settingsErr)
	}
	err := i.src.Stream(ctx, req.Path, sender)
	switch {
	case ctx.Err() != nil:
	case errors.Is(err, streaming.ErrTooManyStreams):
		i.metrics.RefusedStream(err)
		logger.Debug("Refused a stream: too many streams", "error", err)
	default:
		logger.Error("Stream failed", "error", err)
	}
	if ctx.Err() != nil {
		return err
	}
	return fmt.Errorf("channel %s: %w", streaming.Excerpt(req.Path), err)
}
