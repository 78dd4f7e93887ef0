// Package jsonframe turns the JSON payloads of push sources (MQTT, NATS,
// WebSocket, SSE, NDJSON) into typed rows, tracks the schema those rows
// grow mid-stream, and builds Grafana data frames from them. It does no
// networking: a source hands it each message's payload and arrival time.
//
// The three steps, each with its own type:
//
//   - a Decoder reads one payload into Rows: a time and named, typed
//     values, flattened from nested JSON;
//   - a Schema observes the rows, keeps their fields in order of first
//     appearance and says when that order or a field's type changed, so
//     that the caller resends the schema;
//   - Columns (or Schema.Frame) build a *data.Frame of the schema from rows:
//     a time field, then one nullable field per schema field.
//
// # Payloads
//
// A JSON object is one row. A JSON array is a batch: each element is read
// as if it were a payload of its own, so an array of objects gives a row
// per object and an array of scalars a row per scalar, each in the field
// "value"; an element that is itself an array gives one row with the fields
// value.0, value.1, …. A bare number, string or bool is one row with the
// field "value". null, at the top or as a batch element, gives no row, and
// an empty array none either. Anything else is refused with a
// *streaming.FieldError (field "payload"): ErrMalformed when it is not JSON,
// ErrOutOfBounds when it is larger than Options.MaxPayloadBytes or nested
// deeper than MaxNesting. Decoding never panics.
//
// # Names
//
// Nested keys are joined with ".": {"sensor":{"temp":21.5}} gives the field
// sensor.temp, and array elements are named by their index: {"a":[1,2]}
// gives a.0 and a.1. Keys are kept as they are, dots included, so
// {"a.b":1} and {"a":{"b":1}} both give the field a.b: when one row holds
// two values of the same name, the later one in the payload wins and the
// field keeps the earlier one's place. Empty objects and arrays give no
// field. Keys and strings that are not valid UTF-8 have the bad bytes
// replaced by U+FFFD.
//
// A field name has at most Options.MaxDepth segments (8 unless set): an
// object or array at that depth is kept whole, as its compact JSON text, in
// one string field. A row keeps at most Options.MaxFields fields (256
// unless set); the values of further fields are dropped and counted
// (DecodeStats.FieldsDropped), and so are values whose names would be longer
// than MaxNameBytes, and strings past twice the payload's size (which only
// Fields selecting the same text again and again can reach).
//
// # Values
//
// A value is a number (float64: integers beyond ±2^53 lose precision), a
// string, a bool, or null. A null value is kept in its row but never makes a
// field: a field appears in the schema with its first non-null value.
//
// # Time
//
// Without Options.TimeField every row has the payload's arrival time. With
// it, the time is the value at that gjson path in each row's object:
//
//   - a number is seconds, milliseconds, microseconds or nanoseconds since
//     the Unix epoch, told apart by its magnitude: |v| < 1e11 is seconds,
//     < 1e14 milliseconds, < 1e17 microseconds, anything larger
//     nanoseconds. The number's decimal digits are read exactly, so a
//     fraction is kept down to the nanosecond and finer digits are cut off
//     (toward zero);
//   - a string is an RFC 3339 time, with or without a fraction of a second
//     (2026-11-24T12:00:00Z, 2026-11-24T13:00:00.250+01:00), or a decimal
//     number in JSON's syntax ("1732449600123"), read like a number;
//   - a time outside what Grafana's frames hold, int64 nanoseconds since the
//     epoch (1677-09-21 to 2262-04-11), is unreadable.
//
// A missing or null time, or one that is unreadable (another type, another
// string, out of range), gives the row its payload's arrival time instead;
// the row says why in its TimeSource and the Decoder counts it. Times read
// from a payload are in UTC. The value the time was read from is not also
// a value field, wherever it sits; a time that a gjson modifier computed is
// not in the payload and excludes nothing.
//
// # Paths
//
// Options.TimeField and Options.Fields use gjson's path syntax, unchanged:
// "sensor.temp", "readings.0", "a\.b" for a key with a dot. With Fields
// set, a row holds only the values at those paths, each named by its path
// and flattened below it like the rest (the path counts as one segment of
// MaxDepth). A path that matches nothing in a payload gives no value.
// Paths apply to objects and arrays only: a bare scalar, or a scalar in a
// batch, has nothing at any path, so with TimeField set its row's time is
// missing, and with Fields set its row has no values.
//
// # Schema and types
//
// A field keeps the type of its first non-null value. When a later value
// has another type, the field becomes a string field from then on, and
// every value of it, earlier rows' too, is rendered as its JSON text: a
// number as JavaScript writes it (1000, 0.25, 1e+21), a bool as true or
// false. No row is dropped for it. Each such change counts once in
// SchemaStats.TypeChanges and makes Observe report a change.
//
// A schema keeps at most Options.MaxFields fields (the time field not
// counted): the values of fields that do not fit are dropped and counted
// (SchemaStats.FieldsDropped), never silently.
//
// # Frames
//
// A frame's first field is "time" (time.Time), then one field per schema
// field in schema order, of type *float64, *string or *bool, null where a
// row lacks the field. Labels passed to the frame builders go on every
// value field, not on the time field, so one frame per topic or subject
// makes one series per topic. Rows stay in the order given; their times
// need not increase. A payload's field named "time" keeps its name: the
// frame's time field is the first, of type time.Time.
//
// # Concurrency
//
// A Decoder, a Schema and Columns each serve one stream and are not safe
// for concurrent use: a source decodes in the goroutine that reads its
// connection, or gives each goroutine its own Decoder. Rows, once returned,
// share nothing with the Decoder and may be handed to another goroutine.
package jsonframe
