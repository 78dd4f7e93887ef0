// Package hostspec is a Ginkgo suite that runs Pulse's built backend binary
// the way Grafana's plugin host does and plays Grafana's side of the
// contract: health checks, queries, channel subscriptions and streams, as
// docs/query-model.md describes them. It also runs the streaming contract
// (package contract) through the plugin driver; grafanaspec runs the same
// specs against a real Grafana.
//
// The MQTT specs (the feed contract, and mqtt_test.go) run against a
// mosquitto the suite starts on free loopback ports (package mqtttest).
// They need Debian's mosquitto: without it the suite fails, saying how to
// install it; it never skips them.
//
// Run it from backend/testkit:
//
//	go run github.com/onsi/ginkgo/v2/ginkgo -race ./hostspec
//	go test -race ./hostspec/...
//
// The suite builds the plugin before it starts (with -race when the suite
// runs with -race), unless PULSE_PLUGIN_BINARY names a prebuilt binary.
package hostspec
