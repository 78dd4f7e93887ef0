package signals

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// PathVersion is the first segment of every channel path Pulse produces. A
// new path layout gets a new version, so old dashboards' channels keep
// decoding or are refused clearly.
const PathVersion = "v1"

// pathParam is one optional "key=value" segment of a path, in path order.
type pathParam struct {
	key   string
	field string
	get   func(Query) string
	set   func(*Query, string) error
}

var pathParams = []pathParam{
	{"s", "stepMs", func(q Query) string { return formatInt(q.StepMs) }, func(q *Query, s string) error { return parseInt(s, &q.StepMs) }},
	{"p", "periodMs", func(q Query) string { return formatInt(q.PeriodMs) }, func(q *Query, s string) error { return parseInt(s, &q.PeriodMs) }},
	{"a", "amplitude", func(q Query) string { return formatNumber(q.Amplitude) }, func(q *Query, s string) error { return parseNumber(s, &q.Amplitude) }},
	{"o", "offset", func(q Query) string { return formatNumber(q.Offset) }, func(q *Query, s string) error { return parseNumber(s, &q.Offset) }},
	{"r", "seed", func(q Query) string { return formatInt(q.Seed) }, func(q *Query, s string) error { return parseInt(s, &q.Seed) }},
	{"n", "seriesCount", func(q Query) string { return strconv.Itoa(q.SeriesCount) }, func(q *Query, s string) error {
		var n int64
		if err := parseInt(s, &n); err != nil {
			return err
		}
		// int may be 32 bits wide; Validate reports anything out of bounds.
		q.SeriesCount = int(max(min(n, math.MaxInt32), math.MinInt32))
		return nil
	}},
	{"f", "flushMs", func(q Query) string { return formatInt(q.FlushMs) }, func(q *Query, s string) error { return parseInt(s, &q.FlushMs) }},
}

// Path encodes everything a stream needs into a channel path: Grafana's
// subscription carries no data, so RunStream rebuilds the query from it.
// The path is canonical: defaults are left out and the order is fixed, so
// equal queries share one channel. WithStreaming is not part of it.
func (q Query) Path() string {
	q = q.canonical()
	var b strings.Builder
	b.WriteString(PathVersion)
	b.WriteByte('/')
	b.WriteString(string(q.Kind))
	def := DefaultQuery()
	for _, p := range pathParams {
		if v := p.get(q); v != p.get(def) {
			b.WriteByte('/')
			b.WriteString(p.key)
			b.WriteByte('=')
			b.WriteString(v)
		}
	}
	return b.String()
}

// ParsePath decodes a channel path made by Query.Path. A path Pulse would
// never produce (unknown version or key, repeated or misordered keys,
// defaults spelled out, unreadable numbers) is ErrMalformed; a well-formed
// path whose values are out of bounds is ErrOutOfBounds. The returned query
// streams.
func ParsePath(path string) (Query, error) {
	segments := strings.Split(path, "/")
	if len(segments) < 2 || segments[0] != PathVersion {
		return Query{}, streaming.Malformed("path", "%s is not a Pulse %s channel path", streaming.Excerpt(path), PathVersion)
	}
	q := DefaultQuery()
	kind, err := ParseKind(segments[1])
	if err != nil {
		return Query{}, streaming.Malformed("path", "%v", err)
	}
	q.Kind = kind
	next := 0
	for _, seg := range segments[2:] {
		key, value, ok := strings.Cut(seg, "=")
		if !ok {
			return Query{}, streaming.Malformed("path", "segment %s is not key=value", streaming.Excerpt(seg))
		}
		i := paramIndex(key)
		if i < next {
			return Query{}, streaming.Malformed("path", "unknown, repeated or misplaced key %s", streaming.Excerpt(key))
		}
		p := pathParams[i]
		if err := p.set(&q, value); err != nil {
			return Query{}, streaming.Malformed(p.field, "%s is not a number", streaming.Excerpt(value))
		}
		next = i + 1
	}
	q = q.canonical()
	if err := q.Validate(); err != nil {
		return Query{}, err
	}
	if canonical := q.Path(); canonical != path {
		return Query{}, streaming.Malformed("path", "%s is not canonical; Pulse writes it %s", streaming.Excerpt(path), streaming.Excerpt(canonical))
	}
	q.WithStreaming = true
	return q, nil
}

// Channel is the whole Grafana Live channel of this query on the data
// source with the given uid. Every in-bounds query's path fits Grafana's
// limit beside a uid of up to 40 characters (Grafana's own limit); the error
// covers longer uids.
func (q Query) Channel(dataSourceUID string) (string, error) {
	channel := "ds/" + dataSourceUID + "/" + q.Path()
	if len(channel) > streaming.MaxChannelLength {
		return "", fmt.Errorf("channel %s is longer than Grafana's limit of %d characters", streaming.Excerpt(channel), streaming.MaxChannelLength)
	}
	return channel, nil
}

func paramIndex(key string) int {
	for i, p := range pathParams {
		if p.key == key {
			return i
		}
	}
	return -1
}

func formatInt(v int64) string { return strconv.FormatInt(v, 10) }

// formatNumber writes the shortest decimal that reads back to exactly v,
// without the '+' Grafana does not allow in channel paths.
func formatNumber(v float64) string {
	v = positiveZero(v)
	return strings.Replace(strconv.FormatFloat(v, 'g', -1, 64), "e+", "e", 1)
}

func parseInt(s string, dst *int64) error {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return err
	}
	*dst = v
	return nil
}

func parseNumber(s string, dst *float64) error {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return err
	}
	*dst = v
	return nil
}
