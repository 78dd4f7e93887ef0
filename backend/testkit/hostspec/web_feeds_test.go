package hostspec_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/contract/plugindriver"
	"github.com/pulse-datasource/pulse/backend/testkit/feedhub"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// hubFeed is the suite's feedhub as the feed contract publishes to it.
type hubFeed struct {
	hub     *feedhub.Hub
	address string
}

var _ contract.Feed = hubFeed{}

func (f hubFeed) Address() string                      { return f.address }
func (f hubFeed) Publish(series, payload string) error { return f.hub.Publish(series, payload) }

// webFeed is the feed contract's data source of one HTTP or WebSocket
// kind: its server, and the drivers that reach it.
type webFeed struct {
	feed    hubFeed
	plugin  *plugindriver.Driver
	standIn *grafanaLike
}

// webKinds are the HTTP and WebSocket kinds the feed contract runs for.
var webKinds = []contract.FeedKind{contract.SSEKind, contract.NDJSONKind, contract.WebSocketKind}

// webFeeds are the web kinds' data sources by kind title, made by
// startWebFeeds in the suite's BeforeSuite.
var webFeeds = map[string]*webFeed{}

// startWebFeeds starts a feedhub and, for every web kind, a data source
// of the plugin that reads it, with the plugin driver and a Grafana
// stand-in in front of it.
func startWebFeeds() {
	hub := feedhub.Start(feedhub.Options{})
	DeferCleanup(hub.Close)
	for _, k := range webKinds {
		url := hub.URL()
		if k.Source == "websocket" {
			url = hub.WebSocketURL()
		}
		ds := sourceInstance(uniqueUID("pulse-"+k.Source), k.Source, map[string]any{"url": url, "allowedTopics": k.Allowed}, nil)
		w := &webFeed{feed: hubFeed{hub: hub, address: url}, plugin: plugindriver.New(host, ds)}
		DeferCleanup(w.plugin.Close)
		w.standIn = startGrafanaLike(host, ds)
		webFeeds[k.Title] = w
	}
}

// sourceInstance is a data source of the named source: jsonData is
// settings besides "source", secure its secureJsonData.
func sourceInstance(uid, name string, jsonData map[string]any, secure map[string]string) pluginhost.Instance {
	GinkgoHelper()
	settings := map[string]any{"source": name}
	for k, v := range jsonData {
		settings[k] = v
	}
	raw, err := json.Marshal(settings)
	Expect(err).NotTo(HaveOccurred())
	ds := instance(uid, string(raw))
	ds.SecureJSONData = secure
	return ds
}

// The feed contract for every web kind, through the plugin driver and a
// Grafana stand-in, with the suite's feedhub behind it.
var _ = func() bool {
	for _, k := range webKinds {
		feed := func() contract.Feed { return webFeeds[k.Title].feed }
		contract.FeedSpecs("the plugin binary under go-plugin, with a loopback server", k,
			func() contract.Driver { return webFeeds[k.Title].plugin }, feed)
		contract.FeedSpecs("the Grafana driver over a Grafana stand-in, with a loopback server", k,
			func() contract.Driver { return webFeeds[k.Title].standIn.Driver }, feed)
	}
	return true
}()
