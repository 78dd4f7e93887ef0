package grafanadriver

import (
	"net/http"
	"time"
)

// Defaults for the zero values of Options. They match the data source that
// provisioning/ gives the local Grafana.
const (
	// DefaultURL is where `docker compose up` serves Grafana.
	DefaultURL = "http://localhost:3000"
	// DefaultDataSourceUID is the uid of the provisioned Pulse data source.
	DefaultDataSourceUID = "pulse"
	// DefaultPluginID is Pulse's plugin id.
	DefaultPluginID = "pulse-streaming-datasource"
	// DefaultHTTPTimeout bounds one HTTP exchange when Options.HTTPClient is
	// nil, so that a Grafana that stops answering fails a call even when its
	// context has no deadline.
	DefaultHTTPTimeout = 30 * time.Second
	// DefaultDialTimeout bounds one WebSocket dial and upgrade.
	DefaultDialTimeout = 10 * time.Second
	// DefaultMaxQueued is how many publications a Subscription holds for
	// Next by default.
	DefaultMaxQueued = 10000
)

// Options say which Grafana, which user and which data source a Driver
// uses. The zero value of every field but URL means its default.
type Options struct {
	// URL is Grafana's root URL, e.g. http://localhost:3000, or with the
	// sub path Grafana is served under (http://host/grafana). It must be
	// http or https and carry no credentials: those go in User and Password.
	URL string
	// User and Password are sent as HTTP basic auth on every request and on
	// the WebSocket upgrade, which is how Grafana authenticates Live too.
	// Both empty sends no Authorization header (anonymous access).
	User, Password string
	// DataSourceUID is the data source's uid. Empty means
	// DefaultDataSourceUID.
	DataSourceUID string
	// PluginID is the data source's plugin id, sent with every query and
	// used to read the plugin's metrics. Empty means DefaultPluginID.
	PluginID string
	// HTTPClient sends the HTTP requests. Nil means a client with
	// DefaultHTTPTimeout.
	HTTPClient *http.Client
	// DialTimeout bounds one WebSocket dial and upgrade; a Subscribe's
	// context bounds it too. Zero means DefaultDialTimeout.
	DialTimeout time.Duration
	// MaxQueued is how many publications a Subscription holds until Next
	// takes them. When a reader falls that far behind, the subscription
	// ends and Next reports it after the queued ones, rather than dropping
	// frames silently or growing without bound. Zero means
	// DefaultMaxQueued.
	MaxQueued int
}

// withDefaults is o with its zero values replaced by the defaults.
func (o Options) withDefaults() Options {
	if o.DataSourceUID == "" {
		o.DataSourceUID = DefaultDataSourceUID
	}
	if o.PluginID == "" {
		o.PluginID = DefaultPluginID
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: DefaultHTTPTimeout}
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.MaxQueued <= 0 {
		o.MaxQueued = DefaultMaxQueued
	}
	return o
}
