package bench

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// RunTutorial is the streaming loop of the plugin tutorials: for every
// point it builds a new one-row frame and sends it with its schema
// (data.IncludeAll). It does not wait for points to fall due, so it sends as
// fast as the receiver takes them. The frames have Pulse's fields, labels
// and values, so the comparison with Pulse is about batching and encoding
// only. It returns ctx.Err() once ctx ends, or a send error.
func RunTutorial(ctx context.Context, q signals.Query, sender FrameSender) error {
	for n := q.Index(time.Now()) + 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := sender.SendFrame(q.Frame(n, n, 1), data.IncludeAll); err != nil {
			return err
		}
	}
}
