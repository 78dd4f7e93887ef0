// Command refplugin is the benchmarks' reference plugin: a backend plugin
// built on the same SDK serving stack as Pulse, whose RunStream runs Pulse's
// pump, the tutorial loop or the SDK limit as fast as the host reads, or
// the MQTT reference, which streams MQTT topics the way
// grafana/mqtt-datasource does, or the feed reference, which streams NATS
// subjects, SSE, NDJSON and WebSocket paths one frame with its schema per
// message, as the simple plugins for those protocols do (see package
// bench). pulse-bench builds and
// starts it; Grafana never sees it.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

// pluginID names the reference plugin in its logs and metrics.
const pluginID = "pulse-bench-reference"

func main() {
	// As datasource.Manage does for Pulse: GF_PLUGIN_PROFILING_ENABLED
	// serves pprof, so that both plugins can be profiled alike.
	backend.SetupPluginEnvironment(pluginID)
	handler := bench.Handler{MQTT: bench.NewMQTTReference(), Feeds: bench.NewFeedReference()}
	err := backend.Manage(pluginID, backend.ServeOpts{
		StreamHandler:      handler,
		CheckHealthHandler: handler,
	})
	if err != nil {
		log.DefaultLogger.Error("Reference plugin stopped", "error", err)
		os.Exit(1)
	}
}
