// Command gpx_pulse_streaming is Pulse's backend: Grafana starts it and talks
// to it over the plugin protocol.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pulse-datasource/pulse/backend/plugin/instance"
	"github.com/pulse-datasource/pulse/backend/streaming"
)

// pluginID is the id in src/plugin.json.
const pluginID = "pulse-streaming-datasource"

func main() {
	// The SDK serves prometheus.DefaultRegisterer to Grafana; registering
	// here, before any data source exists, lets a scrape see every metric.
	metrics, err := streaming.NewMetrics(prometheus.DefaultRegisterer)
	if err != nil {
		log.DefaultLogger.Warn("Streams will not be counted in the metrics", "error", err)
	}
	if err := datasource.Manage(pluginID, instance.Factory(metrics), datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("Pulse stopped", "error", err)
		os.Exit(1)
	}
}
