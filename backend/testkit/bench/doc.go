// Package bench measures Pulse's streaming backend through the same
// go-plugin/gRPC host the backend specs use (package pluginhost), as issue
// #5 asks: throughput and bytes per row against two reference designs,
// latency from a point's timestamp to its arrival at the host, and the
// memory and CPU that many concurrent channels cost.
//
// The reference designs are stream handlers kept here and served by the
// refplugin binary: the tutorial loop (one frame with its schema per point),
// the SDK limit (pre-built frames, only encoded and sent), the MQTT
// reference and the feed reference. Pulse's own pump runs there too, on a
// VirtualClock, so that the first three send as fast as the host reads.
// Latency, scale, MQTT and the feed sections run against the real plugin
// binary.
//
// The MQTT section (issue #12) runs Pulse's MQTT source against the MQTT
// reference, a stream handler kept here that works like
// grafana/mqtt-datasource (MQTTReference), both subscribed to one mosquitto
// that package mqtttest starts (MQTTRig): CPU per row at saturation,
// latency from publishing to the host, memory with a stalled receiver, and
// CPU with many topics on one connection.
//
// The feed sections (NATS, HTTP Server-Sent Events, HTTP NDJSON,
// WebSocket) run Pulse's other push sources against the feed reference
// (FeedReference), a stream handler kept here that works like the simple
// plugins for those protocols: a client per stream and a frame with its
// schema per message. Both read one server the section starts (FeedRig: a
// nats-server of package natstest, or a feedhub): CPU per row at
// saturation and latency from publishing to the host, measured as the
// MQTT section measures them (feed.go).
//
// Everything here reads /proc for a process's memory and CPU, so the
// measurements run on Linux only. The pulse-bench command prints the tables
// and writes docs/benchmarks.md.
package bench
