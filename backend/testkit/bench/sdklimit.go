package bench

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// sdkLimitFrames is how many consecutive frames RunSDKLimit builds before it
// starts, so that the encoder meets changing values, as with a live signal.
const sdkLimitFrames = 10

// RunSDKLimit is the SDK limit: it builds sdkLimitFrames frames of Pulse's
// shape (FrameRows rows, q's series) before it starts, then only encodes
// and sends them in turn, as fast as the receiver takes them. The first
// goes with its schema, every later one data only (data.IncludeDataOnly),
// as Pulse sends them, so the packets match Pulse's byte for byte in form
// and the difference is the cost of producing the rows. It returns ctx.Err()
// once ctx ends, or a send error.
func RunSDKLimit(ctx context.Context, q signals.Query, sender FrameSender) error {
	rows := FrameRows(q)
	first := q.Index(time.Now()) + 1
	frames := make([]*data.Frame, sdkLimitFrames)
	for i := range frames {
		start := first + int64(i)*rows
		frames[i] = q.Frame(start, start+rows-1, 1)
	}
	include := data.IncludeAll
	for i := 0; ; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := sender.SendFrame(frames[i%len(frames)], include); err != nil {
			return err
		}
		include = data.IncludeDataOnly
	}
}
