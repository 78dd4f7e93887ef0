package nats

import (
	"context"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
)

// Name is the NATS source's name in jsonData.source.
const Name = "nats"

// NewSource is the source.Factory of NATS data sources: it reads the
// connection settings (ParseSettings) and the shared feed settings
// (feed.ParseSettings), starts the data source's one Client, which
// connects in the background, and serves queries and channels from it
// through a feed.Feed. Queries name a NATS subject in "subject", with
// wildcards "*" and ">"; every concrete subject is a series labelled
// subject=<subject>. A query of a subject that a JetStream stream keeps
// reads the stream from the query's start, then live.
func NewSource(s source.Settings) (source.Source, error) { return Factory(Options{})(s) }

// Factory is NewSource with the Client options o (timeouts, queues); a
// nil o.Logger logs through the SDK's default logger.
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
			Target:   "subject",
			Label:    "subject",
			Check:    settings.CheckSubject,
			Wildcard: Wildcard,
			Describe: client.Describe,
		}, nil
	})
}

// upstream is a Client as a feed.Upstream.
type upstream struct{ c *Client }

func (u upstream) Subscribe(sub feed.Subscription, handler func(feed.Message)) (feed.Subscribed, error) {
	s, err := u.c.Subscribe(sub.Target, sub.Since, sub.MaxReplay, func(m Message) {
		handler(feed.Message{Series: m.Subject, Payload: m.Payload, Arrival: m.Arrival})
	})
	return feed.Subscribed{Unsubscribe: s.Unsubscribe, Replayed: s.Replayed}, err
}

// Stored makes the source a feed.Store: a query whose range starts before
// its tap's history reads the older messages from the JetStream stream.
func (u upstream) Stored(ctx context.Context, sub feed.Subscription, until time.Time) ([]feed.Message, bool, error) {
	msgs, ok, err := u.c.Stored(ctx, sub.Target, sub.Since, until, sub.MaxReplay)
	if err != nil || !ok {
		return nil, ok, err
	}
	out := make([]feed.Message, len(msgs))
	for i, m := range msgs {
		out[i] = feed.Message{Series: m.Subject, Payload: m.Payload, Arrival: m.Arrival}
	}
	return out, true, nil
}

func (u upstream) Health(ctx context.Context) error { return u.c.Health(ctx) }

func (u upstream) Stats() feed.UpstreamStats {
	st := u.c.Stats()
	return feed.UpstreamStats{Connected: st.Connected, Reconnects: st.Reconnects, Dropped: st.Dropped}
}

func (u upstream) Close() { u.c.Close() }
