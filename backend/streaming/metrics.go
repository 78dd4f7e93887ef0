package streaming

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the streams' Prometheus metrics, shared by every pump of a
// process. Grafana scrapes them from the plugin through the SDK, which
// serves prometheus.DefaultRegisterer.
type Metrics struct {
	// ActiveStreams counts pumps running now.
	ActiveStreams prometheus.Gauge
	// Frames counts frames sent.
	Frames prometheus.Counter
	// Rows counts rows sent.
	Rows prometheus.Counter
	// Bytes counts the bytes of the packets sent.
	Bytes prometheus.Counter
	// RowsDropped counts rows skipped because the receiver fell behind.
	RowsDropped prometheus.Counter
	// EncodeSeconds observes the time spent encoding each frame.
	EncodeSeconds prometheus.Histogram
	// StreamsRefused counts viewers and streams refused by a stream limit,
	// by the limit's scope: "data_source" (maxStreams) or "process".
	StreamsRefused *prometheus.CounterVec
	// QueriesRefused counts the queries refused because their
	// request asked for more than MaxRequestPoints.
	QueriesRefused prometheus.Counter

	// The metrics of push feeds (MQTT and the like), labelled by source
	// ("mqtt") and, for the gauges, by data source uid.

	// FeedMessages counts the messages feeds received, by source.
	FeedMessages *prometheus.CounterVec
	// FeedDecodeErrors counts the payloads that could not be read as JSON
	// (or were too large or too deep), by source.
	FeedDecodeErrors *prometheus.CounterVec
	// FeedDropped counts the messages a feed's connection dropped because a
	// tap fell behind (its queue was full), by source.
	FeedDropped *prometheus.CounterVec
	// FeedFieldsDropped counts the values dropped because their channel
	// already had as many fields as it may, by source.
	FeedFieldsDropped *prometheus.CounterVec
	// FeedReconnects counts the connections to a feed made after the
	// first, by source.
	FeedReconnects *prometheus.CounterVec
	// FeedConnected is 1 while a data source's connection to its feed is
	// up, 0 while it is down.
	FeedConnected *prometheus.GaugeVec
	// HistoryRows is how many rows a data source's history rings hold.
	HistoryRows *prometheus.GaugeVec
	// HistoryBytes is roughly how much memory those rows take.
	HistoryBytes *prometheus.GaugeVec
}

// RefusedQuery counts a query refused for its request's budget. It is safe
// on a nil *Metrics.
func (m *Metrics) RefusedQuery() {
	if m != nil {
		m.QueriesRefused.Inc()
	}
}

// RefusedStream counts a viewer or stream refused by err's limit; other
// errors are not counted. It is safe on a nil *Metrics.
func (m *Metrics) RefusedStream(err error) {
	var limit *StreamLimitError
	if m == nil || !errors.As(err, &limit) {
		return
	}
	scope := "process"
	if limit.Scope == ScopeDataSource {
		scope = "data_source"
	}
	m.StreamsRefused.WithLabelValues(scope).Inc()
}

// NewMetrics creates the metrics and registers them with reg. Registering
// twice with one registry reuses the metrics already there, so instances of
// a data source share them.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	const ns, sub = "pulse", "stream"
	m := &Metrics{
		ActiveStreams: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: sub, Name: "active",
			Help: "Streams running now, one per channel with viewers."}),
		Frames: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "frames_sent_total",
			Help: "Frames sent to Grafana Live."}),
		Rows: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "rows_sent_total",
			Help: "Rows sent to Grafana Live."}),
		Bytes: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "bytes_sent_total",
			Help: "Bytes of the frame packets sent to Grafana Live."}),
		RowsDropped: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "rows_dropped_total",
			Help: "Rows skipped because a stream fell more than its backlog behind."}),
		EncodeSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: ns, Subsystem: sub, Name: "encode_seconds",
			Help:    "Time spent encoding one frame.",
			Buckets: prometheus.ExponentialBuckets(1e-6, 4, 10)}),
		StreamsRefused: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: sub, Name: "refused_total",
			Help: "Viewers and streams refused because a stream limit was reached, by limit: data_source (maxStreams) or process."}, []string{"limit"}),
		QueriesRefused: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: "query", Name: "refused_total",
			Help: "Queries refused because their request asked for more points than one request may."}),
		FeedMessages: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "feed", Name: "messages_total",
			Help: "Messages received from feeds (MQTT, …), by source."}, []string{"source"}),
		FeedDecodeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "feed", Name: "decode_errors_total",
			Help: "Feed payloads that could not be read as JSON, or were too large or nested too deeply, by source."}, []string{"source"}),
		FeedDropped: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "feed", Name: "messages_dropped_total",
			Help: "Feed messages dropped because a subscriber fell behind its queue, by source."}, []string{"source"}),
		FeedFieldsDropped: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "feed", Name: "fields_dropped_total",
			Help: "Feed values dropped because their channel already had as many fields as it may, by source."}, []string{"source"}),
		FeedReconnects: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "feed", Name: "reconnects_total",
			Help: "Connections to feeds made after a data source's first one, by source."}, []string{"source"}),
		FeedConnected: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Subsystem: "feed", Name: "connected",
			Help: "1 while a data source's connection to its feed is up, 0 while it is down."}, []string{"source", "datasource"}),
		HistoryRows: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Subsystem: "history", Name: "rows",
			Help: "Rows kept in a data source's history rings."}, []string{"source", "datasource"}),
		HistoryBytes: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Subsystem: "history", Name: "bytes",
			Help: "Estimated memory of the rows kept in a data source's history rings."}, []string{"source", "datasource"}),
	}
	err := errors.Join(
		register(reg, &m.ActiveStreams),
		register(reg, &m.Frames),
		register(reg, &m.Rows),
		register(reg, &m.Bytes),
		register(reg, &m.RowsDropped),
		register(reg, &m.EncodeSeconds),
		register(reg, &m.StreamsRefused),
		register(reg, &m.QueriesRefused),
		register(reg, &m.FeedMessages),
		register(reg, &m.FeedDecodeErrors),
		register(reg, &m.FeedDropped),
		register(reg, &m.FeedFieldsDropped),
		register(reg, &m.FeedReconnects),
		register(reg, &m.FeedConnected),
		register(reg, &m.HistoryRows),
		register(reg, &m.HistoryBytes),
	)
	if err != nil {
		return nil, err
	}
	// Both limits show in a scrape from the start, at zero.
	m.StreamsRefused.WithLabelValues("data_source")
	m.StreamsRefused.WithLabelValues("process")
	return m, nil
}

// register registers *c, or points *c at the equal collector registered
// before.
func register[C prometheus.Collector](reg prometheus.Registerer, c *C) error {
	err := reg.Register(*c)
	var already prometheus.AlreadyRegisteredError
	if errors.As(err, &already) {
		if existing, ok := already.ExistingCollector.(C); ok {
			*c = existing
			return nil
		}
	}
	return err
}
