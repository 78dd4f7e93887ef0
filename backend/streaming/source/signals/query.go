package signals

import (
	"math"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Query is a validated Pulse query: the signal's parameters and whether the
// panel wants it live. Build one with DefaultQuery or ParseQuery, which fill
// defaults and check bounds.
type Query struct {
	WithStreaming bool    `json:"withStreaming"`
	Kind          Kind    `json:"kind"`
	StepMs        int64   `json:"stepMs"`
	PeriodMs      int64   `json:"periodMs"`
	Amplitude     float64 `json:"amplitude"`
	Offset        float64 `json:"offset"`
	Seed          int64   `json:"seed"`
	SeriesCount   int     `json:"seriesCount"`
	FlushMs       int64   `json:"flushMs"`
}

// DefaultQuery is what a query with nothing but a refId asks for.
func DefaultQuery() Query {
	return Query{
		Kind:        DefaultKind,
		StepMs:      DefaultStepMs,
		PeriodMs:    DefaultPeriodMs,
		Amplitude:   DefaultAmplitude,
		Offset:      DefaultOffset,
		Seed:        DefaultSeed,
		SeriesCount: DefaultSeriesCount,
		FlushMs:     DefaultFlushMs,
	}
}

// Step is the time between two points.
func (q Query) Step() time.Duration { return time.Duration(q.StepMs) * time.Millisecond }

// FlushWindow is the longest a due point waits before it is sent: the
// stream sends at most one frame per window, holding every point due in it.
func (q Query) FlushWindow() time.Duration { return time.Duration(q.FlushMs) * time.Millisecond }

// ParseQuery reads a query's JSON as Grafana sends it. Fields Pulse does not
// know are ignored (ReadQuery lists them); absent or null fields take their
// defaults. The error is a *FieldError naming the first bad field.
func ParseQuery(raw []byte) (Query, error) {
	q, _, err := ReadQuery(raw)
	return q, err
}

// ReadQuery is ParseQuery that also lists, sorted, the fields of raw that are
// neither Pulse's nor Grafana's (GrafanaQueryFields): most likely a
// misspelling such as "stepMS", which would otherwise be silently ignored.
func ReadQuery(raw []byte) (Query, []string, error) {
	q := DefaultQuery()
	r, err := streaming.ReadFields(raw, "query")
	if err != nil {
		return Query{}, nil, err
	}
	kind := string(q.Kind)
	r.Bool("withStreaming", &q.WithStreaming)
	r.String("kind", &kind)
	r.Integer("stepMs", &q.StepMs)
	r.Integer("periodMs", &q.PeriodMs)
	r.Number("amplitude", &q.Amplitude)
	r.Number("offset", &q.Offset)
	r.Integer("seed", &q.Seed)
	series := int64(q.SeriesCount)
	r.Integer("seriesCount", &series)
	r.Integer("flushMs", &q.FlushMs)
	if err := r.Err(); err != nil {
		return Query{}, nil, err
	}
	if q.Kind, err = ParseKind(kind); err != nil {
		return Query{}, nil, streaming.Malformed("kind", "%v", err)
	}
	// int may be 32 bits wide; Validate reports anything out of bounds.
	q.SeriesCount = int(max(min(series, math.MaxInt32), math.MinInt32))
	q = q.canonical()
	if err := q.Validate(); err != nil {
		return Query{}, nil, err
	}
	return q, r.Unknown(streaming.GrafanaQueryFields...), nil
}

// canonical gives every value one spelling: -0 becomes 0, so that it cannot
// make a second channel for the same stream.
func (q Query) canonical() Query {
	q.Amplitude = positiveZero(q.Amplitude)
	q.Offset = positiveZero(q.Offset)
	return q
}

// positiveZero turns -0 into 0 and leaves every other value as it is.
func positiveZero(v float64) float64 {
	if v == 0 {
		return 0
	}
	return v
}

// Validate checks every parameter against its bounds.
func (q Query) Validate() error {
	if _, err := ParseKind(string(q.Kind)); err != nil {
		return streaming.Malformed("kind", "%v", err)
	}
	checks := []struct {
		field    string
		value    float64
		min, max float64
	}{
		{"stepMs", float64(q.StepMs), MinStepMs, MaxStepMs},
		{"periodMs", float64(q.PeriodMs), MinPeriodMs, MaxPeriodMs},
		{"amplitude", q.Amplitude, MinAmplitude, MaxAmplitude},
		{"offset", q.Offset, MinOffset, MaxOffset},
		{"seed", float64(q.Seed), MinSeed, MaxSeed},
		{"seriesCount", float64(q.SeriesCount), MinSeriesCount, MaxSeriesCount},
		{"flushMs", float64(q.FlushMs), streaming.MinFlushMs, streaming.MaxFlushMs},
	}
	for _, c := range checks {
		if !(c.value >= c.min && c.value <= c.max) {
			return streaming.OutOfBounds(c.field, "must be between %s and %s, got %s", streaming.FormatNumber(c.min), streaming.FormatNumber(c.max), streaming.FormatNumber(c.value))
		}
	}
	return nil
}
