package bench

import (
	"context"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// RowCosts are the per-row costs of the steps the designs take, timed in
// this process without gRPC: they explain a throughput ratio, they are not
// part of it.
type RowCosts struct {
	Query signals.Query
	// PulseStream is Pulse's pump on a virtual clock, sending to a sender
	// that drops every packet, per row: computing the values and writing
	// the data-only packets, as it streams.
	PulseStream time.Duration
	// SDKEncode is data.FrameToJSON on such a frame, data only, per row:
	// all the SDK limit does before sending.
	SDKEncode time.Duration
	// TutorialGenerate and TutorialEncode are the tutorial loop's steps for
	// one row: a one-row frame, encoded with its schema.
	TutorialGenerate, TutorialEncode time.Duration
}

// MeasureRowCosts times each step of the designs on q for about budget
// each.
func MeasureRowCosts(q signals.Query, budget time.Duration) RowCosts {
	rows := FrameRows(q)
	first := q.Index(time.Now()) + 1
	frame := q.Frame(first, first+rows-1, 1)
	oneRow := q.Frame(first, first, 1)
	perRow := func(d time.Duration) time.Duration { return d / time.Duration(rows) }
	return RowCosts{
		Query:       q,
		PulseStream: pumpCostPerRow(q, budget),
		SDKEncode:   perRow(timePerCall(budget, func(int64) { _, _ = data.FrameToJSON(frame, data.IncludeDataOnly) })),
		TutorialGenerate: timePerCall(budget, func(i int64) {
			q.Frame(first+i, first+i, 1)
		}),
		TutorialEncode: timePerCall(budget, func(int64) { _, _ = data.FrameToJSON(oneRow, data.IncludeAll) }),
	}
}

// pumpCostPerRow runs a pump of q on a virtual clock for about budget and
// returns its time per row sent.
func pumpCostPerRow(q signals.Query, budget time.Duration) time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), budget)
	defer cancel()
	pump := signals.NewPump(q, droppingSender{}, signals.PumpOptions{Clock: NewVirtualClock(time.Now())})
	start := time.Now()
	_ = pump.Run(ctx) // ends when the budget is spent
	elapsed := time.Since(start)
	if rows := pump.Stats().RowsSent; rows > 0 {
		return elapsed / time.Duration(rows)
	}
	return 0
}

// droppingSender takes every packet and keeps none.
type droppingSender struct{}

// SendBytes drops the packet.
func (droppingSender) SendBytes([]byte) error { return nil }

// timePerCall calls f with 0, 1, 2, … for about budget and returns the
// mean time per call.
func timePerCall(budget time.Duration, f func(i int64)) time.Duration {
	start := time.Now()
	var n int64
	for batch := int64(1); ; batch *= 2 {
		for range batch {
			f(n)
			n++
		}
		if elapsed := time.Since(start); elapsed >= budget {
			return elapsed / time.Duration(n)
		}
	}
}
