package feed

import (
	"strings"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// Query is a feed query, read and checked: what to subscribe to, how to
// read its payloads, and whether and how to stream it.
type Query struct {
	// Target is what to subscribe to, in the query field Options.Target
	// (an MQTT topic filter).
	Target string
	// Params are the values of Options.Params, in their order ("" for
	// one the query leaves out).
	Params []string
	// WithStreaming is withStreaming: the panel wants the channel.
	WithStreaming bool
	// TimeField is timeField, the gjson path of each row's time; empty
	// means the arrival time.
	TimeField string
	// Fields is fields, the gjson paths of the values to keep; empty means
	// every field.
	Fields []string
	// FlushMs is flushMs: a stream sends about one frame per window (see
	// stream.run).
	FlushMs int64
}

// readQuery reads a query's JSON as Grafana sends it, and lists the fields
// that are neither the feed's nor Grafana's. The error is a
// *streaming.FieldError naming the field.
func (o Options) readQuery(raw []byte) (Query, []string, error) {
	q := Query{FlushMs: streaming.DefaultFlushMs}
	f, err := streaming.ReadFields(raw, "query")
	if err != nil {
		return Query{}, nil, err
	}
	f.String(o.Target, &q.Target)
	q.Params = make([]string, len(o.Params))
	for i, p := range o.Params {
		f.String(p.Name, &q.Params[i])
		if p.Default != "" && q.Params[i] == p.Default {
			q.Params[i] = ""
		}
	}
	f.Bool("withStreaming", &q.WithStreaming)
	f.String("timeField", &q.TimeField)
	f.Strings("fields", &q.Fields)
	f.IntegerIn("flushMs", &q.FlushMs, streaming.MinFlushMs, streaming.MaxFlushMs)
	if err := f.Err(); err != nil {
		return Query{}, nil, err
	}
	if err := o.checkQuery(q); err != nil {
		return Query{}, nil, err
	}
	return q, f.Unknown(streaming.GrafanaQueryFields...), nil
}

// checkQuery checks a query's target and paths, for a query and for a
// decoded channel path alike.
func (o Options) checkQuery(q Query) error {
	if q.Target == "" {
		return &streaming.FieldError{Field: o.Target, Reason: "is required: the " + o.Target + " to stream", Kind: streaming.ErrMalformed}
	}
	if err := o.Check(q.Target); err != nil {
		return err
	}
	if len(q.Params) != len(o.Params) {
		return &streaming.FieldError{Field: "path", Reason: "holds another number of query fields than this source has", Kind: streaming.ErrMalformed}
	}
	for i, p := range o.Params {
		v := q.Params[i]
		if p.Default != "" && v == p.Default {
			// Pulse writes the default as empty: a path that spells it
			// out is not canonical.
			return &streaming.FieldError{Field: p.Name, Reason: "is written empty when it is " + p.Default, Kind: streaming.ErrMalformed}
		}
		if strings.ContainsRune(v, 0) {
			return &streaming.FieldError{Field: p.Name, Reason: "must not contain a NUL character", Kind: streaming.ErrMalformed}
		}
		if v != "" && p.Check != nil {
			if err := p.Check(v); err != nil {
				return err
			}
		}
	}
	if err := q.decoderOptions().Validate(); err != nil {
		return err
	}
	if strings.ContainsRune(q.TimeField, 0) {
		return &streaming.FieldError{Field: "timeField", Reason: "must not contain a NUL character", Kind: streaming.ErrMalformed}
	}
	for _, p := range q.Fields {
		if strings.ContainsRune(p, 0) {
			return &streaming.FieldError{Field: "fields", Reason: "paths must not contain a NUL character", Kind: streaming.ErrMalformed}
		}
	}
	return nil
}

// decoderOptions are the jsonframe options of the query's tap.
func (q Query) decoderOptions() jsonframe.Options {
	return jsonframe.Options{TimeField: q.TimeField, Fields: q.Fields}
}

// key is the query's tap: queries that read one target the same way share
// it, whatever their flush window.
func (q Query) key() tapKey {
	return tapKey{target: q.Target, params: strings.Join(q.Params, "\x00"), timeField: q.TimeField, fields: strings.Join(q.Fields, "\x00")}
}

// subscription is what the query's tap subscribes to, replaying stored
// messages from since (zero: none) up to maxReplay of them.
func (o Options) subscription(q Query, since time.Time, maxReplay int) Subscription {
	sub := Subscription{Target: q.Target, Since: since, MaxReplay: maxReplay}
	for i, p := range o.Params {
		if q.Params[i] != "" {
			if sub.Params == nil {
				sub.Params = map[string]string{}
			}
			sub.Params[p.Name] = q.Params[i]
		}
	}
	return sub
}
