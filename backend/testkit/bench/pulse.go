package bench

import (
	"context"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// RunPulse runs Pulse's pump for q on a VirtualClock that starts now: the
// pump builds, batches and encodes exactly as in production, one flush
// window's rows per frame, but never waits for a point to fall due. It
// returns what the pump's Run returns.
func RunPulse(ctx context.Context, q signals.Query, sender streaming.PacketSender) error {
	pump := signals.NewPump(q, sender, signals.PumpOptions{
		MaxRowsPerFrame: MaxRowsPerFrame,
		Clock:           NewVirtualClock(time.Now()),
	})
	return pump.Run(ctx)
}
