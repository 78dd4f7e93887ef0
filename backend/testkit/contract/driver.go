package contract

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// Driver does, for one Pulse data source, what Grafana and a dashboard do
// with it: health checks, queries and channel subscriptions. A Driver is
// safe for concurrent use.
type Driver interface {
	// DataSourceUID is the uid of the data source the driver reaches; its
	// channels are ds/<uid>/<path>.
	DataSourceUID() string
	// CheckHealth runs the data source's health check ("Save & test").
	CheckHealth(ctx context.Context) (Health, error)
	// Query runs one query as a panel does. A query the plugin refuses is a
	// QueryResult with Error set, not an error; an error means the query
	// could not be asked or its answer not read.
	Query(ctx context.Context, q Query) (QueryResult, error)
	// Subscribe joins a channel, ds/<uid>/<path>, as one more viewer. A
	// refusal is a *RefusedError. The subscription holds the data the
	// admission carried and receives every frame pushed after it.
	Subscribe(ctx context.Context, channel string) (Subscription, error)
	// ActiveStreams is how many streams the plugin runs now, as its
	// pulse_stream_active metric says.
	ActiveStreams(ctx context.Context) (int, error)
}

// Health is the answer to a health check.
type Health struct {
	// Status is "OK" or "ERROR", as Grafana shows it.
	Status string
	// Message is what Grafana shows beside the status.
	Message string
}

// Query is one query of a panel.
type Query struct {
	// RefID names the query. Empty means "A".
	RefID string
	// Model is the query as the query editor holds it: a JSON object.
	Model string
	// From and To are the panel's time range.
	From, To time.Time
	// MaxDataPoints is Grafana's bound on the number of points.
	MaxDataPoints int64
	// Interval is Grafana's suggested interval between points.
	Interval time.Duration
}

// QueryResult is the answer to one query.
type QueryResult struct {
	// Frames are the query's frames.
	Frames data.Frames
	// Error is the plugin's message when it refused the query.
	Error string
}

// Subscription is one viewer's membership of a channel. It is not safe for
// concurrent use, except Close.
type Subscription interface {
	// Initial is the data the admission carried (the schema and the newest
	// rows), and whether it carried any.
	Initial() (pluginhost.Packet, bool)
	// Next waits for the next frame pushed to the channel and decodes it
	// under the last schema seen. After Close, or when the channel or the
	// connection ended, it returns an error that says so.
	Next(ctx context.Context) (pluginhost.Packet, error)
	// Close leaves the channel. It is safe to call more than once.
	Close()
}

// RefusedError is a refused subscription.
type RefusedError struct {
	// Channel is the channel asked for.
	Channel string
	// Status is the plugin's answer as Grafana passes it on: NotFound or
	// PermissionDenied.
	Status backend.SubscribeStreamStatus
	// Detail is what the host said, verbatim, when it said more.
	Detail string
}

func (e *RefusedError) Error() string {
	msg := fmt.Sprintf("subscribing to %s: refused: %s", e.Channel, StatusName(e.Status))
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// StatusName names a subscribe status as the SDK's constants do.
func StatusName(s backend.SubscribeStreamStatus) string {
	switch s {
	case backend.SubscribeStreamStatusOK:
		return "OK"
	case backend.SubscribeStreamStatusNotFound:
		return "NotFound"
	case backend.SubscribeStreamStatusPermissionDenied:
		return "PermissionDenied"
	default:
		return fmt.Sprintf("status %d", int32(s))
	}
}
