// Package streaming is Pulse's streaming core: the query model and its
// bounds, the channel path codec, the deterministic signal generators, the
// frames they fill, and the pump that pushes due points to a stream.
//
// It knows nothing of plugin entry points or instance settings: the plugin
// module adapts it to the Grafana plugin SDK's handlers.
package streaming
