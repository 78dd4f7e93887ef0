package feed

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/history"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// maxSeen bounds how many series a tap remembers having had a message of,
// to tell retained copies sent again after a reconnect: past it, such
// copies of further series are kept as new.
const maxSeen = 100_000

// maxKeptRows bounds the rows slice a tap keeps for the next message.
const maxKeptRows = 256

// tapKey names a tap: a target read one way.
type tapKey struct {
	target, params, timeField string // params joined by NUL
	fields                    string // the selected paths joined by NUL
}

// tap is one subscription on the Upstream, its decoder, its history and
// its frames' layout. Messages come in on the Upstream's handler
// goroutine; streams and queries read the ring and, under mu, the layout.
type tap struct {
	key     tapKey
	decoder *jsonframe.Decoder // the handler goroutine's only
	rows    []jsonframe.Row    // the handler goroutine's, for each message's rows
	ring    *history.Ring
	label   string // the feed's Options.Label, for log lines

	mu     sync.RWMutex // guards layout
	layout layout

	// readers are the streams' cursors, for back-pressure; quit ends a
	// wait for them (the Feed's quit).
	readers *readers
	quit    <-chan struct{}

	lmu       sync.Mutex
	listeners []chan struct{} // a slice: wake goes through it at every message
	first     chan struct{}   // closed at the first rows
	gotFirst  bool

	// Counted on the handler goroutine, read under lmu.
	decodeErrors int64
	lastLog      time.Time
	unlogged     int64

	messages, decodeErrorsMetric, fieldsDropped prometheus.Counter
	// seen are the series that delivered a message (the handler
	// goroutine's only), at most maxSeen of them.
	seen map[string]struct{}
	// lastSeen is the last series found or put in seen.
	lastSeen string
	logger   Logger

	// ready is closed once the subscription was made or refused; then
	// unsubscribe (and replayed and confirmed) or subscribeErr is set
	// (under the Feed's mu).
	ready        chan struct{}
	subscribeErr error
	replayed     <-chan struct{}
	confirmed    <-chan struct{}
	// covered is from when the subscription delivers every message: its
	// Since when the Upstream replays, otherwise when it was made. Set
	// with the above.
	covered time.Time
	// unstored is set once a Store said it keeps nothing of the tap's
	// target: queries stop asking it.
	unstored atomic.Bool

	// Guarded by the Feed's mu.
	unsubscribe func()
	streams     int
	lastUsed    time.Time
}

// newTap makes a tap of q, not yet subscribed.
func (f *Feed) newTap(q Query, now time.Time) (*tap, error) {
	dec, err := jsonframe.NewDecoder(q.decoderOptions())
	if err != nil {
		return nil, err
	}
	s := f.opts.Settings
	t := &tap{
		key:      q.key(),
		decoder:  dec,
		ring:     history.NewRing(history.Options{MaxRows: s.HistoryMaxRows, MaxBytes: s.HistoryMaxBytes}),
		label:    f.opts.Label,
		layout:   newLayout(f.opts.Label, f.opts.Wildcard(q.Target), dec.Options().MaxFields),
		readers:  newReaders(f.opts.PressureWait),
		quit:     f.quit,
		first:    make(chan struct{}),
		seen:     map[string]struct{}{},
		ready:    make(chan struct{}),
		logger:   f.opts.Logger,
		lastUsed: now,
	}
	if m := f.opts.Metrics; m != nil {
		t.messages = m.FeedMessages.WithLabelValues(f.opts.Name)
		t.decodeErrorsMetric = m.FeedDecodeErrors.WithLabelValues(f.opts.Name)
		t.fieldsDropped = m.FeedFieldsDropped.WithLabelValues(f.opts.Name)
	}
	return t, nil
}

// handle decodes one message, observes its rows into the layout, keeps
// them in the ring and wakes the streams. It runs on the Upstream's
// handler goroutine, one message at a time.
func (t *tap) handle(m Message) {
	if t.messages != nil {
		t.messages.Inc()
	}
	// A feed's messages mostly come on the series of the one before: that
	// one is in seen without a look-up.
	if m.Series != t.lastSeen {
		_, ok := t.seen[m.Series]
		if ok && m.Retained {
			return // sent again after a reconnect: the tap has it
		}
		if !ok && len(t.seen) < maxSeen {
			t.seen[m.Series] = struct{}{}
			ok = true
		}
		if ok {
			t.lastSeen = m.Series
		}
	} else if m.Retained {
		return
	}
	rows, err := t.decoder.DecodeAppend(t.rows[:0], m.Payload, m.Arrival)
	// The ring keeps copies of the rows: their slice serves the next
	// message, unless a batch made it large.
	defer func() {
		clear(rows)
		if cap(rows) <= maxKeptRows {
			t.rows = rows[:0]
		} else {
			t.rows = nil
		}
	}()
	if err != nil {
		t.undecodable(m, err)
		return
	}
	if len(rows) == 0 {
		return
	}
	// The layout covers a row before any reader can find the row.
	t.mu.Lock()
	_, dropped := t.layout.observe(m.Series, rows)
	t.mu.Unlock()
	if dropped > 0 && t.fieldsDropped != nil {
		t.fieldsDropped.Add(float64(dropped))
	}
	t.readers.await(t.ring, m.Series, rows, t.quit)
	t.ring.Add(m.Series, rows...)
	t.wake()
}

// undecodable counts a payload that is not JSON (or too large, or nested
// too deeply) and logs it, at most once per LogEvery with the count of
// those not logged.
func (t *tap) undecodable(m Message, err error) {
	if t.decodeErrorsMetric != nil {
		t.decodeErrorsMetric.Inc()
	}
	t.lmu.Lock()
	t.decodeErrors++
	now := time.Now()
	if !t.lastLog.IsZero() && now.Sub(t.lastLog) < LogEvery {
		t.unlogged++
		t.lmu.Unlock()
		return
	}
	skipped := t.unlogged
	t.lastLog, t.unlogged = now, 0
	t.lmu.Unlock()
	t.logger.Warn("Skipped a payload that is not readable JSON", t.label, streaming.Excerpt(m.Series),
		"error", err, "bytes", len(m.Payload), "alsoSkippedSinceLastLine", skipped)
}

// wake tells every listener that rows were added, and the first waiter
// that there are rows.
func (t *tap) wake() {
	t.lmu.Lock()
	defer t.lmu.Unlock()
	if !t.gotFirst {
		t.gotFirst = true
		close(t.first)
	}
	for _, c := range t.listeners {
		if len(c) > 0 {
			continue // a wake-up is pending already
		}
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// listen returns a channel that receives a value (coalesced) whenever rows
// were added, and the function that stops it.
func (t *tap) listen() (<-chan struct{}, func()) {
	c := make(chan struct{}, 1)
	t.lmu.Lock()
	t.listeners = append(t.listeners, c)
	t.lmu.Unlock()
	return c, func() {
		t.lmu.Lock()
		t.listeners = removeSwapped(t.listeners, c)
		t.lmu.Unlock()
	}
}

// wideFrame builds a streaming frame of entries under the layout's lock.
func (t *tap) wideFrame(entries []history.Entry, maxBytes int) (*data.Frame, int) {
	f, n, _ := t.versionedFrame(entries, maxBytes)
	return f, n
}

// versionedFrame is wideFrame with the layout version the frame has.
func (t *tap) versionedFrame(entries []history.Entry, maxBytes int) (*data.Frame, int, int) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	f, n := t.layout.wideFrame(entries, maxBytes)
	return f, n, t.layout.version
}

// packet encodes the streaming frame of entries, from the first on while
// they stay within maxBytes as wideFrame takes them: its data only when
// sentVersion, the layout version whose schema the stream sent last, is
// the layout's, otherwise with the schema. It returns the packet, how
// many entries it took and the layout version it has.
func (t *tap) packet(entries []history.Entry, maxBytes, sentVersion int) ([]byte, int, int, error) {
	frame, include, n, version, packet := t.packetLocked(entries, maxBytes, sentVersion)
	if packet != nil {
		return packet, n, version, nil
	}
	packet, err := data.FrameToJSON(frame, include)
	return packet, n, version, err
}

// packetLocked is packet's part under the layout's lock: the data-only
// packet written directly, or else the frame for the SDK to encode.
func (t *tap) packetLocked(entries []history.Entry, maxBytes, sentVersion int) (*data.Frame, data.FrameInclude, int, int, []byte) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	n, version := len(entries), t.layout.version
	if maxBytes > 0 && n > 1 {
		n = t.layout.fit(entries, maxBytes)
	}
	if version == sentVersion {
		if packet, ok := t.layout.dataPacket(entries[:n]); ok {
			return nil, data.IncludeDataOnly, n, version, packet
		}
		frame, _ := t.layout.wideFrame(entries[:n], 0)
		return frame, data.IncludeDataOnly, n, version, nil
	}
	frame, _ := t.layout.wideFrame(entries[:n], 0)
	return frame, data.IncludeAll, n, version, nil
}

// fills reports whether entries fill a frame: maxRows of them, or more
// than maxBytes of frame JSON by the layout's estimate.
func (t *tap) fills(entries []history.Entry, maxBytes, maxRows int) bool {
	if len(entries) >= maxRows {
		return true
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.layout.fit(entries, maxBytes) < len(entries)
}

// seriesFrames builds QueryData's per-series frames under the layout's
// lock.
func (t *tap) seriesFrames(entries []history.Entry) data.Frames {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.layout.seriesFrames(entries)
}

// columns is how many value fields the layout has.
func (t *tap) columns() int {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return len(t.layout.columns)
}

// isReady reports whether the tap's subscription was made or refused.
func (t *tap) isReady() bool {
	select {
	case <-t.ready:
		return true
	default:
		return false
	}
}

// removeSwapped removes the first v from s, moving the last element into
// its place (order does not matter to the callers) and clearing the slot
// it left, so that the backing array holds on to nothing removed.
func removeSwapped[T comparable](s []T, v T) []T {
	i := slices.Index(s, v)
	if i < 0 {
		return s
	}
	last := len(s) - 1
	var zero T
	s[i], s[last] = s[last], zero
	return s[:last]
}
