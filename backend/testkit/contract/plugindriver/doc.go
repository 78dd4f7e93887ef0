// Package plugindriver is the contract.Driver for a plugin binary started by
// pluginhost: it sends the plugin the gRPC requests Grafana sends and, like
// Grafana's stream manager, runs one RunStream per channel for all of the
// channel's viewers.
//
// It differs from Grafana in one way a spec can see: it stops a channel's
// stream as soon as its last viewer leaves, where Grafana waits about 15 s.
package plugindriver
