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
	}
	err := errors.Join(
		register(reg, &m.ActiveStreams),
		register(reg, &m.Frames),
		register(reg, &m.Rows),
		register(reg, &m.Bytes),
		register(reg, &m.RowsDropped),
		register(reg, &m.EncodeSeconds),
	)
	if err != nil {
		return nil, err
	}
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
