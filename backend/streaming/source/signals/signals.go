package signals

import (
	"context"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/log"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
)

// Name is the source's name in jsonData.source, and the default.
const Name = "signals"

// Signals serves one data source's signals. It keeps, per channel, where
// its viewers are (streaming.Handoffs), so that streams continue exactly
// from there, and which channels count against the stream limits. It is
// safe for concurrent use.
type Signals struct {
	settings Settings
	metrics  *streaming.Metrics
	handoffs *streaming.Handoffs
}

var _ source.Source = (*Signals)(nil)

// New is the source.Factory of signals: it reads the settings and fails
// with a *streaming.FieldError naming the bad field.
func New(s source.Settings) (source.Source, error) {
	settings, err := ParseSettings(s.JSONData)
	if err != nil {
		return nil, err
	}
	return &Signals{
		settings: settings,
		metrics:  s.Metrics,
		handoffs: streaming.NewHandoffs(streaming.HandoffOptions{MaxChannels: settings.MaxStreams, Slots: s.Slots}),
	}, nil
}

// Query reads a signal query and checks it against the settings.
func (s *Signals) Query(raw []byte, r source.Range) (source.Query, error) {
	q, unknown, err := ReadQuery(raw)
	if err == nil {
		err = s.settings.Limits().Check(q)
	}
	if err != nil {
		return nil, err
	}
	return &query{q: q, r: r, unknown: unknown}, nil
}

// Admit admits a viewer to a channel only when its path decodes to a query
// this data source would run, and a new channel only within the stream
// limits. The viewer gets the schema and the newest InitialRows rows at
// once, and a stream that starts after this continues from them.
func (s *Signals) Admit(path string, now time.Time) (*data.Frame, error) {
	q, err := s.streamQuery(path)
	if err != nil {
		return nil, err
	}
	if err := s.handoffs.Admit(path, now); err != nil {
		return nil, err
	}
	return q.Recent(now, streaming.InitialRows), nil
}

// Stream pushes the channel's points until ctx ends. Grafana admits the
// first viewer before it starts the stream, and restarts a failed one: the
// stream continues from the newest row its viewers have.
func (s *Signals) Stream(ctx context.Context, path string, sender streaming.PacketSender) error {
	q, err := s.streamQuery(path)
	if err != nil {
		return err
	}
	after, err := s.handoffs.Start(path, time.Now())
	if err != nil {
		return err
	}
	defer s.handoffs.Stop(path)
	logger := log.DefaultLogger.FromContext(ctx).With("channel", streaming.Excerpt(path))
	logger.Debug("Stream started", "after", after)
	pump := NewPump(q, sender, PumpOptions{
		Metrics:    s.metrics,
		Logger:     logger,
		StartAfter: after,
		OnSent:     func(newest time.Time) { s.handoffs.Sent(path, newest) },
	})
	err = pump.Run(ctx)
	stats := pump.Stats()
	logger.Debug("Stream ended", "reason", err, "frames", stats.Frames, "rows", stats.RowsSent, "bytes", stats.BytesSent, "dropped", stats.RowsDropped)
	return err
}

// CheckHealth says what the data source allows.
func (s *Signals) CheckHealth(context.Context) (string, error) {
	return fmt.Sprintf("Pulse is ready: signals with a step of %d ms or more, up to %d series per query, up to %d streams at once.",
		s.settings.MinStepMs, s.settings.MaxSeries, s.settings.MaxStreams), nil
}

// Close frees the data source's stream slots; its running streams free
// theirs as they end.
func (s *Signals) Close() { s.handoffs.Close() }

// streamQuery decodes a channel path and checks it against the settings.
func (s *Signals) streamQuery(path string) (Query, error) {
	q, err := ParsePath(path)
	if err != nil {
		return Query{}, err
	}
	if err := s.settings.Limits().Check(q); err != nil {
		return Query{}, err
	}
	return q, nil
}

// query is one signal query of a request.
type query struct {
	q       Query
	r       source.Range
	unknown []string
}

func (q *query) Points() int64 { return q.q.BackfillPoints(q.r.From, q.r.To, q.r.MaxPoints) }

func (q *query) Frames(ctx context.Context) (data.Frames, error) {
	f, err := q.q.BackfillContext(ctx, q.r.From, q.r.To, q.r.MaxPoints)
	if err != nil {
		return nil, err
	}
	return data.Frames{f}, nil
}

func (q *query) Path() string {
	if !q.q.WithStreaming {
		return ""
	}
	return q.q.Path()
}

func (q *query) Notices() []data.Notice {
	if len(q.unknown) == 0 {
		return nil
	}
	return []data.Notice{{Severity: data.NoticeSeverityWarning, Text: source.UnknownFieldsNotice(q.unknown)}}
}
