package streaming

import (
	"encoding/json"
	"math"
	"strings"
)

// fieldReader decodes the optional fields of a JSON object one by one and
// keeps the first error, so a bad field is reported by name.
type fieldReader struct {
	fields map[string]json.RawMessage
	err    error
}

// raw returns the field's JSON, or false when it is absent, null or an
// earlier field already failed.
func (r *fieldReader) raw(name string) (json.RawMessage, bool) {
	if r.err != nil {
		return nil, false
	}
	v, ok := r.fields[name]
	if !ok || strings.TrimSpace(string(v)) == "null" {
		return nil, false
	}
	return v, true
}

func (r *fieldReader) bool(name string, dst *bool) {
	if v, ok := r.raw(name); ok {
		if err := json.Unmarshal(v, dst); err != nil {
			r.err = malformed(name, "must be true or false, got %s", v)
		}
	}
}

func (r *fieldReader) kind(name string, dst *Kind) {
	v, ok := r.raw(name)
	if !ok {
		return
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		r.err = malformed(name, "must be a string, got %s", v)
		return
	}
	k, err := ParseKind(s)
	if err != nil {
		r.err = malformed(name, "%v", err)
		return
	}
	*dst = k
}

func (r *fieldReader) number(name string, dst *float64) {
	v, ok := r.raw(name)
	if !ok {
		return
	}
	var f float64
	if err := json.Unmarshal(v, &f); err != nil {
		r.err = malformed(name, "must be a number, got %s", v)
		return
	}
	*dst = f
}

func (r *fieldReader) integer(name string, dst *int64) {
	v, ok := r.raw(name)
	if !ok {
		return
	}
	var f float64
	if err := json.Unmarshal(v, &f); err != nil {
		r.err = malformed(name, "must be a whole number, got %s", v)
		return
	}
	// Whole numbers beyond ±2^53 cannot be told apart in JSON anyway; every
	// bound is far below that, so the bounds check reports them.
	if f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		r.err = outOfBounds(name, "must be a whole number within bounds, got %s", v)
		return
	}
	*dst = int64(f)
}
