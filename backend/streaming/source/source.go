// Package source is the seam between Pulse's data source instance and the
// feeds it streams: generated signals today, push feeds such as MQTT next.
// A Source serves one data source's queries and channels; a Registry finds
// the Source a data source's settings name (jsonData.source), so that the
// instance dispatches every call without naming a source, and a new source
// is one Register call in the plugin's main.
package source

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Source serves the queries and channels of one data source. Every method
// may be called concurrently with every other, except Close, which is
// called once when the data source goes away (its settings changed or it
// was removed); Streams running then end when their context is cancelled,
// and may still call back into the Source until they have.
type Source interface {
	// Query reads and checks one query of a QueryData request, computing
	// nothing yet, so that the caller can weigh it against the request's
	// budget. The error says what is wrong with the query (a
	// *streaming.FieldError names the field).
	Query(raw []byte, r Range) (Query, error)
	// Admit decides whether a viewer may join the channel at path and
	// returns what the viewer is given at once (the schema and the newest
	// rows). An error wrapping streaming.ErrMalformed means Pulse never
	// writes that path (NotFound); any other error refuses the viewer
	// (PermissionDenied), a *streaming.StreamLimitError for a stream
	// limit.
	Admit(path string, now time.Time) (*data.Frame, error)
	// Stream sends the channel's frames until ctx ends, and then returns
	// ctx's error; it never returns nil (for Grafana, nil would end the
	// stream for good).
	Stream(ctx context.Context, path string, sender streaming.PacketSender) error
	// CheckHealth says in plain words whether the data source works and
	// what it allows; the error, in plain words too, says what failed.
	CheckHealth(ctx context.Context) (string, error)
	// Close frees what the Source holds.
	Close()
}

// Range is what a query asks for besides its own fields: Grafana's time
// range and the most points the panel draws.
type Range struct {
	From, To time.Time
	// MaxPoints is the panel's maxDataPoints; zero or less means the
	// source's default.
	MaxPoints int64
}

// Query is one query, read and checked. Its methods are called from one
// goroutine.
type Query interface {
	// Points is how many points (rows × series) Frames computes: what a
	// request's budget counts.
	Points() int64
	// Frames computes the query's frames, stopping with ctx's error when
	// ctx ends first.
	Frames(ctx context.Context) (data.Frames, error)
	// Path is the channel path of the query's stream, or "" when the query
	// does not stream.
	Path() string
	// Notices are warnings for the panel about the query, such as fields
	// that were ignored.
	Notices() []data.Notice
}

// Settings are what a Factory gets to make a data source's Source.
type Settings struct {
	// UID is the data source's uid.
	UID string
	// JSONData is the data source's jsonData, as an administrator set it.
	JSONData []byte
	// Secure is its decrypted secureJsonData: never log or echo it.
	Secure map[string]string
	// Metrics, shared by the whole process, count what the Source does; nil
	// counts nothing.
	Metrics *streaming.Metrics
	// Slots cap the streams of all data sources of the process together;
	// nil sets no cap across data sources.
	Slots *streaming.StreamSlots
}

// Factory makes the Source of a data source. Its error says in plain words
// what is wrong with the settings; it never contains a secret.
type Factory func(Settings) (Source, error)

// Channel is the Grafana Live channel of a stream's path on the data source
// with the given uid, "ds/<uid>/<path>", or an error when it is longer than
// Grafana allows: never a truncated channel.
func Channel(uid, path string) (string, error) {
	channel := "ds/" + uid + "/" + path
	if len(channel) > streaming.MaxChannelLength {
		return "", fmt.Errorf("channel %s is longer than Grafana's limit of %d characters", streaming.Excerpt(channel), streaming.MaxChannelLength)
	}
	return channel, nil
}
