package feed

import (
	"github.com/grafana/grafana-plugin-sdk-go/backend/log"

	"github.com/pulse-datasource/pulse/backend/streaming/source"
)

// Open is how a push source named name opens a data source s once it has
// read its own settings: it reads the shared feed settings of s
// (ParseSettings), then calls connect with logger, or with the SDK's
// default logger labelled source=name when logger is nil. connect makes
// the source's Upstream and the Options that describe its queries; Open
// completes them with name, the shared settings, s's Metrics and Slots
// and the logger, and serves the Upstream through a Feed (New).
func Open(s source.Settings, name string, logger Logger, connect func(Logger) (Upstream, Options, error)) (source.Source, error) {
	shared, err := ParseSettings(s.JSONData)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = log.DefaultLogger.With("source", name)
	}
	up, o, err := connect(logger)
	if err != nil {
		return nil, err
	}
	o.Name, o.Settings, o.Metrics, o.Slots, o.Logger = name, shared, s.Metrics, s.Slots, logger
	return New(s, up, o), nil
}
