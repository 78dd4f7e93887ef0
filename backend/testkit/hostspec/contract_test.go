package hostspec_test

import (
	"github.com/pulse-datasource/pulse/backend/testkit/contract"
)

// The contract the Grafana suite (grafanaspec) also runs, here through the
// plugin binary under go-plugin.
var _ = contract.Specs("the plugin binary under go-plugin", func() contract.Driver { return contractDriver })

// And through the Grafana driver, over an in-process stand-in for Grafana in
// front of the same binary (grafanalike_test.go).
var _ = contract.Specs("the Grafana driver over a Grafana stand-in (HTTP API and a Centrifuge node in front of the plugin binary)", func() contract.Driver { return standIn.Driver })

// The feed contract, for an MQTT data source of the same binary with the
// suite's mosquitto behind it (hostspec_suite_test.go), through the plugin
// driver and through a Grafana stand-in of its own.
var _ = contract.FeedSpecs("the plugin binary under go-plugin, with mosquitto", contract.MQTTKind,
	func() contract.Driver { return feedDriver }, func() contract.Feed { return brokerFeed })

var _ = contract.FeedSpecs("the Grafana driver over a Grafana stand-in, with mosquitto", contract.MQTTKind,
	func() contract.Driver { return feedStandIn.Driver }, func() contract.Feed { return brokerFeed })
