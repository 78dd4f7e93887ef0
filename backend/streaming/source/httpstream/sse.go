package httpstream

import (
	"bytes"
	"io"
	"math"
	"time"
)

// bom is the UTF-8 byte order mark, which an event stream may start with.
var bom = []byte{0xEF, 0xBB, 0xBF}

// Event is one Server-Sent Event.
type Event struct {
	// ID is the stream's last event ID when the event was dispatched: the
	// value of the last id field so far, in this event or an earlier one
	// (as the WHATWG rules say, it persists until the server sets another).
	ID string
	// Type is the event field's value, "message" when the event has none
	// or an empty one.
	Type string
	// Data is the values of the event's data fields, joined by "\n". It
	// is the caller's: the reader does not use it again.
	Data []byte
	// Retry is the reconnection time the event's own retry field set, 0
	// when it has none (or says 0, which RetryDelay treats alike). See
	// also SSEReader.Retry.
	Retry time.Duration
}

// SSEOptions bounds an SSEReader. A zero or negative bound takes its
// default.
type SSEOptions struct {
	// MaxLineBytes bounds one line, without its end (DefaultMaxLineBytes,
	// 1 MiB, unless set).
	MaxLineBytes int
	// MaxEventBytes bounds one event's Data (DefaultMaxEventBytes, 1 MiB,
	// unless set).
	MaxEventBytes int
}

// SSEReader reads Server-Sent Events from a text/event-stream body, by the
// WHATWG HTML rules for event streams (see the package documentation),
// with bounded memory. It is not safe for concurrent use.
type SSEReader struct {
	lines    lineReader
	maxEvent int
	started  bool

	// The event being read.
	data     []byte
	hasData  bool  // a data field was read: the spec's data buffer is not empty
	dataLen  int64 // the length Data would have, counted beyond maxEvent
	typ      string
	retry    time.Duration
	skip     bool // a line or the data was too long: the event is not dispatched
	reported bool // the skip was reported already

	// The stream's state.
	idBuffer    string
	lastEventID string
	reconnect   time.Duration
}

// NewSSEReader reads events from r.
func NewSSEReader(r io.Reader, opts SSEOptions) *SSEReader {
	if opts.MaxLineBytes <= 0 {
		opts.MaxLineBytes = DefaultMaxLineBytes
	}
	if opts.MaxEventBytes <= 0 {
		opts.MaxEventBytes = DefaultMaxEventBytes
	}
	return &SSEReader{lines: newLineReader(r, opts.MaxLineBytes, true), maxEvent: opts.MaxEventBytes}
}

// Next reads the next event. Its errors:
//
//   - a *TooLongError (errors.Is ErrTooLong) for an event skipped because
//     one of its lines or its data was too long. It is reported once per
//     event, and the reader goes on with the next one: call Next again;
//   - io.EOF at the end of the stream, where an event without its blank
//     line is not dispatched, or the stream's own error. Every later call
//     returns it again.
func (s *SSEReader) Next() (Event, error) {
	if !s.started {
		s.started = true
		s.lines.skipPrefix(bom)
	}
	for {
		line, n, terminated, err := s.lines.next()
		if err != nil {
			s.reset()
			return Event{}, err
		}
		if !terminated {
			// The stream ended within this line: the event it belongs to
			// cannot be dispatched.
			continue
		}
		if n > int64(s.lines.max) {
			s.skip = true
			s.data = s.data[:0]
			if !s.reported {
				s.reported = true
				return Event{}, &TooLongError{What: "line", Length: n, Limit: s.lines.max}
			}
			continue
		}
		if len(line) == 0 {
			if ev, ok, err := s.dispatch(); ok || err != nil {
				return ev, err
			}
			continue
		}
		s.field(line)
	}
}

// LastEventID is the stream's last event ID: the ID of the events
// dispatched from now on unless the server sets another, and what a client
// sends as Last-Event-ID when it reconnects. It is set, as the WHATWG
// rules say, at the blank line that ends an event, even one that is not
// dispatched (no data) or was skipped (too long).
func (s *SSEReader) LastEventID() string { return s.lastEventID }

// Retry is the reconnection time the stream set last with a retry field,
// in any event, dispatched or not; 0 when it set none.
func (s *SSEReader) Retry() time.Duration { return s.reconnect }

// field processes one line that is not blank.
func (s *SSEReader) field(line []byte) {
	if line[0] == ':' {
		return // a comment
	}
	name, value := line, []byte(nil)
	if i := bytes.IndexByte(line, ':'); i >= 0 {
		name, value = line[:i], line[i+1:]
		if len(value) > 0 && value[0] == ' ' {
			value = value[1:]
		}
	}
	switch string(name) {
	case "data":
		first := !s.hasData
		if !first {
			s.dataLen++ // the "\n" before this value
		}
		s.hasData = true
		s.dataLen += int64(len(value))
		if s.skip {
			return
		}
		if s.dataLen > int64(s.maxEvent) {
			s.skip = true
			s.data = s.data[:0]
			return
		}
		if !first {
			s.data = append(s.data, '\n')
		}
		s.data = append(s.data, value...)
	case "event":
		s.typ = string(value)
	case "id":
		if bytes.IndexByte(value, 0) < 0 {
			s.idBuffer = string(value)
		}
	case "retry":
		if d, ok := parseRetry(value); ok {
			s.retry = d
			s.reconnect = d
		}
	}
}

// dispatch ends an event at a blank line: ok says whether it is one to
// return; err is the report of a skipped event.
func (s *SSEReader) dispatch() (Event, bool, error) {
	defer s.reset()
	s.lastEventID = s.idBuffer
	if s.skip {
		if s.reported {
			return Event{}, false, nil
		}
		return Event{}, false, &TooLongError{What: "event", Length: s.dataLen, Limit: s.maxEvent}
	}
	if !s.hasData {
		return Event{}, false, nil
	}
	ev := Event{ID: s.lastEventID, Type: s.typ, Data: s.data, Retry: s.retry}
	if ev.Type == "" {
		ev.Type = "message"
	}
	if ev.Data == nil {
		ev.Data = []byte{}
	}
	s.data = nil
	return ev, true, nil
}

// reset forgets the event being read.
func (s *SSEReader) reset() {
	s.data = s.data[:0]
	s.hasData = false
	s.dataLen = 0
	s.typ = ""
	s.retry = 0
	s.skip = false
	s.reported = false
}

// parseRetry reads a retry field's value, a count of milliseconds in ASCII
// digits; ok is false for anything else, which the field then ignores.
// Counts beyond time.Duration's range read as its largest value.
func parseRetry(v []byte) (time.Duration, bool) {
	if len(v) == 0 {
		return 0, false
	}
	const limit = math.MaxInt64 / int64(time.Millisecond)
	var ms int64
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
		if ms <= limit {
			ms = ms*10 + int64(c-'0')
		}
	}
	if ms > limit {
		return math.MaxInt64, true
	}
	return time.Duration(ms) * time.Millisecond, true
}
