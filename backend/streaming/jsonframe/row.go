package jsonframe

import "time"

// Row is one reading decoded from a payload: its time and its values in
// payload order, each name at most once.
type Row struct {
	Time time.Time
	// TimeSource says where Time comes from.
	TimeSource TimeSource
	Fields     []Field
}

// Field is one named value of a row.
type Field struct {
	Name  string
	Value Value
}

// Get returns the value of the field name, and whether the row has it.
func (r Row) Get(name string) (Value, bool) {
	for _, f := range r.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return Value{}, false
}

// TimeSource says where a row's time comes from.
type TimeSource uint8

// Sources of a row's time. TimeMissing and TimeUnreadable rows have their
// payload's arrival time, as TimeArrival rows do, but only because the
// payload lacked a readable time at Options.TimeField: those are the rows a
// caller counts and may log.
const (
	// TimeArrival: no TimeField is set, the row has its arrival time.
	TimeArrival TimeSource = iota
	// TimePayload: the time was read at TimeField.
	TimePayload
	// TimeMissing: TimeField is set but the row has no value there, or null.
	TimeMissing
	// TimeUnreadable: the value at TimeField is not a time Pulse reads.
	TimeUnreadable
)

// String names the source.
func (s TimeSource) String() string {
	switch s {
	case TimePayload:
		return "payload"
	case TimeMissing:
		return "missing"
	case TimeUnreadable:
		return "unreadable"
	default:
		return "arrival"
	}
}

// Fallback reports whether the row has its arrival time although
// TimeField is set.
func (s TimeSource) Fallback() bool { return s == TimeMissing || s == TimeUnreadable }
