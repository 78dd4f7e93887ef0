// Package feed is the machinery every push source shares (MQTT today;
// NATS, WebSocket, Server-Sent Events and NDJSON over HTTP next): it turns
// an Upstream's messages into a data source's queries, channels and
// history, so that a source package only connects to its feed and checks
// its targets.
//
// # Taps
//
// A tap is one subscription on the data source's one Upstream connection,
// for one target (an MQTT topic filter) read one way (a time field and a
// field selection). Its messages are decoded once (package jsonframe) and
// kept in a history.Ring, bounded by rows and bytes. A tap lives while a
// stream runs on it, and lingers for Settings.Linger after its last stream
// stopped or a QueryData last read it: a refreshed panel, a late viewer and
// an alert rule evaluated within the linger all see the recent rows.
// Channels that differ only in their flush window share a tap.
//
// # Streams
//
// A stream is a cursor over its tap's ring: it sends the rows added after
// the ones its viewers were given, batched by the query's flush window (a
// row after a quiet window goes out at once), each frame at most
// streaming.DefaultMaxFrameBytes. A receiver that falls behind holds no
// buffer of its own: the rows it did not read in time are evicted from the
// ring, skipped and counted (streaming.Metrics.RowsDropped), so memory
// stays within the history's bound whatever the receiver does.
//
// # Frames
//
// Every concrete target (an MQTT topic matched by a wildcard) is a series
// labelled Options.Label=<target>. A streaming frame is wide: the time
// field, then one nullable field per series and payload field, in order of
// first appearance; a row has values in its own series' fields only. A new
// series or field changes the schema, which the stream sends again with
// its next frame; Grafana keeps the values of fields whose name and type
// are unchanged. So that values stay with their series across such a
// change, fields of a wildcard target are named "<field> <target>" (and
// displayed so); fields of a target without wildcards keep the field's
// name. A channel's fields are at most the decoder's MaxFields (256 unless
// set): values of further fields are dropped and counted.
//
// QueryData without streaming returns one frame per series, sorted by
// time, with fields named as in the payload and labelled with the target:
// what alert rules and Grafana's expressions expect.
//
// # Channel paths
//
// A channel path is "<source>/v1/<flushMs>/<query>", where <query> is the
// target, the time field and the selected fields joined by NUL bytes and
// encoded in base64url without padding (RFC 4648 §5): any target, spaces
// and non-ASCII included, fits Grafana's characters. A query whose channel
// would be longer than Grafana's 160 characters is refused with an error
// that says how long it would be, never truncated. A path that does not
// decode, or does not re-encode to itself, is one Pulse never writes.
//
// # Concurrency
//
// A Feed is safe for concurrent use. Each tap decodes on the goroutine
// its Upstream runs its handler on; streams read the ring and the tap's
// layout under the tap's locks.
package feed
