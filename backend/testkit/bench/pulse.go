package bench

import (
	"context"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// RunPulse runs Pulse's pump for q on a VirtualClock that starts now: the
// pump builds, batches and encodes exactly as in production, one flush
// window's rows per frame, but never waits for a point to fall due. It
// returns what the pump's Run returns.
func RunPulse(ctx context.Context, q streaming.Query, sender streaming.PacketSender) error {
	pump := streaming.NewPump(q, sender, streaming.PumpOptions{
		MaxRowsPerFrame: MaxRowsPerFrame,
		Clock:           NewVirtualClock(time.Now()),
	})
	return pump.Run(ctx)
}
