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
