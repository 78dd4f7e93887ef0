// Package httpstream is Pulse's HTTP stream source, jsonData.source
// "http": it reads Server-Sent Events and newline-delimited JSON (NDJSON)
// from paths under a data source's base URL, and hands each event's data
// or each line to the feed's decoder (package feed), which makes rows of
// it.
//
// # Settings and queries
//
// A data source's settings are package web's (url, http:// or https://;
// httpHeaderName/Value pairs; basicAuthUser and basicAuthPassword, or
// bearerToken; the TLS options; allowedTopics) and the feed's
// (historyMaxRows, historyMaxBytes, lingerSeconds, maxStreams). A query
// names a path under the base URL in "path" (required; "/" is the base
// itself; web.Settings.CheckPath decides whether it may), and may set:
//
//   - "format": "auto" (the default, also when empty) reads the body by its
//     Content-Type: text/event-stream as Server-Sent Events;
//     application/x-ndjson, application/ndjson, application/jsonl,
//     application/x-jsonlines, application/json and text/plain as NDJSON;
//     any other type is logged and retried. "sse" and "ndjson" read the
//     body so whatever its Content-Type. "auto" and an empty format are
//     one query: they share a tap and a channel path (feed.Param.Default);
//   - "event": keep only the Server-Sent Events of that type ("message"
//     for events without an event field); empty keeps every event.
//
// Every payload is one row of the query's one series, labelled
// path=<the query's path>.
//
// # Streams
//
// A Client is the data source's one http.Client: its dial, TLS handshake
// and response headers are bounded (Options), its body never is, since a
// stream lasts as long as the server keeps it open. Each subscription has
// one goroutine that GETs the path with the settings' headers and
// credentials, an Accept header for its format and, once a Server-Sent
// Event stream set one, the last event ID as Last-Event-ID, so that a
// server that supports it resumes after the last event read, with no gap
// and no duplicate. When the stream ends or fails, it is opened again:
//
//   - after a stream that delivered something: the server's retry when
//     it set one (kept within RetryDelay's bounds, 100 ms to 60 s);
//     after a plain response (the server ended it cleanly within 5 s) at
//     least DefaultRetryDelay (3 s), growing like a backoff while the
//     path keeps answering so, so that a path that is no stream is not
//     polled several times a second; otherwise Options.MinBackoff with
//     jitter;
//   - after a failure (a connection or TLS error, a status that is not
//     2xx, a Content-Type auto cannot read, a stream that ended before it
//     delivered anything): exponential backoff from MinBackoff to
//     MaxBackoff with jitter, and never sooner than the server's retry;
//   - after HTTP 401 or 403: at least Options.AuthBackoff (30 s).
//
// A failure is logged in plain words, the same one at most once per
// Options.LogEvery. Redirects are followed up to Options.MaxRedirects
// times within the base URL's scheme, host and port; a redirect anywhere
// else is refused (ErrRedirectRefused) and never requested, so that the
// credentials reach no other server. Stats' Connected is true while every
// subscription's stream is open, and there is one at least.
//
// A health check GETs the base URL and reads only the status: anything
// but 401, 403 and 5xx means the server was reached.
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
// Memory stays bounded whatever a server sends (the source counts each
// skipped part in Stats' Dropped and logs it):
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
