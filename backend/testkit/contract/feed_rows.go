package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// feedTimeField is the payload field the specs' queries read times from.
const feedTimeField = "ts"

// feedValueField is the one value field of the specs' payloads.
const feedValueField = "n"

// newRoot is a target under k.Root no other spec, and no earlier run,
// uses.
func (k FeedKind) newRoot() string {
	return fmt.Sprintf("%s%d-%016x", k.Root, GinkgoParallelProcess(), rand.Uint64())
}

// feedQuery is a feed query as the query editor holds it.
type feedQuery struct {
	kind      FeedKind
	target    string
	timeField string
	fields    []string
	flushMs   int64 // zero: the default
	streaming bool
}

// model is the query's JSON.
func (q feedQuery) model() string {
	m := map[string]any{q.kind.Target: q.target, "withStreaming": q.streaming}
	for _, p := range q.kind.Params {
		m[p.Name] = p.Value
	}
	if q.timeField != "" {
		m["timeField"] = q.timeField
	}
	if len(q.fields) > 0 {
		m["fields"] = q.fields
	}
	if q.flushMs != 0 {
		m["flushMs"] = q.flushMs
	}
	b, err := json.Marshal(m)
	Expect(err).NotTo(HaveOccurred())
	return string(b)
}

// path is the channel path of the query when it streams.
func (q feedQuery) path() string {
	flush := q.flushMs
	if flush == 0 {
		flush = streaming.DefaultFlushMs
	}
	return q.kind.channelPath(flush, q.target, q.timeField, q.fields...)
}

// publish publishes messages to a series, one per value: {"ts": <now in
// ms>, "n": <value>}.
func publish(f Feed, topic string, values ...int) {
	GinkgoHelper()
	for _, v := range values {
		payload := fmt.Sprintf(`{%q:%d,%q:%d}`, feedTimeField, time.Now().UnixMilli(), feedValueField, v)
		Expect(f.Publish(topic, payload)).To(Succeed(), "publishing to %s", topic)
	}
}

// span is the values from first to last, one apart.
func span(first, last int) []int {
	var out []int
	for v := first; v <= last; v++ {
		out = append(out, v)
	}
	return out
}

// floats are values as a frame holds them.
func floats(values ...int) []float64 {
	out := make([]float64, len(values))
	for i, v := range values {
		out[i] = float64(v)
	}
	return out
}

// sample is one value of a frame: its field's name and series label.
type sample struct {
	name, topic string
	value       float64
}

// samplesOf lists a frame's non-null values row by row, in order; within a
// row, in field order. Every field after the time field must be numeric
// and carry k's series label.
func (k FeedKind) samplesOf(f *data.Frame) []sample {
	GinkgoHelper()
	if f == nil || len(f.Fields) == 0 {
		return nil
	}
	Expect(f.Fields[0].Type()).To(BeElementOf(data.FieldTypeTime, data.FieldTypeNullableTime), "the first field is the time")
	var out []sample
	for r := range f.Fields[0].Len() {
		for _, field := range f.Fields[1:] {
			Expect(field.Len()).To(Equal(f.Fields[0].Len()), "field %q has as many values as the time field", field.Name)
			if _, ok := field.ConcreteAt(r); !ok {
				continue
			}
			v, err := field.FloatAt(r)
			Expect(err).NotTo(HaveOccurred(), "field %q", field.Name)
			Expect(field.Labels).To(HaveKey(k.Label), "field %q is labelled with its series", field.Name)
			out = append(out, sample{name: field.Name, topic: field.Labels[k.Label], value: v})
		}
	}
	return out
}

// byTopic groups samples' values by topic, in order.
func byTopic(samples []sample) map[string][]float64 {
	out := map[string][]float64{}
	for _, s := range samples {
		out[s.topic] = append(out[s.topic], s.value)
	}
	return out
}

// wideFields asserts a streaming frame of q: the time field, then one
// field per series, labelled with it (topic=<topic>), for exactly topics,
// in any order; named "n <series>" when q's target has wildcards, "n"
// otherwise.
func (q feedQuery) wideFields(f *data.Frame, topics ...string) {
	GinkgoHelper()
	Expect(f.Fields).NotTo(BeEmpty())
	Expect(f.Fields[0].Name).To(Equal(streaming.TimeField))
	label := q.kind.Label
	var got []string
	for _, field := range f.Fields[1:] {
		topic := field.Labels[label]
		if q.kind.wildcard(q.target) {
			Expect(field.Name).To(Equal(feedValueField+" "+topic), "a wildcard's fields are named <field> <series>")
		} else {
			Expect(field.Name).To(Equal(feedValueField), "fields are named as in the payload")
		}
		Expect(field.Labels).To(Equal(data.Labels{label: topic}))
		got = append(got, topic)
	}
	Expect(got).To(ConsistOf(topics), "one field per topic")
}

// matchesSchema asserts that a packet's data has one array of values per
// field of the schema it is read under: what Grafana's frontend checks
// before it appends a data-only packet ("push message mismatch").
func matchesSchema(p pluginhost.Packet) {
	GinkgoHelper()
	var packet struct {
		Data *struct {
			Values []json.RawMessage `json:"values"`
		} `json:"data"`
	}
	Expect(json.Unmarshal(p.Raw, &packet)).To(Succeed(), "a JSON packet")
	if packet.Data == nil {
		return // schema only
	}
	Expect(packet.Data.Values).To(HaveLen(len(p.Frame.Fields)),
		"the packet's data has as many value arrays as its schema has fields (schema sent: %t): %s", p.HasSchema, p.Raw)
}

// feedRead is what a viewer read of a feed's stream.
type feedRead struct {
	packets []pluginhost.Packet
	samples []sample
}

// readSamples reads the frames pushed to sub, each checked against its
// schema, until done holds for the samples read (the admission's not
// included).
func (k FeedKind) readSamples(ctx context.Context, sub Subscription, what string, done func([]sample) bool) feedRead {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(ctx, streamTimeout)
	defer cancel()
	var r feedRead
	for !done(r.samples) {
		p, err := sub.Next(ctx)
		Expect(err).NotTo(HaveOccurred(), "a frame after %d frames, waiting for %s; values so far: %v", len(r.packets), what, byTopic(r.samples))
		matchesSchema(p)
		r.packets = append(r.packets, p)
		r.samples = append(r.samples, k.samplesOf(p.Frame)...)
	}
	return r
}

// hasValue is a readSamples condition: the value v of topic has come.
func hasValue(topic string, v int) func([]sample) bool {
	return func(samples []sample) bool {
		return slices.Contains(byTopic(samples)[topic], float64(v))
	}
}

// feedReady waits until the data source is connected to its server, so
// that a target a query follows gets the messages published after it.
func feedReady(ctx context.Context, d Driver) {
	GinkgoHelper()
	Eventually(func(g Gomega, ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		defer cancel()
		h, err := d.CheckHealth(ctx)
		g.Expect(err).NotTo(HaveOccurred())
		g.Expect(h.Status).To(Equal("OK"), h.Message)
	}).WithContext(ctx).WithTimeout(streamTimeout).WithPolling(time.Second).Should(Succeed(), "the data source connects to its server")
}

// follow runs q, which must succeed with one frame, and returns it: the
// data source then follows q's topic, and keeps the messages published
// from now on.
func follow(ctx context.Context, d Driver, q feedQuery) *data.Frame {
	GinkgoHelper()
	from, to := lastRange(time.Hour)
	res := query(ctx, d, Query{Model: q.model(), From: from, To: to, MaxDataPoints: 1000})
	Expect(res.Error).To(BeEmpty(), "query %s", q.model())
	Expect(res.Frames).To(HaveLen(1), "query %s", q.model())
	return res.Frames[0]
}
