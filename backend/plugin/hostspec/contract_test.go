package hostspec_test

import (
	"github.com/pulse-datasource/pulse/backend/plugin/contract"
)

// The contract the Grafana suite (grafanaspec) also runs, here through the
// plugin binary under go-plugin.
var _ = contract.Specs("the plugin binary under go-plugin", func() contract.Driver { return contractDriver })
