package hostspec_test

import (
	"context"
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/contract/plugindriver"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

func TestHostspec(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "Pulse plugin, driven as Grafana drives it")
}

var (
	// host is this suite process's running plugin.
	host *pluginhost.Host
	// binaryPath is the plugin binary the suite runs.
	binaryPath string
	// contractDriver runs the streaming contract against host.
	contractDriver *plugindriver.Driver
	// pluginStderr holds everything the plugin wrote to stderr.
	pluginStderr = &lockedBuffer{}

	// broker is this suite process's mosquitto, with the auth listener.
	broker *mqtttest.Broker
	// brokerFeed publishes to broker for the feed contract.
	brokerFeed *mqttFeed
	// mqttDS is the MQTT data source of the feed contract: it reaches
	// broker's plain listener and allows contract.FeedAllowedTopics.
	mqttDS pluginhost.Instance
	// feedDriver runs the feed contract against host.
	feedDriver *plugindriver.Driver
	// feedStandIn is a Grafana stand-in in front of host for mqttDS.
	feedStandIn *grafanaLike
)

// The plugin is built once (on process 1 when the suite runs in parallel)
// and started once per suite process.
var _ = SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
	dir, err := os.MkdirTemp("", "pulse-hostspec-")
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(os.RemoveAll, dir)
	binary, err := pluginhost.Locate(ctx, pluginhost.BuildOptions{OutputDir: dir, Race: raceEnabled})
	Expect(err).NotTo(HaveOccurred(), "building the plugin")
	GinkgoWriter.Printf("plugin binary: %s (race detector: %v)\n", binary, raceEnabled && os.Getenv(pluginhost.BinaryEnv) == "")
	return []byte(binary)
}, func(ctx SpecContext, binary []byte) {
	binaryPath = string(binary)
	// A missing mosquitto fails the suite, saying how to install it. The
	// broker starts first, so that it stops after the plugin.
	var err error
	broker, err = mqtttest.Start(mqtttest.Listeners{Auth: true})
	Expect(err).NotTo(HaveOccurred(), "starting mosquitto for the MQTT specs")
	DeferCleanup(broker.Stop)
	brokerFeed = newMQTTFeed(broker)
	DeferCleanup(brokerFeed.Close)

	host, err = pluginhost.Start(ctx, pluginhost.Options{
		Binary:    binaryPath,
		LogOutput: GinkgoWriter,
		Stderr:    pluginStderr,
	})
	Expect(err).NotTo(HaveOccurred(), "starting the plugin as Grafana does")
	DeferCleanup(host.Close)
	contractDriver = plugindriver.New(host, defaultDS)
	DeferCleanup(contractDriver.Close)
	standIn = startGrafanaLike(host, defaultDS)

	mqttDS = mqttInstance("pulse-mqtt", map[string]any{"uri": broker.URL("plain"), "allowedTopics": contract.FeedAllowedTopics}, nil)
	feedDriver = plugindriver.New(host, mqttDS)
	DeferCleanup(feedDriver.Close)
	feedStandIn = startGrafanaLike(host, mqttDS)
	startWebFeeds()
	startNATSFeeds()
}, NodeTimeout(10*time.Minute))

// Whatever the specs did, the plugin neither crashed nor raced.
var _ = AfterSuite(func() {
	if host == nil {
		return // the start failed and said so
	}
	Expect(host.Exited()).To(BeFalse(), "the plugin exited during the suite")
	Expect(pluginStderr.String()).NotTo(ContainSubstring("WARNING: DATA RACE"))
	Expect(pluginStderr.String()).NotTo(MatchRegexp(`(?m)^(panic: |fatal error: )`))
	Expect(pluginStderr.String()).NotTo(ContainSubstring(mqtttest.AlicePassword), "no MQTT password in the plugin's log")
	Expect(pluginStderr.String()).NotTo(ContainSubstring(secretMarker), "no secret in the plugin's log")
})

// healthy asserts the plugin still runs and answers a health check with OK.
func healthy(ctx context.Context) {
	GinkgoHelper()
	Expect(host.Exited()).To(BeFalse(), "the plugin process exited")
	resp, err := host.Diagnostics.CheckHealth(ctx, defaultDS.CheckHealthRequest())
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.GetStatus().String()).To(Equal("OK"), resp.GetMessage())
}
