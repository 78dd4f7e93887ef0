// Package websocket is Pulse's WebSocket source: a data source names a
// ws:// or wss:// URL, and each query a path under it; every message the
// server sends on that path is a payload for the feed machinery (package
// feed), which decodes it as JSON into rows of the series labelled
// path=<path>.
//
// # Settings and queries
//
// jsonData.source is "websocket". The connection settings are package
// web's (url with the schemes ws and wss, httpHeaderName<N> with
// secureJsonData httpHeaderValue<N>, basicAuthUser with basicAuthPassword,
// bearerToken, Grafana's TLS options, allowedTopics), the history and
// limits package feed's. A query sets "path" (resolved under url by
// web.Settings.Resolve, checked against allowedTopics by CheckPath) and
// may set "subscribeMessage", a text the connection sends after every
// connect, for servers that wait for a subscription request: valid UTF-8
// of at most 16 KiB, though a streaming query's channel path, which
// carries it, keeps it much shorter (Grafana's 160 characters). Queries
// that differ in their subscribeMessage use separate connections.
//
// # Connections
//
// Every subscription (a feed tap: a path read one way) has a connection of
// its own, made in the background with the data source's headers and TLS
// configuration within Options.HandshakeTimeout. Redirects are not
// followed: a server that answers the upgrade with one, to another host or
// not, is refused with a message saying so. No proxy is used, and no
// compression asked for, so that the read limit bounds what is read.
//
// Messages: text and binary messages alike are payloads; JSON in binary
// frames is common, and whatever is not JSON is counted by the feed as a
// decode error, the connection going on. A message over Options.ReadLimit
// (1 MiB) is not read: the connection is closed (close code 1009) and
// dialled again, so memory stays bounded whatever the server sends.
//
// Keep-alive: a connection sends a ping every Options.PingInterval (20 s);
// one on which nothing arrives — no message, no ping, no pong — for
// PingInterval + Options.PongWait (10 s) is dropped and dialled again.
//
// Reconnecting: a connection is dialled again after any end — a close
// frame of any code, 1000 included (a server that ends its feed is
// dialled again), a reset, a read error, silence — and after every failed
// attempt. The first attempt goes at once; after n failures in a row the
// wait is Options.MinBackoff·2^(n-1) (100 ms doubling), at most MaxBackoff
// (10 s), with jitter between half of it and all of it. The end of a
// connection counts as a failure, unless it stayed up for MaxBackoff or
// longer, which starts the count again.
//
// Handlers: each subscription's messages wait for its handler in a queue
// of at most Options.QueueLength messages and QueueBytes bytes; when a
// handler falls behind, the connection's reader waits for room, and TCP
// slows the server: no message is dropped.
//
// # Health
//
// Client.Health opens a connection to the url itself and closes it: a
// server that answers the upgrade with an HTTP client error such as 404
// (a base URL that is no endpoint of its own) is reachable; refused
// credentials (HTTP 401, 403, 407), a redirect, a server error, a refused
// connection, a timeout and TLS failures are a *ConnectError saying so in
// plain words, never quoting a secret.
//
// # Concurrency
//
// Every exported function and every method of Client may be called
// concurrently. Unsubscribe closes its connection (close code 1000) and
// waits for the subscription's goroutines; Close does so for all.
package websocket
