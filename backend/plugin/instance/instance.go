// Package instance is Pulse's data source instance: it adapts the SDK's
// query, health and stream handlers to the data source's Source, which a
// registry finds by the settings' jsonData.source. It never names a source.
package instance

import (
	"context"
	"errors"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
)

// Instance serves one Pulse data source through its Source.
type Instance struct {
	uid string
	src source.Source
	// settingsErr is kept rather than returned from the factory, so that
	// health checks and queries can say in plain words what is wrong.
	settingsErr error
	// metrics are shared by every instance of the process.
	metrics *streaming.Metrics
}

// The SDK dispatches by interface: an instance missing one of these would
// answer that call with gRPC Unimplemented.
var (
	_ backend.QueryDataHandler      = (*Instance)(nil)
	_ backend.CheckHealthHandler    = (*Instance)(nil)
	_ backend.StreamHandler         = (*Instance)(nil)
	_ instancemgmt.Instance         = (*Instance)(nil)
	_ instancemgmt.InstanceDisposer = (*Instance)(nil)
)

// Options are what every instance of a process shares.
type Options struct {
	// Sources finds each data source's Source; it is required.
	Sources *source.Registry
	// Metrics count streams, refusals and frames; nil: nowhere.
	Metrics *streaming.Metrics
	// Slots cap the streams of all data sources of the process together;
	// nil: no cap across data sources.
	Slots *streaming.StreamSlots
}

// Factory is the SDK's instance factory. It never fails: bad settings are
// reported by CheckHealth and by every query.
func Factory(opts Options) datasource.InstanceFactoryFunc {
	return func(_ context.Context, s backend.DataSourceInstanceSettings) (instancemgmt.Instance, error) {
		src, err := opts.Sources.Open(source.Settings{
			UID: s.UID, JSONData: s.JSONData, Secure: s.DecryptedSecureJSONData, Metrics: opts.Metrics, Slots: opts.Slots,
		})
		if err != nil {
			err = fmt.Errorf("%w: %w", errInvalidSettings, err)
		}
		return &Instance{uid: s.UID, src: src, settingsErr: err, metrics: opts.Metrics}, nil
	}
}

// Dispose closes the data source's Source: the SDK calls it when the data
// source's settings changed or it was removed.
func (i *Instance) Dispose() {
	if i.src != nil {
		i.src.Close()
	}
}

// errInvalidSettings marks the error of every call on a data source whose
// settings are invalid.
var errInvalidSettings = errors.New("the data source's settings are invalid")
