package signals_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

// Viewers can subscribe to any path and send any query JSON: whatever they
// send must decode or fail with a FieldError, never panic, and what decodes
// must be in bounds and canonical. `go test -fuzz FuzzParsePath` explores
// further than the seeds below, which run with every go test.

func FuzzParsePath(f *testing.F) {
	for _, seed := range []string{
		"v1/randomWalk", "v1/sine/s=100/p=5000/n=3", "v1/counter/a=1e06/o=-0.5", "v1/sine/s=0",
		"v1/sine/n=9223372036854775807", "v1/sine/a=NaN", "v9/x", "", "v1//", "v1/sine/s=1/s=1",
		"v1/sine/o=-0", "v1/counter/a=-0", "v1/sine/o=-0.0", "v1/sine/o=0e0",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, path string) {
		q, err := signals.ParsePath(path)
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
		checkCanonical(t, q)
	})
}

// FuzzQueryPath builds queries from any numbers, -0 included: every query
// in bounds has one canonical path, which decodes to the same query and
// encodes to the same path again.
func FuzzQueryPath(f *testing.F) {
	f.Add(uint8(0), int64(1000), int64(60000), 10.0, 0.0, int64(0), int64(1), int64(100))
	f.Add(uint8(1), int64(1), int64(10), math.Copysign(0, -1), math.Copysign(0, -1), int64(7), int64(16), int64(10))
	f.Add(uint8(4), int64(3600000), int64(86400000), 1e9, -1e9, int64(999999999), int64(3), int64(10000))
	f.Add(uint8(2), int64(250), int64(5000), 1e-7, 5e-324, int64(1), int64(2), int64(250))
	f.Fuzz(func(t *testing.T, kind uint8, step, period int64, amplitude, offset float64, seed, series, flush int64) {
		q := signals.Query{
			Kind: signals.Kinds[int(kind)%len(signals.Kinds)], StepMs: step, PeriodMs: period,
			Amplitude: amplitude, Offset: offset, Seed: seed, SeriesCount: int(max(min(series, 1<<20), -1)), FlushMs: flush,
		}
		if q.Validate() != nil {
			return
		}
		checkCanonical(t, q)
	})
}

// checkCanonical checks that q's path fits Grafana's rules and decodes to
// q (with -0 as 0), whose path is the same again.
func checkCanonical(t *testing.T, q signals.Query) {
	t.Helper()
	path := q.Path()
	if len("ds/"+strings.Repeat("u", 40)+"/"+path) > streaming.MaxChannelLength {
		t.Fatalf("the path %q does not fit Grafana's limit beside a 40-character uid", path)
	}
	for _, c := range path {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("_-/=.", c)) {
			t.Fatalf("the path %q has %q, which Grafana does not allow", path, c)
		}
	}
	back, err := signals.ParsePath(path)
	if err != nil {
		t.Fatalf("the path %q of %+v does not decode: %v", path, q, err)
	}
	if math.Signbit(back.Amplitude) && back.Amplitude == 0 || math.Signbit(back.Offset) && back.Offset == 0 {
		t.Fatalf("the path %q decodes to -0", path)
	}
	q.WithStreaming = true
	if back != q {
		t.Fatalf("the path %q decodes to %+v, not %+v", path, back, q)
	}
	if again := back.Path(); again != path {
		t.Fatalf("the path %q re-encodes as %q", path, again)
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, seed := range []string{
		`{}`, `{"kind":"sine","stepMs":100,"seriesCount":3,"withStreaming":true}`, `{"stepMs":1e300}`,
		`{"seriesCount":-99999999999}`, `{"amplitude":"1"}`, `[`, `null`, `{"kind":null}`, `{"offset":-1e9}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		q, err := signals.ParseQuery(body)
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
		back, err := signals.ParsePath(q.Path())
		if err != nil {
			t.Fatalf("the path %q of an accepted query does not decode: %v", q.Path(), err)
		}
		q.WithStreaming = true
		if back != q {
			t.Fatalf("path round trip changed the query: %+v became %+v", q, back)
		}
	})
}
