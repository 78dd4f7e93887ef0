// Package instance is Pulse's data source instance: it adapts the streaming
// core to the plugin SDK's query, health and stream handlers.
package instance

import (
	"context"
	"errors"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/backend/datasource"
	"github.com/grafana/grafana-plugin-sdk-go/backend/instancemgmt"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Instance serves one Pulse data source. A query's points are a function of
// the query and the time; the one thing it keeps per channel is where its
// viewers are (handoffs), so that streams continue exactly from there, and
// which channels count against the stream limits.
type Instance struct {
	uid      string
	settings Settings
	// settingsErr is kept rather than returned from New, so that health
	// checks and queries can say in plain words what is wrong.
	settingsErr error
	// metrics are shared by every instance of the process.
	metrics *streaming.Metrics
	// handoffs hold the newest row each channel's viewers have, and keep
	// the stream limits.
	handoffs *streaming.Handoffs
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

// Options are what every instance of a process shares. The zero value
// counts nothing and caps the process at streaming.DefaultProcessMaxStreams
// streams per data source only.
type Options struct {
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
		settings, err := ParseSettings(s.JSONData)
		maxStreams := settings.MaxStreams
		if err != nil {
			maxStreams = streaming.DefaultMaxStreams
		}
		return &Instance{
			uid: s.UID, settings: settings, settingsErr: err, metrics: opts.Metrics,
			handoffs: streaming.NewHandoffs(streaming.HandoffOptions{MaxChannels: maxStreams, Slots: opts.Slots}),
		}, nil
	}
}

// Dispose frees the instance's stream slots: the SDK calls it when the
// data source's settings changed or it was removed. Its running streams end
// when Grafana cancels them, and free their slots then.
func (i *Instance) Dispose() { i.handoffs.Close() }

// errInvalidSettings marks the error of every call on a data source whose
// settings are invalid.
var errInvalidSettings = errors.New("the data source's settings are invalid")

// limits returns the settings' limits, or the settings' error.
func (i *Instance) limits() (streaming.Limits, error) {
	if i.settingsErr != nil {
		return streaming.Limits{}, fmt.Errorf("%w: %w", errInvalidSettings, i.settingsErr)
	}
	return i.settings.Limits(), nil
}
