// Package nats is Pulse's NATS source: a data source's settings, NATS
// subjects, and the one connection a data source instance shares among
// all its channels, with its health check; NewSource serves queries and
// channels from it through package feed.
//
// # Settings
//
// ParseSettings reads jsonData url (one or more servers, comma-separated,
// nats://host[:port] or tls://host[:port], port 4222 by default), authType
// ("none", "token", "userPassword", "nkey" or "credentials"), username,
// the TLS flags (tlsSkipVerify, tlsAuth, tlsAuthWithCACert) and
// allowedTopics (NATS subject patterns); and secureJsonData token,
// password, nkeySeed (an NKey user seed), credentials (the content of a
// .creds file, kept in memory only) and the TLS PEM blocks. Secrets never
// appear in an error, a log line or a printed Settings.
//
// # Subjects
//
// ValidateSubject, Wildcard, Covers and Allowed implement NATS's rules
// for subjects: "*" stands for one token and ">" for one or more trailing
// ones. Pulse accepts wildcards only as whole tokens. Allowed decides
// whether a subject a viewer asks for is within the data source's
// allowedTopics: some pattern must match every subject it can match.
//
// # The client
//
// A Client keeps one nats.go connection up: it connects in the
// background, retries for ever (ReconnectWait plus jitter between rounds
// over the servers) and keeps retrying after the server refused the
// credentials, so that fixing them server-side brings the data source
// back.
//
// A subscription with a start time (a query's range start) whose subject
// a JetStream stream keeps entirely reads that stream with one ordered
// consumer (nats.go's jetstream package, which works with nats-server
// 2.9): from the start time, or, when more than the history's row limit
// of messages were stored since, from the sequence after which that many
// were, found by bisection with short-lived consumers that the server
// counts for. The same consumer then delivers the live messages as the
// stream stores them, so backfill joins live without a gap or a
// duplicate; after a reconnect or a server restart the ordered consumer
// makes a new consumer that starts after the last sequence it delivered.
// Each stored message's time is the stream's timestamp. Other
// subscriptions are core NATS ones: live only, each with a bounded queue
// that drops new messages when its handler falls behind, counted.
//
// Health checks say in plain words what failed: no such host, connection
// refused, TLS problems, or "the server refused the credentials
// (authorization violation)", probing each server with a fresh
// connection when the shared one is down; they wait at most 10 s.
//
// # Concurrency
//
// Every exported function and every method of Client may be called
// concurrently. Handlers run on the library's goroutines, one per
// subscription, never concurrently with themselves. Close ends every
// goroutine the Client started, waiting for handlers under way.
package nats
