package instance_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// testMetrics are the metrics of every instance the specs make, in a
// registry of their own.
var testMetrics *streaming.Metrics

// testSources are the sources main registers.
func testSources() *source.Registry {
	r := source.NewRegistry(signals.Name)
	r.Register(signals.Name, signals.New)
	r.Register(mqtt.Name, mqtt.NewSource)
	return r
}

func TestInstance(t *testing.T) {
	RegisterFailHandler(Fail)
	var err error
	testMetrics, err = streaming.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	RunSpecs(t, "Plugin instance")
}
