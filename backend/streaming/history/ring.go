// Package history keeps the recent rows of a push feed's channel, so that a
// refreshed or late panel is filled at once and QueryData (and so an alert
// rule) sees real values: a ring bounded by rows and by bytes, oldest rows
// evicted first.
package history

import (
	"slices"
	"sync"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// Defaults of Options.
const (
	DefaultMaxRows  = 10_000
	DefaultMaxBytes = 4 << 20
)

// Options bound a Ring. The zero value means the defaults.
type Options struct {
	// MaxRows is how many rows the ring keeps at most. Zero means
	// DefaultMaxRows.
	MaxRows int
	// MaxBytes is roughly how much memory the kept rows take at most, by
	// RowBytes. Zero means DefaultMaxBytes.
	MaxBytes int64
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	return o
}

// Entry is one kept row and the series it belongs to (for MQTT, the
// concrete topic it came on).
type Entry struct {
	Series string
	Row    jsonframe.Row
}

// Stats count what a ring did.
type Stats struct {
	// Added and Evicted count rows; Rows and Bytes are what it holds now.
	Added, Evicted int64
	Rows           int
	Bytes          int64
}

// Ring keeps the newest rows of one channel within its bounds. It is safe
// for concurrent use: one writer adds while any number of readers read.
// Rows are kept in the order they were added; a row larger than MaxBytes
// on its own is still kept, alone, as the newest.
type Ring struct {
	opts    Options
	mu      sync.RWMutex
	entries []Entry // circular, len(entries) == opts.MaxRows once full
	first   int     // index of the oldest entry
	n       int     // how many entries are kept
	bytes   int64
	added   int64
	evicted int64
}

// NewRing returns an empty ring.
func NewRing(opts Options) *Ring {
	return &Ring{opts: opts.withDefaults()}
}

// Add keeps rows of series, evicting the oldest rows as the bounds require.
func (r *Ring) Add(series string, rows ...jsonframe.Row) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, row := range rows {
		size := EntryBytes(series, row)
		for r.n > 0 && (r.n >= r.opts.MaxRows || r.bytes+size > r.opts.MaxBytes) {
			r.evictOldest()
		}
		r.push(Entry{Series: series, Row: row}, size)
	}
}

// push appends e; r.mu is held and there is room.
func (r *Ring) push(e Entry, size int64) {
	if len(r.entries) < r.opts.MaxRows {
		// Grow until full; the ring wraps only once it holds MaxRows.
		if r.first+r.n == len(r.entries) {
			r.entries = append(r.entries, e)
		} else {
			r.entries[(r.first+r.n)%len(r.entries)] = e
		}
	} else {
		r.entries[(r.first+r.n)%len(r.entries)] = e
	}
	r.n++
	r.bytes += size
	r.added++
}

// evictOldest drops the oldest entry; r.mu is held.
func (r *Ring) evictOldest() {
	old := &r.entries[r.first]
	r.bytes -= EntryBytes(old.Series, old.Row)
	*old = Entry{} // let the row's strings go
	r.first = (r.first + 1) % len(r.entries)
	r.n--
	r.evicted++
	if r.n == 0 {
		r.first = 0
		r.entries = r.entries[:0]
	}
}

// Range returns the kept entries whose time is within [from, to], oldest
// first (in the order they were added).
func (r *Ring) Range(from, to time.Time) []Entry {
	r.mu.RLock()
	defer r.mu.RUnlock()
	var out []Entry
	for i := range r.n {
		e := r.entries[(r.first+i)%len(r.entries)]
		if !e.Row.Time.Before(from) && !e.Row.Time.After(to) {
			out = append(out, e)
		}
	}
	return out
}

// Newest returns the newest n kept entries, oldest first.
func (r *Ring) Newest(n int) []Entry {
	out, _ := r.Tail(n)
	return out
}

// Since returns at most limit kept entries from sequence number seq on,
// oldest first, and the sequence number after the last one returned: the
// n-th row ever added has sequence number n-1, so a reader that keeps the
// returned next as its cursor reads every row once. When rows from seq on
// were evicted before the reader came to them, it gets the oldest kept
// rows and skipped says how many it missed. A seq past the newest row
// returns nothing, with next the sequence number of the next row added.
func (r *Ring) Since(seq uint64, limit int) (entries []Entry, next uint64, skipped uint64) {
	return r.SinceAppend(nil, seq, limit)
}

// SinceAppend is Since appending the entries to dst, whose array it
// reuses when it has room: a reader that keeps no entry past its next
// read needs no new slice for each.
func (r *Ring) SinceAppend(dst []Entry, seq uint64, limit int) (entries []Entry, next uint64, skipped uint64) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	oldest := uint64(r.added) - uint64(r.n)
	end := uint64(r.added)
	if seq < oldest {
		skipped = oldest - seq
		seq = oldest
	}
	if seq >= end || limit <= 0 {
		return dst, seq, skipped
	}
	count := min(int(end-seq), limit)
	entries = slices.Grow(dst, count)
	start := int(seq - oldest)
	for i := start; i < start+count; i++ {
		entries = append(entries, r.entries[(r.first+i)%len(r.entries)])
	}
	return entries, seq + uint64(count), skipped
}

// Tail returns the newest n kept entries, oldest first, and the sequence
// number after the newest: a cursor there reads only the rows added after
// the ones returned.
func (r *Ring) Tail(n int) ([]Entry, uint64) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	n = max(0, min(n, r.n))
	out := make([]Entry, 0, n)
	for i := r.n - n; i < r.n; i++ {
		out = append(out, r.entries[(r.first+i)%len(r.entries)])
	}
	return out, uint64(r.added)
}

// Next is the sequence number the next row added will have: a cursor at
// Next reads only rows added from now on.
func (r *Ring) Next() uint64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return uint64(r.added)
}

// Fill is how full the ring would be, for a reader at seq, once rows more
// rows of bytes were added: the rows after seq and those, as a share of
// MaxRows or of MaxBytes, whichever is larger (the rows after seq counted
// at the ring's average size). At 1 or more, adding them evicts rows the
// reader has not read.
func (r *Ring) Fill(seq uint64, rows int, bytes int64) float64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	ahead := int64(0)
	if added := uint64(r.added); seq < added {
		ahead = int64(min(added-seq, uint64(r.n)))
	}
	var aheadBytes int64
	if r.n > 0 {
		aheadBytes = r.bytes * ahead / int64(r.n)
	}
	byRows := float64(ahead+int64(rows)) / float64(r.opts.MaxRows)
	byBytes := float64(aheadBytes+bytes) / float64(r.opts.MaxBytes)
	return max(byRows, byBytes)
}

// Stats returns the ring's counters.
func (r *Ring) Stats() Stats {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return Stats{Added: r.added, Evicted: r.evicted, Rows: r.n, Bytes: r.bytes}
}

// EntryBytes estimates the memory a kept row takes: its time, its series
// name and, per field, the name, the value and the slice and string
// headers around them. It is an estimate for bounding, not an exact count.
func EntryBytes(series string, row jsonframe.Row) int64 {
	const entry, field = 96, 64 // struct and header overhead
	size := int64(entry + len(series))
	for _, f := range row.Fields {
		size += int64(field + len(f.Name) + len(f.Value.Str))
	}
	return size
}
