// Package streaming is Pulse's streaming core: what every source shares.
// The Encoder sends a frame's schema only when it changed; Handoffs keep
// where a channel's viewers are and the stream limits (StreamSlots across a
// process); Metrics count streams, frames, refusals and feeds; Fields read
// queries and settings with one number rule; FieldError, Excerpt and
// FormatNumber make errors that name the field and quote little. The
// sources themselves (generated signals, MQTT, …) live under source/.
//
// It knows nothing of plugin entry points or instance settings: the plugin
// module adapts it to the Grafana plugin SDK's handlers.
package streaming
