package streaming_test

import (
	"errors"
	"testing"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Viewers can subscribe to any path and send any query JSON: whatever they
// send must decode or fail with a FieldError, never panic, and what decodes
// must be in bounds and canonical. `go test -fuzz FuzzParsePath` explores
// further than the seeds below, which run with every go test.

func FuzzParsePath(f *testing.F) {
	for _, seed := range []string{
		"v1/randomWalk", "v1/sine/s=100/p=5000/n=3", "v1/counter/a=1e06/o=-0.5", "v1/sine/s=0",
		"v1/sine/n=9223372036854775807", "v1/sine/a=NaN", "v9/x", "", "v1//", "v1/sine/s=1/s=1",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		q, err := streaming.ParsePath(path)
		if err != nil {
			var fe *streaming.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ParsePath(%q): %v is not a FieldError", path, err)
			}
			return
		}
		if verr := q.Validate(); verr != nil {
			t.Fatalf("ParsePath(%q) accepted an invalid query: %v", path, verr)
		}
		if q.Path() != path {
			t.Fatalf("ParsePath(%q) accepted a non-canonical path (canonical %q)", path, q.Path())
		}
	})
}

func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"kind":"sine","stepMs":100,"seriesCount":3,"withStreaming":true}`, `{"stepMs":1e300}`,
		`{"seriesCount":-99999999999}`, `{"amplitude":"1"}`, `[`, `null`, `{"kind":null}`, `{"offset":-1e9}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		q, err := streaming.ParseQuery(body)
		if err != nil {
			var fe *streaming.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("ParseQuery(%q): %v is not a FieldError", body, err)
			}
			return
		}
		if verr := q.Validate(); verr != nil {
			t.Fatalf("ParseQuery(%q) accepted an invalid query: %v", body, verr)
		}
		back, err := streaming.ParsePath(q.Path())
		if err != nil {
			t.Fatalf("the path %q of an accepted query does not decode: %v", q.Path(), err)
		}
		q.WithStreaming = true
		if back != q {
			t.Fatalf("path round trip changed the query: %+v became %+v", q, back)
		}
	})
}
