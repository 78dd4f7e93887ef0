// Package instance is Pulse's data source instance: it adapts the streaming
// core to the plugin SDK's query, health and stream handlers.
package instance

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Instance serves one Pulse data source. A query's points are a function of
// the query and the time; the one thing it keeps per channel is where its
// viewers are (handoffs), so that streams continue exactly from there.
type Instance struct {
	uid      string
	settings Settings
	// settingsErr is kept rather than returned from New, so that health
	// checks and queries can say in plain words what is wrong.
	settingsErr error
	// metrics are shared by every instance of the process.
	metrics *streaming.Metrics
	// handoffs hold the newest row each channel's viewers have.
	handoffs *streaming.Handoffs
}

// The SDK dispatches by interface: an instance missing one of these would
// answer that call with gRPC Unimplemented.
var (
	_ backend.QueryDataHandler   = (*Instance)(nil)
	_ backend.CheckHealthHandler = (*Instance)(nil)
	_ backend.StreamHandler      = (*Instance)(nil)
	_ instancemgmt.Instance      = (*Instance)(nil)
)

// Factory is the SDK's instance factory. Its instances count their streams
// in metrics (nil: nowhere). It never fails: bad settings are reported by
// CheckHealth and by every query.
func Factory(metrics *streaming.Metrics) datasource.InstanceFactoryFunc {
	return func(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
		settings, err := ParseSettings(s.JSONData)
		return &Instance{uid: s.UID, settings: settings, settingsErr: err, metrics: metrics, handoffs: streaming.NewHandoffs()}, nil
	}
}

// limits returns the settings' limits, or the settings' error.
func (i *Instance) limits() (streaming.Limits, error) {
	if i.settingsErr != nil {
		return streaming.Limits{}, fmt.Errorf("the data source's settings are invalid: %w", i.settingsErr)
	}
	return i.settings.Limits(), nil
}
