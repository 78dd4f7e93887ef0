// Package bench measures Pulse's streaming backend through the same
// go-plugin/gRPC host the backend specs use (package pluginhost), as issue
// #5 asks: throughput and bytes per row against two reference designs,
// latency from a point's timestamp to its arrival at the host, and the
// memory and CPU that many concurrent channels cost.
//
// The reference designs are stream handlers kept here and served by the
// refplugin binary: the tutorial loop (one frame with its schema per point)
// and the SDK limit (pre-built frames, only encoded and sent). Pulse's own
// pump runs there too, on a VirtualClock, so that all three send as fast as
// the host reads. Latency and scale run against the real plugin binary.
//
// Everything here reads /proc for a process's memory and CPU, so the
// measurements run on Linux only. The pulse-bench command prints the tables
// and writes docs/benchmarks.md.
package bench
