package feed

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
)

// ErrTooManyTaps refuses a query or viewer that needs a new tap while the
// data source already keeps maxStreams of them.
var ErrTooManyTaps = errors.New("too many topics followed at once")

// ErrClosed refuses work after Close: the data source was replaced.
var ErrClosed = errors.New("the data source was replaced by a newer version of its settings")

// Feed is the source.Source of one push data source: it serves its queries
// and channels from taps on its Upstream. It is safe for concurrent use.
type Feed struct {
	opts     Options
	uid      string
	up       Upstream
	handoffs *streaming.Handoffs

	mu       sync.Mutex
	taps     map[tapKey]*tap
	handed   map[string]handoff // by channel path
	closed   bool
	upStats  UpstreamStats
	quit     chan struct{}
	sweeping sync.WaitGroup
}

// handoff is where a channel's viewers are: the ring's sequence number
// after the rows they were given or sent, and when. Until the channel's
// stream starts, a cursor of the tap holds the rows after next back from
// eviction (for a while: see pressure.go), so that a burst right after an
// admission is not lost before the stream begins.
type handoff struct {
	next    uint64
	at      time.Time
	tap     *tap    // the tap of the pending cursor
	cursor  *cursor // pending: nil once a stream took it
	running bool    // a stream of the channel runs: viewers need no pending cursor
}

var _ source.Source = (*Feed)(nil)

// New makes the Feed of a data source with settings s over up, which it
// owns from now on (Close closes it).
func New(s source.Settings, up Upstream, opts Options) *Feed {
	opts = opts.withDefaults()
	f := &Feed{
		opts:     opts,
		uid:      s.UID,
		up:       up,
		handoffs: streaming.NewHandoffs(streaming.HandoffOptions{MaxChannels: opts.Settings.MaxStreams, Slots: opts.Slots}),
		taps:     map[tapKey]*tap{},
		handed:   map[string]handoff{},
		quit:     make(chan struct{}),
	}
	f.sweeping.Add(1)
	go f.sweeper()
	return f
}

// Query reads and checks a query; its frames are the rows its tap keeps
// within the time range. A query subscribes to its target when no tap has
// it yet, and keeps the tap for the linger.
func (f *Feed) Query(raw []byte, r source.Range) (source.Query, error) {
	q, unknown, err := f.opts.readQuery(raw)
	if err != nil {
		return nil, err
	}
	qq := &query{feed: f, q: q, r: r, unknown: unknown}
	if q.WithStreaming {
		qq.path = f.opts.path(q)
		if _, err := source.Channel(f.uid, qq.path); err != nil {
			return nil, &streaming.FieldError{Field: f.opts.Target, Kind: streaming.ErrOutOfBounds, Reason: fmt.Sprintf(
				"this query's channel would be %d characters long, and Grafana allows %d for ds/<data source uid>/<path> "+
					"(the %s, timeField and fields are encoded in the path, taking about 4 characters for every 3 bytes): "+
					"shorten the %s or the paths, or turn streaming off",
				len(qq.path)+len("ds//")+len(f.uid), streaming.MaxChannelLength, f.opts.Target, f.opts.Target)}
		}
	}
	t, fresh, err := f.acquire(q, time.Now(), false, r.From)
	if err != nil {
		return nil, err
	}
	qq.tap, qq.fresh = t, fresh
	return qq, nil
}

// Admit admits a viewer to a channel whose path decodes to a query this
// data source would stream, within the stream limits, and gives it the
// newest streaming.InitialRows rows its tap keeps.
func (f *Feed) Admit(path string, now time.Time) (*data.Frame, error) {
	q, err := f.opts.parsePath(path)
	if err != nil {
		return nil, err
	}
	if err := f.handoffs.Admit(path, now); err != nil {
		return nil, err
	}
	t, _, err := f.acquire(q, now, false, time.Time{})
	if err != nil {
		return nil, err
	}
	entries, next := t.ring.Tail(streaming.InitialRows)
	frame, _ := t.wideFrame(entries, 0)
	f.mu.Lock()
	// Viewers admitted before this one and not yet streamed to may have
	// older rows: a stream starts after the oldest of them, so that none
	// misses a row (a later viewer may get some twice).
	h, ok := f.handed[path]
	if ok && now.Sub(h.at) <= streaming.MaxHandoffAge && h.next < next {
		next = h.next
	}
	pending := handoff{next: next, at: now, tap: t, running: ok && h.running}
	switch {
	case pending.running:
		pending.tap = nil // the running stream reads for this viewer
	case ok && h.cursor != nil && h.tap == t:
		pending.cursor = h.cursor
		t.readers.moved(h.cursor, next, t.ring)
	default:
		if ok && h.cursor != nil {
			h.tap.readers.remove(h.cursor)
		}
		pending.cursor = t.readers.add(next)
	}
	f.handed[path] = pending
	f.mu.Unlock()
	return frame, nil
}

// Stream sends the channel's rows as they come, from the first row after
// those its viewers were given, until ctx ends.
func (f *Feed) Stream(ctx context.Context, path string, sender streaming.PacketSender) error {
	q, err := f.opts.parsePath(path)
	if err != nil {
		return err
	}
	now := time.Now()
	if _, err := f.handoffs.Start(path, now); err != nil {
		return err
	}
	defer f.handoffs.Stop(path)
	t, _, err := f.acquire(q, now, true, time.Time{})
	if err != nil {
		return err
	}
	defer f.release(t)
	s := &stream{feed: f, tap: t, path: path, sender: sender, flush: time.Duration(q.FlushMs) * time.Millisecond, sentVersion: -1}
	next, reader := f.startAt(path, t, now)
	defer f.stopped(path)
	return s.run(ctx, next, reader)
}

// startAt is where a stream of path starting now begins in its tap's ring:
// after the rows its viewers were given or sent, when that was recent
// enough (streaming.MaxHandoffAge), otherwise with the rows added from now
// on; and the cursor it reads with: the one its admission left pending,
// or a new one.
func (f *Feed) startAt(path string, t *tap, now time.Time) (next uint64, reader *cursor) {
	f.mu.Lock()
	defer f.mu.Unlock()
	h, ok := f.handed[path]
	defer func() {
		// The channel's stream runs from next: a restart continues there.
		f.handed[path] = handoff{next: next, at: now, running: true}
	}()
	recent := ok && now.Sub(h.at) <= streaming.MaxHandoffAge
	next = t.ring.Next()
	if recent {
		next = h.next
	}
	switch {
	case ok && h.cursor != nil && h.tap == t:
		reader = h.cursor // the admission's pending cursor
		t.readers.moved(reader, next, t.ring)
	case ok && h.cursor != nil:
		h.tap.readers.remove(h.cursor) // another tap's, since replaced
		fallthrough
	default:
		reader = t.readers.add(next)
	}
	return next, reader
}

// stopped records that the stream of path ended.
func (f *Feed) stopped(path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if h, ok := f.handed[path]; ok {
		h.running = false
		f.handed[path] = h
	}
}

// sent records that a stream of path sent the rows before next.
func (f *Feed) sent(path string, next uint64) {
	f.mu.Lock()
	h := f.handed[path]
	h.next, h.at = next, time.Now()
	f.handed[path] = h
	f.mu.Unlock()
}

// acquire returns the tap of q, making and subscribing it when there is
// none (asking for the stored messages from since on), and whether it did;
// stream counts a stream on it until release.
// The subscription is made without holding f.mu (a broker answers within
// its request timeout): callers that want the same tap meanwhile wait for
// it, others go on.
func (f *Feed) acquire(q Query, now time.Time, stream bool, since time.Time) (*tap, bool, error) {
	key := q.key()
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil, false, ErrClosed
	}
	t, ok := f.taps[key]
	if !ok {
		if len(f.taps) >= f.opts.Settings.MaxStreams {
			f.sweepLocked(now)
		}
		if len(f.taps) >= f.opts.Settings.MaxStreams {
			n := len(f.taps)
			f.mu.Unlock()
			return nil, false, fmt.Errorf("%w: this data source already keeps %d (its maxStreams); "+
				"close panels, or raise maxStreams or lower lingerSeconds in its settings", ErrTooManyTaps, n)
		}
		var err error
		if t, err = f.newTap(q, now); err != nil {
			f.mu.Unlock()
			return nil, false, err
		}
		f.taps[key] = t
		f.mu.Unlock()
		sub, err := f.up.Subscribe(f.opts.subscription(q, since, f.opts.Settings.HistoryMaxRows), t.handle)
		unsubscribe := sub.Unsubscribe
		covered := time.Now()
		switch {
		case sub.Replayed != nil:
			covered = since
		case !since.IsZero():
			// Asked for stored messages, the Upstream made a live
			// subscription: it keeps nothing of the target.
			t.unstored.Store(true)
		}
		f.mu.Lock()
		t.unsubscribe, t.replayed, t.confirmed, t.subscribeErr = unsubscribe, sub.Replayed, sub.Confirmed, err
		t.covered = covered
		close(t.ready)
		switch {
		case err != nil:
			delete(f.taps, key)
			f.mu.Unlock()
			return nil, false, err
		case f.closed: // Close ran meanwhile and did not see the subscription
			f.mu.Unlock()
			unsubscribe()
			return nil, false, ErrClosed
		}
		f.opts.Logger.Debug("Subscribed", f.opts.Label, streaming.Excerpt(q.Target))
	} else if !t.isReady() {
		f.mu.Unlock()
		<-t.ready
		f.mu.Lock()
		if t.subscribeErr != nil {
			f.mu.Unlock()
			return nil, false, t.subscribeErr
		}
		if f.closed {
			f.mu.Unlock()
			return nil, false, ErrClosed
		}
	}
	if stream {
		t.streams++
	}
	t.lastUsed = latestTime(t.lastUsed, now)
	f.mu.Unlock()
	return t, !ok, nil
}

// release ends a stream's hold on its tap, which then lingers.
func (f *Feed) release(t *tap) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t.streams--
	t.lastUsed = latestTime(t.lastUsed, time.Now())
}

// touch keeps a tap for another linger.
func (f *Feed) touch(t *tap) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t.lastUsed = latestTime(t.lastUsed, time.Now())
}

// sweeper closes lingering taps and updates the gauges until Close.
func (f *Feed) sweeper() {
	defer f.sweeping.Done()
	tick := time.NewTicker(f.opts.SweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-f.quit:
			return
		case now := <-tick.C:
			f.mu.Lock()
			f.sweepLocked(now)
			f.mu.Unlock()
			f.gauges()
		}
	}
}

// sweepLocked closes the taps no stream holds whose linger passed, and
// forgets old handoffs; f.mu is held.
func (f *Feed) sweepLocked(now time.Time) {
	for key, t := range f.taps {
		if t.isReady() && t.streams == 0 && now.Sub(t.lastUsed) >= f.opts.Settings.Linger {
			t.unsubscribe()
			delete(f.taps, key)
			f.opts.Logger.Debug("Unsubscribed after the linger", f.opts.Label, streaming.Excerpt(key.target))
		}
	}
	for path, h := range f.handed {
		if now.Sub(h.at) > streaming.MaxHandoffAge {
			if h.cursor != nil {
				h.tap.readers.remove(h.cursor) // no stream came
			}
			delete(f.handed, path)
		}
	}
}

// gauges updates the data source's connection and history metrics.
func (f *Feed) gauges() {
	m := f.opts.Metrics
	if m == nil {
		return
	}
	st := f.up.Stats()
	f.mu.Lock()
	reconnects := st.Reconnects - min(f.upStats.Reconnects, st.Reconnects)
	dropped := st.Dropped - min(f.upStats.Dropped, st.Dropped)
	f.upStats = st
	var rows, bytes int64
	for _, t := range f.taps {
		s := t.ring.Stats()
		rows += int64(s.Rows)
		bytes += s.Bytes
	}
	closed := f.closed
	f.mu.Unlock()
	if closed {
		return
	}
	m.FeedReconnects.WithLabelValues(f.opts.Name).Add(float64(reconnects))
	m.FeedDropped.WithLabelValues(f.opts.Name).Add(float64(dropped))
	connected := 0.0
	if st.Connected {
		connected = 1
	}
	m.FeedConnected.WithLabelValues(f.opts.Name, f.uid).Set(connected)
	m.HistoryRows.WithLabelValues(f.opts.Name, f.uid).Set(float64(rows))
	m.HistoryBytes.WithLabelValues(f.opts.Name, f.uid).Set(float64(bytes))
}

// CheckHealth says whether the feed can be reached, within ctx (the caller
// bounds it).
func (f *Feed) CheckHealth(ctx context.Context) (string, error) {
	if err := f.up.Health(ctx); err != nil {
		return "", err
	}
	f.mu.Lock()
	taps := len(f.taps)
	f.mu.Unlock()
	msg := "Connected."
	if f.opts.Describe != nil {
		msg = f.opts.Describe()
	}
	s := f.opts.Settings
	return fmt.Sprintf("%s Following %d %s(s) now; each keeps up to %d rows (%s) for %s after its last viewer, and up to %d streams run at once.",
		msg, taps, f.opts.Target, s.HistoryMaxRows, formatBytes(s.HistoryMaxBytes), formatDuration(s.Linger), s.MaxStreams), nil
}

// Close unsubscribes every tap, closes the Upstream and frees the data
// source's stream slots. Running streams end when Grafana cancels them.
func (f *Feed) Close() {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return
	}
	f.closed = true
	taps := f.taps
	f.taps = map[tapKey]*tap{}
	f.mu.Unlock()
	close(f.quit)
	f.sweeping.Wait()
	for _, t := range taps {
		if t.isReady() && t.unsubscribe != nil {
			t.unsubscribe()
		}
	}
	f.up.Close()
	f.handoffs.Close()
	if m := f.opts.Metrics; m != nil {
		m.FeedConnected.DeleteLabelValues(f.opts.Name, f.uid)
		m.HistoryRows.DeleteLabelValues(f.opts.Name, f.uid)
		m.HistoryBytes.DeleteLabelValues(f.opts.Name, f.uid)
	}
}

func latestTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// formatBytes writes a byte count in KiB, MiB or GiB when whole.
func formatBytes(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// formatDuration writes a linger in whole minutes or seconds.
func formatDuration(d time.Duration) string {
	switch {
	case d >= time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	default:
		return fmt.Sprintf("%d s", d/time.Second)
	}
}
