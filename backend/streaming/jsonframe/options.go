package jsonframe

import (
	"fmt"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Defaults of the options left at zero.
const (
	DefaultMaxDepth        = 8
	DefaultMaxFields       = 256
	DefaultMaxPayloadBytes = 1 << 20
)

// Ceilings of the options: the most a query may ask for, so that one
// stream's work stays bounded whatever a dashboard editor writes.
const (
	// DepthCeiling is the largest MaxDepth.
	DepthCeiling = 64
	// FieldsCeiling is the largest MaxFields.
	FieldsCeiling = 10_000
	// PayloadCeiling is the largest MaxPayloadBytes: 16 MiB.
	PayloadCeiling = 16 << 20
	// MaxPaths is how many paths Fields may list.
	MaxPaths = 256
	// MaxPathBytes is the longest path TimeField or Fields may hold.
	MaxPathBytes = 1024
	// MaxNesting is how deeply a payload's arrays and objects may nest, as
	// in Go's encoding/json: a payload nested deeper is refused, whatever
	// MaxDepth says.
	MaxNesting = 10_000
)

// Options say how a Decoder reads payloads and how many fields a Schema
// keeps. The zero value reads every field of every payload, with the
// arrival time, and the defaults below.
type Options struct {
	// TimeField is the gjson path of each row's time in its object. Empty
	// means the payload's arrival time.
	TimeField string
	// Fields are the gjson paths of the values to keep. Empty means every
	// field.
	Fields []string
	// MaxDepth is how many segments a field name has at most: an object or
	// array at that depth is kept as its JSON text in one string field.
	// Zero means DefaultMaxDepth (8).
	MaxDepth int
	// MaxFields is how many fields a row, and a schema, keep at most; the
	// values of further fields are dropped and counted. Zero means
	// DefaultMaxFields (256).
	MaxFields int
	// MaxPayloadBytes is the largest payload decoded; a larger one is
	// refused with an error and counted. Zero means DefaultMaxPayloadBytes
	// (1 MiB).
	MaxPayloadBytes int
}

// Validate returns an ErrOutOfBounds *streaming.FieldError naming the first
// option out of its bounds: a negative number, a number above its ceiling,
// too many paths, or an empty or too long path.
func (o Options) Validate() error {
	if err := checkInt("maxDepth", o.MaxDepth, DepthCeiling); err != nil {
		return err
	}
	if err := checkInt("maxFields", o.MaxFields, FieldsCeiling); err != nil {
		return err
	}
	if err := checkInt("maxPayloadBytes", o.MaxPayloadBytes, PayloadCeiling); err != nil {
		return err
	}
	if len(o.TimeField) > MaxPathBytes {
		return outOfBounds("timeField", "a path of at most %d bytes, got %s", MaxPathBytes, streaming.Excerpt(o.TimeField))
	}
	if len(o.Fields) > MaxPaths {
		return outOfBounds("fields", "at most %d paths, got %d", MaxPaths, len(o.Fields))
	}
	for _, p := range o.Fields {
		if p == "" || len(p) > MaxPathBytes {
			return outOfBounds("fields", "paths of 1 to %d bytes, got %s", MaxPathBytes, streaming.Excerpt(p))
		}
	}
	return nil
}

func checkInt(field string, v, ceiling int) error {
	if v < 0 || v > ceiling {
		return outOfBounds(field, "0 (the default) to %d, got %d", ceiling, v)
	}
	return nil
}

// withDefaults fills the options left at zero.
func (o Options) withDefaults() Options {
	if o.MaxDepth <= 0 {
		o.MaxDepth = DefaultMaxDepth
	}
	if o.MaxFields <= 0 {
		o.MaxFields = DefaultMaxFields
	}
	if o.MaxPayloadBytes <= 0 {
		o.MaxPayloadBytes = DefaultMaxPayloadBytes
	}
	return o
}

func outOfBounds(field, format string, args ...any) *streaming.FieldError {
	return &streaming.FieldError{Field: field, Reason: fmt.Sprintf(format, args...), Kind: streaming.ErrOutOfBounds}
}

func malformed(field, format string, args ...any) *streaming.FieldError {
	return &streaming.FieldError{Field: field, Reason: fmt.Sprintf(format, args...), Kind: streaming.ErrMalformed}
}
