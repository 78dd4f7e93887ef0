// Package mqtt is the broker side of Pulse's MQTT source: a data source's
// settings, MQTT topic filters, and the one broker connection a data
// source instance shares among all its channels, with its health check.
// It hands each subscriber the messages of its topic filter; turning them
// into frames (package jsonframe) and streams is the source's business.
//
// # Settings
//
// ParseSettings reads the names grafana/mqtt-datasource uses (jsonData
// uri, username, clientID, tlsSkipVerify, tlsAuth, tlsAuthWithCACert;
// secureJsonData password, tlsCACert, tlsClientCert, tlsClientKey), and
// Pulse's protocolVersion ("3.1.1" or "5") and allowedTopics. Secrets
// never appear in an error, a log line or a printed Settings.
//
// # Topic filters
//
// ValidateFilter, Matches, Covers and Allowed implement MQTT's rules for
// topic filters: Allowed decides whether a filter a viewer asks for is
// within the data source's allowedTopics.
//
// # The client
//
// A Client keeps one connection up, in MQTT 3.1.1 (paho.mqtt.golang) or
// MQTT 5 (paho.golang's autopaho), over TCP, TLS or websockets. Every
// connection starts with a clean session; after a loss the client
// reconnects by itself and subscribes again to every live filter.
//
// Reconnecting follows one rule for both versions: the first attempt goes
// at once; after n failed attempts in a row the next waits
// MinBackoff·2^(n-1) (100 ms, 200 ms, … by default), at most MaxBackoff
// (10 s), with jitter (a random wait between half of that and all of it).
// A connection that stayed up for MaxBackoff or longer starts the count
// again, so the first attempt after it goes at once; one that ended
// sooner counts as a failure.
//
// Subscribing is counted per filter: two channels on one filter cost one
// broker subscription, and the last unsubscribe removes it. Pulse
// subscribes with QoS 1. Overlapping filters (a/# and a/+) each receive a
// matching message once: MQTT 5 subscriptions carry subscription
// identifiers, which say which filter a copy is for; with MQTT 3.1.1 the
// client matches the topic against its filters, which assumes the broker
// sends one copy for overlapping subscriptions, as mosquitto does (the
// protocol allows one copy per subscription).
//
// Health checks (CheckHealth, Client.Health) wait at most 10 s and say in
// plain words what failed, as a *ConnectError with a Reason.
//
// # Concurrency
//
// Every exported function and every method of Client may be called
// concurrently. Handlers run on goroutines of the Client, one per
// subscriber, fed through a bounded queue that drops its oldest message
// when the handler falls behind: a handler never holds up the network
// loop or other handlers. Close ends every goroutine the Client started.
package mqtt
