package bench

import "github.com/pulse-datasource/pulse/backend/streaming/source/signals"

// MaxRowsPerFrame is the pump's bound on one frame in the reference plugin,
// set explicitly so that FrameRows and the pump agree.
const MaxRowsPerFrame = 1000

// FrameRows is how many rows Pulse's pump puts in one frame when it never
// has to wait: one flush window's worth, at most MaxRowsPerFrame, at least
// one. At the fastest step (1 ms) and the default window (100 ms) it is 100.
func FrameRows(q signals.Query) int64 {
	return min(max(q.FlushMs/q.StepMs, 1), MaxRowsPerFrame)
}
