package feed

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/history"
)

// maxRowsPerFrame bounds the rows of one frame besides its bytes.
const maxRowsPerFrame = 1000

// entryBuffers are the slices streams read their rows into, each used for
// one read (a frame's rows at most) and put back before the stream waits
// or sends: thousands of streams share a few instead of each keeping one,
// or making one for every frame.
var entryBuffers = sync.Pool{New: func() any { return new([]history.Entry) }}

// putEntries puts entries, read into buf, back among entryBuffers, without
// the rows they point at.
func putEntries(buf *[]history.Entry, entries []history.Entry) {
	clear(entries)
	*buf = entries[:0]
	entryBuffers.Put(buf)
}

// stream sends one channel's rows from its tap's ring.
type stream struct {
	feed   *Feed
	tap    *tap
	path   string
	sender streaming.PacketSender
	flush  time.Duration

	// sentVersion is the layout version whose schema the stream sent last;
	// -1 before the first frame, which always carries the schema.
	sentVersion int
	// lastDue is when the last frame fell due: when its rows were first
	// read, also when they then waited for the window to end. The next
	// window starts there, not when the send ended, so that sends that
	// take time do not push every later frame back, and not when the
	// window waited for ended, so that rows arriving about one window
	// apart wait at most for how early they came (a late one does not
	// delay every later one).
	lastDue time.Time
	// seen is when the rows that wait for the window were first read.
	seen    time.Time
	frames  int64
	rows    int64
	bytes   int64
	skipped uint64
}

// run sends the rows from sequence number next on until ctx ends, and then
// returns ctx's error; it returns early with a send error, or ErrClosed
// when the Feed is closed (its data source's settings changed: Grafana
// then restarts the stream on the new one). A row
// goes out at once unless a frame went out less than a flush window ago:
// then it waits for the window to end and goes with every row added by
// then, or earlier if those fill a frame. The window is measured from when
// the last frame's rows were first read: frames keep to one per window on
// average, and two are never closer than a window less the time the later
// one's rows waited.
func (s *stream) run(ctx context.Context, next uint64, reader *cursor) error {
	wake, stop := s.tap.listen()
	defer stop()
	m := s.feed.opts.Metrics
	if m != nil {
		m.ActiveStreams.Inc()
		defer m.ActiveStreams.Dec()
	}
	logger := s.feed.opts.Logger
	logger.Debug("Stream started", "channel", streaming.Excerpt(s.path))
	defer func() {
		logger.Debug("Stream ended", "channel", streaming.Excerpt(s.path), "frames", s.frames, "rows", s.rows, "bytes", s.bytes, "skipped", s.skipped)
	}()
	var window *time.Timer
	defer func() {
		if window != nil {
			window.Stop()
		}
	}()
	defer s.tap.readers.remove(reader)
	for {
		buf := entryBuffers.Get().(*[]history.Entry)
		entries, after, skipped := s.tap.ring.SinceAppend((*buf)[:0], next, maxRowsPerFrame)
		if skipped > 0 {
			s.skipped += skipped
			if m != nil {
				m.RowsDropped.Add(float64(skipped))
			}
		}
		if len(entries) == 0 {
			putEntries(buf, entries)
			next = after
			s.tap.readers.moved(reader, next, s.tap.ring)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-s.feed.quit:
				return ErrClosed
			case <-wake:
			}
			continue
		}
		// Rows that fill a frame go out at once, and so does a backlog the
		// ring would soon evict (the tap waits for it); others wait for the
		// window.
		now := time.Now()
		due := now
		pressed := s.tap.readers.pressed() // before reading pressing: a press after it closes this one
		if windowEnd := s.lastDue.Add(s.flush); windowEnd.After(now) && !s.tap.fills(entries, streaming.DefaultMaxFrameBytes, maxRowsPerFrame) &&
			!s.tap.readers.pressing.Load() && s.tap.ring.Fill(next, 0, 0) <= lowWater {
			read := len(entries)
			putEntries(buf, entries)
			wait := windowEnd.Sub(now)
			if window == nil {
				window = time.NewTimer(wait)
			} else {
				window.Reset(wait)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-s.feed.quit:
				return ErrClosed
			case <-window.C:
			case <-pressed:
				// The tap waits for room: send now what there is. (Since Go
				// 1.23 a stopped timer delivers no stale tick to Reset.)
				window.Stop()
			}
			// Read again from the same place: more rows came meanwhile.
			next = after - uint64(read)
			if s.seen.IsZero() {
				s.seen = now
			}
			continue
		}
		if !s.seen.IsZero() {
			due, s.seen = s.seen, time.Time{}
		}
		s.lastDue = due
		start := time.Now()
		// A frame's schema follows from its layout version alone: encode it
		// once, with the schema only when the version moved on.
		packet, n, version, err := s.tap.packet(entries, streaming.DefaultMaxFrameBytes, s.sentVersion)
		read := len(entries)
		putEntries(buf, entries)
		if err != nil {
			return fmt.Errorf("encoding frame: %w", err)
		}
		encoded := time.Since(start)
		if err := s.sender.SendBytes(packet); err != nil {
			return fmt.Errorf("sending frame: %w", err)
		}
		s.sentVersion = version
		next = after - uint64(read) + uint64(n)
		s.feed.sent(s.path, next)
		s.tap.readers.moved(reader, next, s.tap.ring)
		s.frames++
		s.rows += int64(n)
		s.bytes += int64(len(packet))
		if m != nil {
			m.EncodeSeconds.Observe(encoded.Seconds())
			m.Frames.Inc()
			m.Rows.Add(float64(n))
			m.Bytes.Add(float64(len(packet)))
		}
	}
}
