package httpstream

import (
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// Name is the HTTP source's name in jsonData.source.
const Name = "http"

// NewSource is the source.Factory of HTTP stream data sources: it reads
// the connection settings (web.ParseSettings with the schemes http and
// https), its idleTimeoutSeconds (Options.IdleTimeout) and the shared feed
// settings (feed.ParseSettings), makes the data
// source's Client, and serves queries and channels from it through a
// feed.Feed. A query names a path under the data source's URL in "path"
// (required; "/" is the base when the base ends with "/" or has no path,
// and "?" alone the base exactly), and may set "format" ("auto", the
// default, "sse" or "ndjson") and "event" (keep only the Server-Sent
// Events of that type; empty keeps every event). Its one series is
// labelled path=<the query's path>.
func NewSource(s source.Settings) (source.Source, error) { return Factory(Options{})(s) }

// Factory is NewSource with the Client options o (timeouts, backoff,
// bounds); a nil o.Logger logs through the SDK's default logger.
func Factory(o Options) source.Factory {
	return func(s source.Settings) (source.Source, error) { return open(s, o) }
}

// open makes the Source of a data source.
func open(s source.Settings, o Options) (source.Source, error) {
	settings, err := web.ParseSettings(s.JSONData, s.Secure, "http", "https")
	if err != nil {
		return nil, err
	}
	idle, err := parseIdleTimeout(s.JSONData)
	if err != nil {
		return nil, err
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = idle
	}
	return feed.Open(s, Name, o.Logger, func(logger feed.Logger) (feed.Upstream, feed.Options, error) {
		o.Logger = logger
		client, err := New(settings, o)
		if err != nil {
			return nil, feed.Options{}, err
		}
		return client, feed.Options{
			Target: "path",
			Label:  "path",
			Params: []feed.Param{
				{Name: "format", Default: string(FormatAuto), Check: checkFormat},
				{Name: "event", Check: checkEvent},
			},
			Check:    settings.CheckPath,
			Describe: client.describeHealthy,
		}, nil
	})
}
