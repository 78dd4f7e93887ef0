package signals

import (
	"context"
	"fmt"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
)

// PumpOptions configure a Pump. The zero value is ready to use.
type PumpOptions struct {
	// MaxRowsPerFrame bounds one frame: a frame goes out as soon as it holds
	// this many rows, even within the flush window. Zero means 1000.
	MaxRowsPerFrame int
	// MaxFrameBytes bounds one frame's size as well: a wide query's frames
	// hold fewer rows, so that a stream whose receiver stalls pins little
	// memory in the frames queued for it. Zero means DefaultMaxFrameBytes.
	MaxFrameBytes int
	// MaxBacklog is how many due rows the pump catches up on after the
	// receiver was slow; older ones are dropped and counted. Zero means
	// 10 000.
	MaxBacklog int
	// Clock is the pump's time. Nil means SystemClock.
	Clock streaming.Clock
	// Metrics, when set, count what the pump does.
	Metrics *streaming.Metrics
	// Logger, when set, hears about dropped rows.
	Logger log.Logger
	// StartAfter is the newest row the stream's viewers already have: the
	// pump starts with the points due after it, at once, rather than with
	// the first one due after it started (zero, or a time after now). See
	// Handoffs.
	StartAfter time.Time
	// OnSent, when set, hears the time of the newest row of each frame
	// sent, in the pump's goroutine.
	OnSent func(newest time.Time)
}

func (o PumpOptions) withDefaults() PumpOptions {
	if o.MaxRowsPerFrame <= 0 {
		o.MaxRowsPerFrame = 1000
	}
	if o.MaxFrameBytes <= 0 {
		o.MaxFrameBytes = streaming.DefaultMaxFrameBytes
	}
	if o.MaxBacklog <= 0 {
		o.MaxBacklog = 10_000
	}
	if o.Clock == nil {
		o.Clock = streaming.SystemClock{}
	}
	return o
}

// PumpStats counts what a pump did.
type PumpStats struct {
	Frames      int64
	RowsSent    int64
	RowsDropped int64
	BytesSent   int64
}

// Pump sends a query's points to a stream as they fall due, batched by the
// query's flush window: the first frame with the schema, the rest data only.
//
// Rows are computed when they are sent, not queued when they fall due, so a
// slow receiver holds no buffer: the backlog is a range of grid indexes,
// capped at MaxBacklog. A pump runs in the caller's goroutine and starts
// none of its own.
type Pump struct {
	query   Query
	sender  streaming.PacketSender
	opts    PumpOptions
	encoder streaming.Encoder
	rows    rowBuffer
	stats   PumpStats
}

// NewPump prepares a pump of q's points into sender.
func NewPump(q Query, sender streaming.PacketSender, opts PumpOptions) *Pump {
	return &Pump{query: q, sender: sender, opts: opts.withDefaults()}
}

// Stats returns the pump's counters; call it after Run returned.
func (p *Pump) Stats() PumpStats { return p.stats }

// Run sends points from the first one due after now (or after StartAfter)
// until ctx ends, and then
// returns ctx.Err(). It returns early only with a send error. It never
// returns nil: for Grafana, nil would end the stream for good.
//
// A point is sent as soon as it is due, unless a frame went out less than a
// flush window ago: then it waits for the window to end and goes out with
// every point due by then, or earlier if those fill a frame.
func (p *Pump) Run(ctx context.Context) error {
	if m := p.opts.Metrics; m != nil {
		m.ActiveStreams.Inc()
		defer m.ActiveStreams.Dec()
	}
	q, clock := p.query, p.opts.Clock
	maxRows := int64(p.rowsPerFrame())
	next := q.Index(clock.Now()) + 1
	if after := p.opts.StartAfter; !after.IsZero() {
		next = min(next, q.Index(after)+1)
	}
	var lastFlush time.Time
	for {
		due := dueTime(q.Time(next), lastFlush.Add(q.FlushWindow()), q.Time(next+maxRows-1))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-clock.After(due.Sub(clock.Now())):
		}
		now := clock.Now()
		last := q.Index(now)
		if last < next {
			continue
		}
		next = p.skipBacklog(next, last)
		for next <= last {
			// select picks at random among ready cases, and a late pump's
			// timer is always ready: check ctx before each send, so a
			// cancelled stream ends within one send.
			if err := ctx.Err(); err != nil {
				return err
			}
			end := min(last, next+maxRows-1)
			if err := p.send(next, end); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return err
			}
			next = end + 1
		}
		// The window runs from when this frame was due, not from when the
		// pump woke: a late wake-up must not delay every later frame.
		lastFlush = due
	}
}

// rowsPerFrame is how many rows one frame holds at most: MaxRowsPerFrame,
// or fewer when that many rows of this query would pass MaxFrameBytes.
func (p *Pump) rowsPerFrame() int {
	return max(1, min(p.opts.MaxRowsPerFrame, p.opts.MaxFrameBytes/maxRowBytes(p.query.SeriesCount)))
}

// dueTime is when the next frame goes out: when its first row is due, but
// not before the window ends, unless the frame fills up before that.
func dueTime(firstRow, windowEnd, frameFull time.Time) time.Time {
	if windowEnd.After(frameFull) {
		windowEnd = frameFull
	}
	if windowEnd.After(firstRow) {
		return windowEnd
	}
	return firstRow
}

// skipBacklog drops the due rows beyond MaxBacklog, oldest first, and
// returns the first row to send.
func (p *Pump) skipBacklog(next, last int64) int64 {
	backlog := last - next + 1
	dropped := backlog - int64(p.opts.MaxBacklog)
	if dropped <= 0 {
		return next
	}
	p.stats.RowsDropped += dropped
	if m := p.opts.Metrics; m != nil {
		m.RowsDropped.Add(float64(dropped))
	}
	if p.opts.Logger != nil {
		p.opts.Logger.Warn("Stream fell behind; dropped its oldest rows", "dropped", dropped, "kept", p.opts.MaxBacklog)
	}
	return next + dropped
}

// send encodes the rows at grid indexes first … last as one frame and sends
// it.
func (p *Pump) send(first, last int64) error {
	start := time.Now()
	packet, err := p.encode(first, last)
	if err != nil {
		return err
	}
	encoded := time.Since(start)
	if err := p.sender.SendBytes(packet); err != nil {
		return fmt.Errorf("sending frame: %w", err)
	}
	rows := last - first + 1
	p.stats.Frames++
	p.stats.RowsSent += rows
	p.stats.BytesSent += int64(len(packet))
	if m := p.opts.Metrics; m != nil {
		m.EncodeSeconds.Observe(encoded.Seconds())
		m.Frames.Inc()
		m.Rows.Add(float64(rows))
		m.Bytes.Add(float64(len(packet)))
	}
	if p.opts.OnSent != nil {
		p.opts.OnSent(p.query.Time(last))
	}
	return nil
}

// encode builds the packet of the rows first … last. The first frame goes
// through the Encoder, which adds the schema; a stream's schema is fixed by
// its query, so the rest are data only, written straight from reused
// columns. Each packet is a new slice: a sender may keep it.
func (p *Pump) encode(first, last int64) ([]byte, error) {
	if p.stats.Frames > 0 {
		p.query.fillRows(first, last, &p.rows)
		if packet, ok := appendDataPacket(make([]byte, 0, p.rows.packetSize()), &p.rows); ok {
			return packet, nil
		}
	}
	packet, _, err := p.encoder.Encode(p.query.Frame(first, last, 1))
	return packet, err
}
