package streaming

import (
	"bytes"
	"encoding/json"
	"math"
	"time"
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
// know (refId, datasource, intervalMs, …) are ignored; absent or null fields
// take their defaults. The error is a *FieldError naming the first bad field.
func ParseQuery(raw []byte) (Query, error) {
	q := DefaultQuery()
	if len(bytes.TrimSpace(raw)) == 0 {
		return q, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return Query{}, malformed("query", "not a JSON object: %v", err)
	}
	r := fieldReader{fields: fields}
	r.bool("withStreaming", &q.WithStreaming)
	r.kind("kind", &q.Kind)
	r.integer("stepMs", &q.StepMs)
	r.integer("periodMs", &q.PeriodMs)
	r.number("amplitude", &q.Amplitude)
	r.number("offset", &q.Offset)
	r.integer("seed", &q.Seed)
	series := int64(q.SeriesCount)
	r.integer("seriesCount", &series)
	r.integer("flushMs", &q.FlushMs)
	if r.err != nil {
		return Query{}, r.err
	}
	// int may be 32 bits wide; Validate reports anything out of bounds.
	q.SeriesCount = int(max(min(series, math.MaxInt32), math.MinInt32))
	if err := q.Validate(); err != nil {
		return Query{}, err
	}
	return q, nil
}

// Validate checks every parameter against its bounds.
func (q Query) Validate() error {
	if _, err := ParseKind(string(q.Kind)); err != nil {
		return malformed("kind", "%v", err)
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
		{"flushMs", float64(q.FlushMs), MinFlushMs, MaxFlushMs},
	}
	for _, c := range checks {
		if !(c.value >= c.min && c.value <= c.max) {
			return outOfBounds(c.field, "must be between %v and %v, got %v", c.min, c.max, c.value)
		}
	}
	return nil
}
