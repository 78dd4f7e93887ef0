package signals

import (
	"context"
	"strconv"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Index is the grid index of the newest point at or before t.
func (q Query) Index(t time.Time) int64 { return floorDiv(t.UnixMilli(), q.StepMs) }

// Time is the time of the point at grid index n.
func (q Query) Time(n int64) time.Time { return time.UnixMilli(n * q.StepMs).UTC() }

// SeriesLabels are the labels of series i (0-based): none for a single
// series, series="1", series="2", … otherwise. They never change during a
// stream, so panels can follow each series.
func (q Query) SeriesLabels(series int) data.Labels {
	if q.SeriesCount == 1 {
		return nil
	}
	return data.Labels{"series": strconv.Itoa(series + 1)}
}

// Frame holds the points at grid indexes first, first+stride, … up to last,
// in a time field and one value field per series.
func (q Query) Frame(first, last, stride int64) *data.Frame {
	f, _ := q.frame(context.Background(), first, last, stride)
	return f
}

// frameChunk is how many values Pulse computes between two checks of a
// request's context.
const frameChunk = 4096

// frame is Frame that stops with ctx's error, checked every frameChunk
// values, so that a cancelled request stops computing at once.
func (q Query) frame(ctx context.Context, first, last, stride int64) (*data.Frame, error) {
	rows := 0
	if last >= first {
		rows = int((last-first)/stride) + 1
	}
	times := make([]time.Time, rows)
	for r := range times {
		times[r] = q.Time(first + int64(r)*stride)
	}
	fields := make([]*data.Field, 0, q.SeriesCount+1)
	fields = append(fields, data.NewField(streaming.TimeField, nil, times))
	for s := range q.SeriesCount {
		values := make([]float64, rows)
		for at := 0; at < rows; at += frameChunk {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			q.fillValues(s, first+int64(at)*stride, stride, values[at:min(at+frameChunk, rows)], nil)
		}
		fields = append(fields, data.NewField(streaming.ValueField, q.SeriesLabels(s), values))
	}
	return data.NewFrame("", fields...), nil
}

// Backfill is the frame of the grid points within [from, to]. When they are
// more than maxPoints (at most MaxBackfillRows; zero or less means
// DefaultMaxPoints) it keeps every k-th point, the smallest k that fits,
// counted back from the newest so the backfill ends where a stream begins.
func (q Query) Backfill(from, to time.Time, maxPoints int64) *data.Frame {
	f, _ := q.BackfillContext(context.Background(), from, to, maxPoints)
	return f
}

// BackfillContext is Backfill that stops with ctx's error when ctx ends
// before the frame is computed.
func (q Query) BackfillContext(ctx context.Context, from, to time.Time, maxPoints int64) (*data.Frame, error) {
	first, last, stride := q.backfillRange(from, to, maxPoints)
	return q.frame(ctx, first, last, stride)
}

// BackfillPoints is how many points (rows × series) Backfill computes for
// the same arguments, without computing them: what a request's budget
// counts.
func (q Query) BackfillPoints(from, to time.Time, maxPoints int64) int64 {
	first, last, stride := q.backfillRange(from, to, maxPoints)
	if last < first {
		return 0
	}
	return ((last-first)/stride + 1) * int64(q.SeriesCount)
}

// backfillRange is the grid indexes first … last, every stride-th, of a
// backfill.
func (q Query) backfillRange(from, to time.Time, maxPoints int64) (first, last, stride int64) {
	if maxPoints <= 0 {
		maxPoints = streaming.DefaultMaxPoints
	}
	maxPoints = min(maxPoints, MaxBackfillRows)
	last = q.Index(to)
	first = -floorDiv(-from.UnixMilli(), q.StepMs) // the first index at or after from
	count := last - first + 1
	stride = 1
	if count > maxPoints {
		stride = (count + maxPoints - 1) / maxPoints
	}
	if count > 0 {
		first = last - (count-1)/stride*stride
	}
	return first, last, stride
}

// Recent is the frame of the rows newest at now: what a viewer who joins a
// running stream is given at once, before the stream's next frame.
func (q Query) Recent(now time.Time, rows int64) *data.Frame {
	last := q.Index(now)
	return q.Frame(last-rows+1, last, 1)
}
