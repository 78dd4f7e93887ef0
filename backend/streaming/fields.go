package streaming

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strings"
)

// Fields reads the optional fields of one JSON object — a query or a data
// source's settings — by name, and keeps the first error, so that a bad
// field is reported by name. Queries and settings follow one rule:
//
//   - an absent field or null takes its default;
//   - a number is a JSON number, in any form JSON allows (1000, 1e3,
//     1000.0); a number in quotes ("5") is a string, not a number;
//   - a whole number is a number without a fraction, within ±2^53;
//   - a bool is true or false; a string is a JSON string.
//
// It is not safe for concurrent use.
type Fields struct {
	fields map[string]json.RawMessage
	read   map[string]bool
	err    error
}

// ReadFields starts reading raw, which must be a JSON object, empty or
// null. what names the object in the error ("query", "settings").
func ReadFields(raw []byte, what string) (*Fields, error) {
	f := &Fields{read: map[string]bool{}}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return f, nil
	}
	if err := json.Unmarshal(raw, &f.fields); err != nil {
		return nil, Malformed(what, "not a JSON object: %v", err)
	}
	return f, nil
}

// Err is the first error of the fields read so far, a *FieldError.
func (f *Fields) Err() error { return f.err }

// Unknown lists, sorted, the fields that were neither read nor named in
// ignored.
func (f *Fields) Unknown(ignored ...string) []string {
	var unknown []string
	for name := range f.fields {
		if !f.read[name] && !slices.Contains(ignored, name) {
			unknown = append(unknown, name)
		}
	}
	slices.Sort(unknown)
	return unknown
}

// raw returns the field's JSON, or false when it is absent, null or an
// earlier field already failed.
func (f *Fields) raw(name string) (json.RawMessage, bool) {
	f.read[name] = true
	if f.err != nil {
		return nil, false
	}
	v, ok := f.fields[name]
	if !ok || strings.TrimSpace(string(v)) == "null" {
		return nil, false
	}
	return v, true
}

// Bool reads a bool into dst.
func (f *Fields) Bool(name string, dst *bool) {
	if v, ok := f.raw(name); ok {
		if err := json.Unmarshal(v, dst); err != nil {
			f.err = Malformed(name, "must be true or false, got %s", clip(string(v)))
		}
	}
}

// String reads a string into dst.
func (f *Fields) String(name string, dst *string) {
	if v, ok := f.raw(name); ok {
		if err := json.Unmarshal(v, dst); err != nil {
			f.err = Malformed(name, "must be a string, got %s", clip(string(v)))
		}
	}
}

// Strings reads a list of strings into dst: a JSON array whose elements
// are strings.
func (f *Fields) Strings(name string, dst *[]string) {
	if v, ok := f.raw(name); ok {
		var list []string
		if err := json.Unmarshal(v, &list); err != nil {
			f.err = Malformed(name, "must be a list of strings, got %s", clip(string(v)))
			return
		}
		*dst = list
	}
}

// Number reads a number into dst.
func (f *Fields) Number(name string, dst *float64) {
	v, ok := f.raw(name)
	if !ok {
		return
	}
	var n float64
	if err := json.Unmarshal(v, &n); err != nil {
		f.err = Malformed(name, "must be a number, got %s", clip(string(v)))
		return
	}
	*dst = n
}

// Integer reads a whole number into dst.
func (f *Fields) Integer(name string, dst *int64) {
	v, ok := f.raw(name)
	if !ok {
		return
	}
	var n float64
	if err := json.Unmarshal(v, &n); err != nil {
		f.err = Malformed(name, "must be a whole number, got %s", clip(string(v)))
		return
	}
	// Whole numbers beyond ±2^53 cannot be told apart in JSON anyway; every
	// bound is far below that, so the bounds check reports them.
	if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
		f.err = OutOfBounds(name, "must be a whole number within bounds, got %s", clip(string(v)))
		return
	}
	*dst = int64(n)
}

// IntegerIn reads a whole number into dst and checks it is within [lo, hi].
func (f *Fields) IntegerIn(name string, dst *int64, lo, hi int64) {
	v := *dst
	f.Integer(name, &v)
	if f.err != nil {
		return
	}
	if v < lo || v > hi {
		f.err = OutOfBounds(name, "must be between %s and %s, got %s", FormatNumber(float64(lo)), FormatNumber(float64(hi)), FormatNumber(float64(v)))
		return
	}
	*dst = v
}
