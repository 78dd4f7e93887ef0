package hostspec_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/contract/plugindriver"
)

// natsFeed is the suite's nats-server as the feed contract publishes to
// it.
type natsFeed struct{ server *natstest.Server }

var _ contract.Feed = natsFeed{}

func (f natsFeed) Address() string { return f.server.URL() }
func (f natsFeed) Publish(subject, payload string) error {
	return f.server.Publish(subject, []byte(payload))
}

var (
	// natsServer is this suite process's nats-server, with JetStream and
	// a stream that stores contract.NATSStoredRoot's subjects.
	natsServer *natstest.Server
	// natsDriver and natsStandIn reach the feed contract's NATS data
	// source.
	natsDriver  *plugindriver.Driver
	natsStandIn *grafanaLike
)

// startNATSFeeds starts the suite's nats-server, and a NATS data source
// of the plugin that allows pulse.>, with the plugin driver and a Grafana
// stand-in in front of it. A missing nats-server fails the suite, saying
// how to install it.
func startNATSFeeds() {
	var err error
	natsServer, err = natstest.Start(natstest.Config{})
	Expect(err).NotTo(HaveOccurred(), "starting nats-server for the NATS specs")
	DeferCleanup(natsServer.Stop)
	Expect(natsServer.CreateStream("PULSE_STORED", contract.NATSStoredRoot+">")).To(Succeed())
	ds := sourceInstance(uniqueUID("pulse-nats"), "nats", map[string]any{"url": natsServer.URL(), "allowedTopics": contract.NATSKind.Allowed}, nil)
	natsDriver = plugindriver.New(host, ds)
	DeferCleanup(natsDriver.Close)
	natsStandIn = startGrafanaLike(host, ds)
}

// The feed contract for NATS subjects, live and stored, through the plugin
// driver and a Grafana stand-in.
var _ = func() bool {
	feed := func() contract.Feed { return natsFeed{natsServer} }
	for _, k := range []contract.FeedKind{contract.NATSKind, contract.NATSStoredKind} {
		contract.FeedSpecs("the plugin binary under go-plugin, with nats-server", k,
			func() contract.Driver { return natsDriver }, feed)
		contract.FeedSpecs("the Grafana driver over a Grafana stand-in, with nats-server", k,
			func() contract.Driver { return natsStandIn.Driver }, feed)
	}
	return true
}()
