package jsonframe

import (
	"slices"
	"time"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// DecodeStats counts what a Decoder did since it was made. Every refused
// payload counts once, in NotJSON or TooLarge, and its error says which.
type DecodeStats struct {
	// Payloads is how many payloads Decode was given.
	Payloads int64
	// Rows is how many rows it returned.
	Rows int64
	// NotJSON counts payloads refused because they are not JSON.
	NotJSON int64
	// TooLarge counts payloads refused because they are larger than
	// MaxPayloadBytes or nested deeper than MaxNesting.
	TooLarge int64
	// TimeMissing counts rows given their arrival time because TimeField is
	// set but missing or null in their object.
	TimeMissing int64
	// TimeUnreadable counts rows given their arrival time because the value
	// at TimeField is not a time Pulse reads.
	TimeUnreadable int64
	// FieldsDropped counts values dropped from their row: the row already
	// held MaxFields fields, the value's name would be longer than
	// MaxNameBytes, or the payload's strings outgrew their budget. An
	// object or array dropped whole counts once.
	FieldsDropped int64
}

// Decoder reads payloads into rows by its Options. It keeps scratch space
// from one payload to the next, so it serves one goroutine: it is not safe
// for concurrent use. The zero value decodes with the default options.
type Decoder struct {
	opts  Options
	ready bool
	stats DecodeStats

	// Scratch, reused from payload to payload.
	name  []byte            // the name of the value being read
	names map[string]string // field names seen lately, interned
	// lastNames are the names of the last payload's values, in order.
	lastNames []string
	arena     []byte         // the bytes of the payload's string values
	values    []pendingValue // the payload's values, row after row
	rows      []pendingRow
	seen      map[string]int // the current row's names, once it is wide
	seenUsed  bool
	skip      gjson.Result // the value the row's time was read from
	skipSet   bool
}

// pendingValue is a value read but not yet returned: a string's bytes are in
// the arena until the payload is done.
type pendingValue struct {
	name       string
	value      Value
	start, end int // a string's bytes in the arena
}

// pendingRow is a row read but not yet returned: its values are
// values[start:end].
type pendingRow struct {
	time       time.Time
	source     TimeSource
	start, end int
}

// NewDecoder checks opts and makes a Decoder of them. The error is the
// *streaming.FieldError of Options.Validate.
func NewDecoder(opts Options) (*Decoder, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	return &Decoder{opts: opts}, nil
}

// Options are the decoder's options, defaults filled in.
func (d *Decoder) Options() Options { return d.opts.withDefaults() }

// Stats returns the decoder's counters.
func (d *Decoder) Stats() DecodeStats { return d.stats }

// Decode reads one payload, which arrived at arrival, into its rows (none
// for null or an empty array). A payload that is not JSON, larger than
// MaxPayloadBytes or nested deeper than MaxNesting gives no rows and a
// *streaming.FieldError for the field "payload": ErrMalformed or
// ErrOutOfBounds, quoting at most a short excerpt of it. The rows share
// nothing with payload or with the Decoder.
func (d *Decoder) Decode(payload []byte, arrival time.Time) ([]Row, error) {
	return d.DecodeAppend(nil, payload, arrival)
}

// DecodeAppend is Decode appending the rows to dst, whose array it reuses
// when it has room, and returning dst as it was with an error: a caller
// that copies the rows elsewhere (their fields, which it may keep, are
// new) decodes a steady stream of payloads into one slice.
func (d *Decoder) DecodeAppend(dst []Row, payload []byte, arrival time.Time) ([]Row, error) {
	if !d.ready {
		d.opts, d.ready = d.opts.withDefaults(), true
		d.names = map[string]string{}
	}
	d.stats.Payloads++
	if len(payload) > d.opts.MaxPayloadBytes {
		d.stats.TooLarge++
		return dst, outOfBounds("payload", "at most %d bytes, got %d", d.opts.MaxPayloadBytes, len(payload))
	}
	// gjson validates recursively: refuse what nests too deeply first. A
	// payload no longer than MaxNesting cannot nest deeper.
	if len(payload) > MaxNesting && nestedDeeper(payload, MaxNesting) {
		d.stats.TooLarge++
		return dst, outOfBounds("payload", "nested at most %d levels deep, got a deeper payload of %d bytes", MaxNesting, len(payload))
	}
	if !gjson.ValidBytes(payload) {
		d.stats.NotJSON++
		return dst, malformed("payload", "not JSON: %s", streaming.Excerpt(string(payload)))
	}
	// The payload is only read while it is decoded: every string a row
	// keeps is copied out (into the arena, or interned), so it is parsed
	// in place rather than copied first.
	root := gjson.Parse(unsafe.String(unsafe.SliceData(payload), len(payload)))
	budget := 2*len(payload) + 4096
	if root.IsArray() {
		root.ForEach(func(_, element gjson.Result) bool {
			d.row(element, arrival, budget)
			return true
		})
	} else {
		d.row(root, arrival, budget)
	}
	return d.finish(dst), nil
}

// row reads one object or scalar, a payload or a batch's element, into a
// row; null gives none.
func (d *Decoder) row(v gjson.Result, arrival time.Time, budget int) {
	if v.Type == gjson.Null {
		return
	}
	r := pendingRow{time: arrival, source: TimeArrival, start: len(d.values)}
	d.skipSet = false
	if d.opts.TimeField != "" {
		var tv gjson.Result
		if v.Type == gjson.JSON { // paths apply to objects and arrays only
			tv = v.Get(d.opts.TimeField)
		}
		if t, source := payloadTime(tv); source == TimePayload {
			r.time, r.source = t, source
		} else {
			r.source = source
			if source == TimeMissing {
				d.stats.TimeMissing++
			} else {
				d.stats.TimeUnreadable++
			}
		}
		if tv.Exists() {
			d.skip, d.skipSet = tv, true
		}
	}
	d.rows = append(d.rows, r)
	if d.seenUsed {
		clear(d.seen)
		d.seenUsed = false
	}
	w := walk{d: d, budget: budget}
	switch {
	case len(d.opts.Fields) > 0:
		if v.Type != gjson.JSON {
			break
		}
		for _, path := range d.opts.Fields {
			if fv := v.Get(path); fv.Exists() {
				d.name = append(d.name[:0], path...)
				w.value(fv, 1)
			}
		}
	case v.IsObject():
		d.name = d.name[:0]
		w.members(v, 0, true)
	default:
		d.name = append(d.name[:0], streaming.ValueField...)
		w.value(v, 1)
	}
	d.rows[len(d.rows)-1].end = len(d.values)
}

// finish appends the rows read from the payload to rows and readies the
// scratch space for the next one.
func (d *Decoder) finish(rows []Row) []Row {
	if len(d.rows) > 0 {
		arena := string(d.arena)
		fields := make([]Field, len(d.values))
		for i, p := range d.values {
			v := p.value
			if v.Type == TypeString {
				v.Str = arena[p.start:p.end]
			}
			fields[i] = Field{Name: p.name, Value: v}
		}
		rows = slices.Grow(rows, len(d.rows))
		for _, r := range d.rows {
			row := Row{Time: r.time, TimeSource: r.source}
			if r.end > r.start {
				row.Fields = fields[r.start:r.end:r.end]
			}
			rows = append(rows, row)
		}
	}
	d.stats.Rows += int64(len(d.rows))
	if len(d.values) <= maxLastNames {
		d.lastNames = d.lastNames[:0]
		for _, p := range d.values {
			d.lastNames = append(d.lastNames, p.name)
		}
	}
	// Keep the scratch space of usual payloads; let an unusual one's go.
	d.arena = reuse(d.arena, 64<<10)
	d.values = reuse(d.values, 4096)
	d.rows = reuse(d.rows, 4096)
	d.name = reuse(d.name, 4096)
	if len(d.seen) > 4096 {
		d.seen, d.seenUsed = nil, false
	}
	d.skip, d.skipSet = gjson.Result{}, false
	return rows
}

// maxLastNames bounds the names a Decoder keeps of the last payload.
const maxLastNames = 256

// reuse empties s, or drops it when it grew past limit.
func reuse[T any](s []T, limit int) []T {
	if cap(s) > limit {
		return nil
	}
	return s[:0]
}

// nestedDeeper reports whether p's brackets, outside strings, nest deeper
// than limit.
func nestedDeeper(p []byte, limit int) bool {
	depth, inString := 0, false
	for i := 0; i < len(p); i++ {
		c := p[i]
		if inString {
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			if depth++; depth > limit {
				return true
			}
		case '}', ']':
			depth--
		}
	}
	return false
}
