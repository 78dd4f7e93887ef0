package jsonframe_test

import (
	"math"
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// observed decodes payloads, one a second from arrival, into one schema
// and returns it with all their rows.
func observed(opts jsonframe.Options, payloads ...string) (*jsonframe.Schema, []jsonframe.Row) {
	GinkgoHelper()
	d, err := jsonframe.NewDecoder(opts)
	Expect(err).NotTo(HaveOccurred())
	s := jsonframe.NewSchema(opts)
	var all []jsonframe.Row
	for i, p := range payloads {
		rows, err := d.Decode([]byte(p), arrival.Add(time.Duration(i)*time.Second))
		Expect(err).NotTo(HaveOccurred())
		s.Observe(rows)
		all = append(all, rows...)
	}
	return s, all
}

// column lists a field's values, nil for null.
func column(f *data.Field) []any {
	out := make([]any, f.Len())
	for i := range out {
		if v, ok := f.ConcreteAt(i); ok {
			out[i] = v
		}
	}
	return out
}

var _ = Describe("Frames", func() {
	topic := data.Labels{"topic": "home/kitchen"}

	It("have a time field, then a nullable field per schema field in schema order, labelled", func() {
		s, rows := observed(jsonframe.Options{}, `{"t":21.5,"on":true}`, `{"name":"k","t":22}`)
		f := s.Frame(rows, topic)
		Expect(f.Fields).To(HaveLen(4))
		Expect(f.Fields[0].Name).To(Equal("time"))
		Expect(f.Fields[0].Type()).To(Equal(data.FieldTypeTime))
		Expect(f.Fields[0].Labels).To(BeNil())
		Expect(column(f.Fields[0])).To(Equal([]any{arrival, arrival.Add(time.Second)}))
		for i, want := range []struct {
			name string
			typ  data.FieldType
			vals []any
		}{
			{"t", data.FieldTypeNullableFloat64, []any{21.5, 22.0}},
			{"on", data.FieldTypeNullableBool, []any{true, nil}},
			{"name", data.FieldTypeNullableString, []any{nil, "k"}},
		} {
			field := f.Fields[i+1]
			Expect(field.Name).To(Equal(want.name))
			Expect(field.Type()).To(Equal(want.typ))
			Expect(field.Labels).To(Equal(topic))
			Expect(column(field)).To(Equal(want.vals), want.name)
		}
		Expect(s.Frame(rows, nil).Fields[1].Labels).To(BeNil())
	})

	It("render every value of a widened field as its JSON text, earlier rows' too", func() {
		s, rows := observed(jsonframe.Options{},
			`{"v":1}`, `{"v":true}`, `{"v":0.1}`, `{"v":1e21}`, `{"v":-1.5e-7}`, `{"v":-0}`, `{"v":1e400}`, `{"v":null}`, `{"v":"text"}`, `{"v":100}`)
		f := s.Frame(rows, nil)
		Expect(f.Fields[1].Type()).To(Equal(data.FieldTypeNullableString))
		Expect(column(f.Fields[1])).To(Equal([]any{"1", "true", "0.1", "1e+21", "-1.5e-7", "0", "Infinity", nil, "text", "100"}))
	})

	It("write text as JavaScript does", func() {
		for v, want := range map[float64]string{
			123456789.125: "123456789.125", 1e20: "100000000000000000000", 1e-6: "0.000001", 1e-300: "1e-300",
			math.Inf(-1): "-Infinity", math.NaN(): "NaN", -2: "-2", 5e-324: "5e-324",
		} {
			Expect(jsonframe.Number(v).Text()).To(Equal(want))
		}
		Expect(jsonframe.Null().Text()).To(Equal("null"))
		Expect(jsonframe.Bool(false).Text()).To(Equal("false"))
		Expect(jsonframe.String("s").Text()).To(Equal("s"))
	})

	It("leave out values of fields the schema lacks, and values of another type than a number or bool field's", func() {
		s := &jsonframe.Schema{}
		s.Observe(decode(`{"n":1,"b":true}`))
		rows := []jsonframe.Row{{Time: arrival, Fields: []jsonframe.Field{
			{Name: "n", Value: jsonframe.String("x")}, {Name: "b", Value: jsonframe.Number(1)}, {Name: "new", Value: jsonframe.Number(2)},
		}}}
		f := s.Frame(rows, nil)
		Expect(f.Fields).To(HaveLen(3))
		Expect(column(f.Fields[1])).To(Equal([]any{nil}))
		Expect(column(f.Fields[2])).To(Equal([]any{nil}))
	})

	It("have only the time field for a schema without fields, and no rows for none", func() {
		s := &jsonframe.Schema{}
		f := s.Frame([]jsonframe.Row{{Time: arrival}}, topic)
		Expect(f.Fields).To(HaveLen(1))
		Expect(f.Rows()).To(Equal(1))
		Expect(s.Frame(nil, nil).Rows()).To(BeZero())
	})

	It("keep rows in the order given, whatever their times", func() {
		s, rows := observed(jsonframe.Options{TimeField: "t"}, `[{"t":3},{"t":1},{"t":2}]`)
		Expect(column(s.Frame(rows, nil).Fields[0])).To(Equal([]any{at(3, 0), at(1, 0), at(2, 0)}))
	})

	It("are the same from reused Columns as from new ones, through schema and label changes", func() {
		var c jsonframe.Columns
		s := &jsonframe.Schema{}
		d := &jsonframe.Decoder{}
		for i, p := range []string{`{"a":1}`, `[{"a":2},{"a":3,"b":"x"}]`, `{"a":"wide"}`, `{"c":true}`, `{"a":4}`, `[]`, `{"b":"y"}`} {
			rows, err := d.Decode([]byte(p), arrival.Add(time.Duration(i)*time.Second))
			Expect(err).NotTo(HaveOccurred())
			s.Observe(rows)
			labels := topic
			if i%3 == 0 {
				labels = data.Labels{"topic": "home/cellar"}
			}
			want, err := data.FrameToJSON(s.Frame(rows, labels), data.IncludeAll)
			Expect(err).NotTo(HaveOccurred())
			got, err := data.FrameToJSON(c.Frame(s, rows, labels), data.IncludeAll)
			Expect(err).NotTo(HaveOccurred())
			Expect(got).To(MatchJSON(want), p)
		}
	})

	It("cost no allocation per row or value from reused Columns while the schema and labels stay", func() {
		payload := `[{"a":1,"b":"x","c":true},{"a":2,"b":"y"},{"c":false}]`
		s, few := observed(jsonframe.Options{}, payload)
		repeat := func(n int) []jsonframe.Row {
			var rows []jsonframe.Row
			for range n {
				rows = append(rows, few...)
			}
			return rows
		}
		var c jsonframe.Columns
		perFrame := func(rows []jsonframe.Row) float64 {
			c.Frame(s, rows, topic)
			return testing.AllocsPerRun(20, func() { c.Frame(s, rows, topic) })
		}
		// None at all in a normal build (see BenchmarkColumns); the race
		// detector's build may add one per field.
		Expect(perFrame(repeat(100))).To(BeNumerically("<=", 1+s.Len()))
		Expect(perFrame(repeat(200))).To(Equal(perFrame(repeat(100))))
	})

	It("let the stream's encoder send the schema exactly when Observe reported a change", func() {
		d := &jsonframe.Decoder{}
		s := &jsonframe.Schema{}
		var (
			c   jsonframe.Columns
			enc streaming.Encoder
		)
		for i, p := range []string{`{"a":1}`, `{"a":2}`, `{"a":3,"b":true}`, `{"b":false}`, `{"a":"x"}`, `{"a":5}`, `[]`} {
			rows, err := d.Decode([]byte(p), arrival)
			Expect(err).NotTo(HaveOccurred())
			changed := s.Observe(rows)
			_, include, err := enc.Encode(c.Frame(s, rows, topic))
			Expect(err).NotTo(HaveOccurred())
			Expect(include == data.IncludeAll).To(Equal(changed || i == 0), p)
		}
	})
})
