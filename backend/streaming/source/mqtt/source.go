package mqtt

import (
	"context"
	"fmt"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
)

// Name is the MQTT source's name in jsonData.source.
const Name = "mqtt"

// NewSource is the source.Factory of MQTT data sources: it reads the
// connection settings (ParseSettings) and the shared feed settings
// (feed.ParseSettings), starts the data source's one Client, which
// connects in the background, and serves queries and channels from it
// through a feed.Feed. Queries name an MQTT topic filter in "topic";
// every concrete topic is a series labelled topic=<topic>.
func NewSource(s source.Settings) (source.Source, error) { return Factory(Options{})(s) }

// Factory is NewSource with the Client options o (backoff, queues,
// timeouts); a nil o.Logger logs through the SDK's default logger.
func Factory(o Options) source.Factory {
	return func(s source.Settings) (source.Source, error) { return open(s, o) }
}

// open makes the Source of a data source.
func open(s source.Settings, o Options) (source.Source, error) {
	settings, err := ParseSettings(s.JSONData, s.Secure)
	if err != nil {
		return nil, err
	}
	return feed.Open(s, Name, o.Logger, func(logger feed.Logger) (feed.Upstream, feed.Options, error) {
		o.Logger = logger
		client, err := New(settings, o)
		if err != nil {
			return nil, feed.Options{}, err
		}
		return upstream{client}, feed.Options{
			Target:   "topic",
			Label:    "topic",
			Check:    settings.CheckFilter,
			Wildcard: func(filter string) bool { return strings.ContainsAny(filter, "+#") },
			Describe: func() string {
				return fmt.Sprintf("Connected to the MQTT broker at %s (MQTT %s).", settings.URI, settings.Version())
			},
		}, nil
	})
}

// upstream is a Client as a feed.Upstream.
type upstream struct{ c *Client }

func (u upstream) Subscribe(sub feed.Subscription, handler func(feed.Message)) (feed.Subscribed, error) {
	unsubscribe, err := u.c.Subscribe(sub.Target, func(m Message) {
		handler(feed.Message{Series: m.Topic, Payload: m.Payload, Arrival: m.Arrival, Retained: m.Retained})
	})
	if err != nil {
		return feed.Subscribed{}, err
	}
	return feed.Subscribed{Unsubscribe: unsubscribe, Confirmed: u.c.Confirmed(sub.Target)}, nil
}

func (u upstream) Health(ctx context.Context) error { return u.c.Health(ctx) }

func (u upstream) Stats() feed.UpstreamStats {
	st := u.c.Stats()
	return feed.UpstreamStats{Connected: st.Connected, Reconnects: st.Reconnects, Dropped: st.Dropped}
}

func (u upstream) Close() { u.c.Close() }
