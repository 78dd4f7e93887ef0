package jsonframe_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// fuzzOptions are the option sets FuzzDecode picks from; path is the
// fuzzer's own gjson path.
func fuzzOptions(mode uint8, path string) jsonframe.Options {
	switch mode % 5 {
	case 1:
		return jsonframe.Options{TimeField: path, MaxDepth: 2, MaxFields: 4}
	case 2:
		return jsonframe.Options{Fields: []string{path, "a", "b.c"}, MaxFields: 3}
	case 3:
		return jsonframe.Options{TimeField: "t", MaxDepth: 1, MaxPayloadBytes: 64}
	case 4:
		return jsonframe.Options{TimeField: "ts", Fields: []string{path}}
	default:
		return jsonframe.Options{}
	}
}

// Payloads come from any publisher on a topic: whatever they hold must
// decode or fail with a FieldError, never panic, and what decodes must fit
// the limits, observe into a schema its values match, and make a frame.
// `go test -fuzz FuzzDecode ./jsonframe/` explores further than the seeds,
// which run with every go test: the golden payloads and those below.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"ts":1795521600123,"a":1,"b":{"c":"x"}}`, `[1,"a",true,null,[2],{"a":3}]`, `{"a":{"b":{"c":{"d":[1,[2,[3]]]}}}}`,
		`{"a.b":1,"a":{"b":"2"}}`, `{"t":"2026-11-24T12:00:00Z","t":1}`, "{\"k\xff\":\"\xfe\"}", `{"":{"":[]}}`, `"\u0000"`,
		`{"ts":1e400}`, `[[[[[[[[[[]]]]]]]]]]`, `{"a":1,"a":"x","a":true}`, `1e-400`, `-0`, `{"a":`, "",
	} {
		f.Add([]byte(seed), uint8(0), "ts")
		f.Add([]byte(seed), uint8(1), "a")
		f.Add([]byte(seed), uint8(2), "@this")
	}
	cases, _ := filepath.Glob(filepath.Join("testdata", "*.json"))
	for i, name := range cases {
		body, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		for line := range bytes.SplitSeq(body, []byte("\n")) {
			f.Add(line, uint8(i), "ts")
		}
	}
	f.Fuzz(func(t *testing.T, payload []byte, mode uint8, path string) {
		opts := fuzzOptions(mode, path)
		d, err := jsonframe.NewDecoder(opts)
		if err != nil {
			if opts.Validate() == nil {
				t.Fatalf("NewDecoder refused valid options %+v: %v", opts, err)
			}
			return
		}
		limits := d.Options()
		arrival := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		rows, err := d.Decode(payload, arrival)
		checkError(t, payload, limits, err)
		if err != nil {
			return
		}
		checkRows(t, payload, limits, rows, arrival)

		s := jsonframe.NewSchema(opts)
		s.Observe(rows)
		if s.Len() > limits.MaxFields {
			t.Fatalf("%q: %d fields in a schema of at most %d", payload, s.Len(), limits.MaxFields)
		}
		if s.Observe(rows) {
			t.Fatalf("%q: observing the same rows again changed the schema", payload)
		}
		for _, r := range rows {
			for _, field := range r.Fields {
				_, typ, ok := s.Lookup(field.Name)
				if v := field.Value.Type; ok && v != jsonframe.TypeNull && v != typ && typ != jsonframe.TypeString {
					t.Fatalf("%q: field %q holds a %s in a %s field", payload, field.Name, v, typ)
				}
			}
		}

		frame := s.Frame(rows, data.Labels{"topic": "t"})
		if len(frame.Fields) != s.Len()+1 || frame.Rows() != len(rows) {
			t.Fatalf("%q: a frame of %d fields and %d rows for %d fields and %d rows", payload, len(frame.Fields), frame.Rows(), s.Len(), len(rows))
		}
		packet, err := data.FrameToJSON(frame, data.IncludeAll)
		if err != nil || !json.Valid(packet) {
			t.Fatalf("%q: the frame does not encode: %v", payload, err)
		}
		var c jsonframe.Columns
		c.Frame(s, rows[len(rows)/2:], nil)
		again, err := data.FrameToJSON(c.Frame(s, rows, data.Labels{"topic": "t"}), data.IncludeAll)
		if err != nil || !bytes.Equal(again, packet) {
			t.Fatalf("%q: reused columns differ from new ones: %v\n%s\n%s", payload, err, again, packet)
		}
	})
}

// checkError checks that Decode refused exactly what is not JSON, too large
// or too deep, with a FieldError of the right kind.
func checkError(t *testing.T, payload []byte, limits jsonframe.Options, err error) {
	t.Helper()
	if err == nil {
		if !json.Valid(payload) || len(payload) > limits.MaxPayloadBytes {
			t.Fatalf("%q was decoded", payload)
		}
		return
	}
	var fe *streaming.FieldError
	if !errors.As(err, &fe) || fe.Field != "payload" {
		t.Fatalf("%q: %v is not a payload FieldError", payload, err)
	}
	switch {
	case errors.Is(err, streaming.ErrMalformed):
		if json.Valid(payload) {
			t.Fatalf("%q is JSON, refused: %v", payload, err)
		}
	case errors.Is(err, streaming.ErrOutOfBounds):
		if len(payload) <= limits.MaxPayloadBytes && len(payload) <= jsonframe.MaxNesting {
			t.Fatalf("%q is neither too large nor too deep, refused: %v", payload, err)
		}
	default:
		t.Fatalf("%q: %v is of no kind", payload, err)
	}
	if len(err.Error()) > 4*streaming.MaxExcerpt+64 { // a quoted byte takes at most 4
		t.Fatalf("%q: a long error: %v", payload, err)
	}
}

// checkRows checks the rows' limits, names, values and times.
func checkRows(t *testing.T, payload []byte, limits jsonframe.Options, rows []jsonframe.Row, arrival time.Time) {
	t.Helper()
	for _, r := range rows {
		if len(r.Fields) > limits.MaxFields {
			t.Fatalf("%q: a row of %d fields, at most %d", payload, len(r.Fields), limits.MaxFields)
		}
		seen := map[string]bool{}
		for _, field := range r.Fields {
			if seen[field.Name] {
				t.Fatalf("%q: the name %q twice in a row", payload, field.Name)
			}
			seen[field.Name] = true
			if len(field.Name) > jsonframe.MaxNameBytes || !utf8.ValidString(field.Name) || !utf8.ValidString(field.Value.Str) {
				t.Fatalf("%q: a bad name or string: %q %q", payload, field.Name, field.Value.Str)
			}
			if field.Value.Type > jsonframe.TypeBool {
				t.Fatalf("%q: a value of no type: %+v", payload, field.Value)
			}
		}
		switch {
		case limits.TimeField == "" && (r.TimeSource != jsonframe.TimeArrival || !r.Time.Equal(arrival)):
			t.Fatalf("%q: a time %v (%s) without a time field", payload, r.Time, r.TimeSource)
		case r.TimeSource.Fallback() && !r.Time.Equal(arrival):
			t.Fatalf("%q: a fallback time %v that is not the arrival", payload, r.Time)
		case r.TimeSource == jsonframe.TimePayload && (r.Time.Location() != time.UTC || r.Time.Before(time.Unix(0, math.MinInt64)) || r.Time.After(time.Unix(0, math.MaxInt64))):
			t.Fatalf("%q: a payload time %v out of range", payload, r.Time)
		}
	}
}
