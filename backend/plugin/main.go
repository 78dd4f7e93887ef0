// Command gpx_pulse_streaming is Pulse's backend: Grafana starts it and talks
// to it over the plugin protocol.
package main

import (
	"os"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/pulse-datasource/pulse/backend/plugin/instance"
)

// pluginID is the id in src/plugin.json.
const pluginID = "pulse-streaming-datasource"

func main() {
	if err := datasource.Manage(pluginID, instance.New, datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("Pulse stopped", "error", err)
		os.Exit(1)
	}
}
