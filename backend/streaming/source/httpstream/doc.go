// Package httpstream is the pure part of Pulse's coming HTTP source, which
// reads Server-Sent Events and newline-delimited JSON (NDJSON) from a URL
// under a data source's base URL: how a body is split into events or
// lines, and how long to wait before reconnecting. It does no networking,
// and no source uses it yet; the source will hand each event's data or
// each line to the feed's decoder. A query's path is resolved under the
// base URL by package web (Settings.Resolve).
//
// # Server-Sent Events
//
// SSEReader follows the WHATWG HTML rules for event streams: a line ends
// with CR LF, LF or CR; one UTF-8 byte order mark at the start is skipped;
// a line starting with ":" is a comment; a line "name: value" (one space
// after the colon dropped) or "name" (empty value) sets a field: data
// (values joined by "\n"), event (the type, "message" when empty), id (the
// last event ID, which persists across events; a value with NUL is
// ignored) and retry (ASCII digits only, milliseconds; anything else is
// ignored); other fields are ignored. A blank line dispatches the event,
// unless it had no data field ("data:" alone is an event with empty data).
// An event the stream ends within, before its blank line, is not
// dispatched. Bytes are passed on as they are: invalid UTF-8 is not
// replaced.
//
// # NDJSON
//
// NDJSONReader returns one line per call: lines end with LF or CR LF, the
// last may have no end, and blank lines are skipped. It does not parse
// JSON.
//
// # Bounds
//
// Memory stays bounded whatever a server sends:
//
//   - a line is at most MaxLineBytes (1 MiB unless set), without its end;
//   - an event's data is at most MaxEventBytes (1 MiB unless set);
//   - a reader's buffer is 16 KiB.
//
// A longer line or event is read to its end without being kept, skipped,
// and reported by Next as a *TooLongError (errors.Is ErrTooLong) that says
// how long it was; the next call goes on with the next event or line. A
// line that is too long takes the whole event it belongs to with it,
// though its id and retry fields still count.
//
// RetryDelay keeps a server's retry within 100 ms and 60 s, and waits 3 s
// when the server set none.
package httpstream
