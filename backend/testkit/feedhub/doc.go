// Package feedhub is a server for specs and benchmarks of Pulse's HTTP and
// WebSocket sources: it serves every path as a live feed — Server-Sent
// Events, NDJSON or WebSocket, as the client asks — and Publish writes a
// payload to the clients of a path, in order. SSE events carry ids, and a
// client that reconnects with Last-Event-ID gets the events it missed from
// a bounded backlog. Production code never imports it.
package feedhub
