// Package pluginhost runs Pulse's built backend binary the way Grafana's
// plugin host does: it builds or locates the executable, starts it with
// hashicorp/go-plugin and the SDK's handshake over gRPC, and hands out the
// diagnostics, data and stream clients Grafana itself would use.
//
// It also holds the small helpers a host needs around those clients: request
// builders for a data source instance (PluginContext, QueryDataRequest),
// a decoder for the Arrow frames of a data response, and a reader for the
// JSON frame packets of RunStream that remembers the schema of the first
// packet to read the data-only ones that follow.
//
// The package is used by the hostspec suite, which plays Grafana's side of
// the streaming contract, and by the pulse-tail terminal viewer.
package pluginhost
