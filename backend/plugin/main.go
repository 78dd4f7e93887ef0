// Command gpx_pulse_streaming is Pulse's backend: Grafana starts it and talks
// to it over the plugin protocol.
package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pulse-datasource/pulse/backend/plugin/instance"
	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/httpstream"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
	"github.com/pulse-datasource/pulse/backend/streaming/source/nats"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/streaming/source/websocket"
)

// pluginID is the id in src/plugin.json.
const pluginID = "pulse-streaming-datasource"

// processMaxStreamsEnv names the environment variable that sets how many
// channels the whole process streams at once, across its data sources.
const processMaxStreamsEnv = "PULSE_PROCESS_MAX_STREAMS"

// processMaxStreams reads the process's stream cap: empty means
// streaming.DefaultProcessMaxStreams.
func processMaxStreams(value string) (int, error) {
	if value == "" {
		return streaming.DefaultProcessMaxStreams, nil
	}
	n, err := strconv.Atoi(value)
	if err != nil || n < 1 || n > 1_000_000 {
		return 0, fmt.Errorf("%s must be a whole number from 1 to 1000000, got %s", processMaxStreamsEnv, streaming.Excerpt(value))
	}
	return n, nil
}

// sources are the sources a data source may name in jsonData.source; a
// data source that names none streams generated signals.
func sources() *source.Registry {
	r := source.NewRegistry(signals.Name)
	r.Register(signals.Name, signals.New)
	r.Register(mqtt.Name, mqtt.NewSource)
	r.Register(httpstream.Name, httpstream.NewSource)
	r.Register(websocket.Name, websocket.NewSource)
	r.Register(nats.Name, nats.NewSource)
	return r
}

func main() {
	// The SDK serves prometheus.DefaultRegisterer to Grafana; registering
	// here, before any data source exists, lets a scrape see every metric.
	metrics, err := streaming.NewMetrics(prometheus.DefaultRegisterer)
	if err != nil {
		log.DefaultLogger.Warn("Streams will not be counted in the metrics", "error", err)
	}
	maxStreams, err := processMaxStreams(os.Getenv(processMaxStreamsEnv))
	if err != nil {
		log.DefaultLogger.Error("Pulse cannot start", "error", err)
		os.Exit(1)
	}
	opts := instance.Options{Sources: sources(), Metrics: metrics, Slots: streaming.NewStreamSlots(maxStreams)}
	if err := datasource.Manage(pluginID, instance.Factory(opts), datasource.ManageOpts{}); err != nil {
		log.DefaultLogger.Error("Pulse stopped", "error", err)
		os.Exit(1)
	}
}
