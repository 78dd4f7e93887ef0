package streaming

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// FrameSender is where a Pump sends frames; the SDK's *backend.StreamSender
// is one.
type FrameSender interface {
	SendFrame(frame *data.Frame, include data.FrameInclude) error
}

// PumpOptions configure a Pump. The zero value is ready to use.
type PumpOptions struct {
	// MinFlushInterval is the shortest time between two frames: points due
	// sooner after the last frame wait and go out together. Zero means 50 ms.
	MinFlushInterval time.Duration
	// MaxRowsPerFrame bounds one frame; a longer catch-up is sent as several
	// frames. Zero means 1000.
	MaxRowsPerFrame int
	// MaxBacklog is how many due points the pump catches up on after the
	// sender was slow; older ones are dropped and counted. Zero means 10 000.
	MaxBacklog int
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
}

func (o PumpOptions) withDefaults() PumpOptions {
	if o.MinFlushInterval <= 0 {
		o.MinFlushInterval = 50 * time.Millisecond
	}
	if o.MaxRowsPerFrame <= 0 {
		o.MaxRowsPerFrame = 1000
	}
	if o.MaxBacklog <= 0 {
		o.MaxBacklog = 10_000
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// PumpStats counts what a pump did.
type PumpStats struct {
	Frames      int64
	RowsSent    int64
	RowsDropped int64
}

// Pump sends a query's points to a stream as they fall due: the first frame
// with the schema, the rest data only. It runs in the caller's goroutine and
// starts none of its own.
type Pump struct {
	query  Query
	sender FrameSender
	opts   PumpOptions
	stats  PumpStats
}

// NewPump prepares a pump of q's points into sender.
func NewPump(q Query, sender FrameSender, opts PumpOptions) *Pump {
	return &Pump{query: q, sender: sender, opts: opts.withDefaults()}
}

// Stats returns the pump's counters; call it after Run returned.
func (p *Pump) Stats() PumpStats { return p.stats }

// Run sends points from the first one due after now until ctx ends, and then
// returns ctx.Err(). It returns early only with a send error. It never
// returns nil: for Grafana, nil would end the stream for good.
func (p *Pump) Run(ctx context.Context) error {
	q := p.query
	next := q.Index(p.opts.Now()) + 1
	include := data.IncludeAll
	var lastFlush time.Time
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		due := q.Time(next)
		if earliest := lastFlush.Add(p.opts.MinFlushInterval); earliest.After(due) {
			due = earliest
		}
		timer.Reset(due.Sub(p.opts.Now()))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
		now := p.opts.Now()
		last := q.Index(now)
		if last < next {
			continue
		}
		if backlog := last - next + 1; backlog > int64(p.opts.MaxBacklog) {
			p.stats.RowsDropped += backlog - int64(p.opts.MaxBacklog)
			next = last - int64(p.opts.MaxBacklog) + 1
		}
		for next <= last {
			// select picks at random among ready cases, and a late pump's
			// timer is always ready: check ctx before each send, so a
			// cancelled stream ends within one send.
			if err := ctx.Err(); err != nil {
				return err
			}
			end := min(last, next+int64(p.opts.MaxRowsPerFrame)-1)
			if err := p.sender.SendFrame(q.Frame(next, end, 1), include); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("sending frame: %w", err)
			}
			p.stats.Frames++
			p.stats.RowsSent += end - next + 1
			include = data.IncludeDataOnly
			next = end + 1
		}
		lastFlush = now
	}
}
