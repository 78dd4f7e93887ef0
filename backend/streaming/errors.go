package streaming

import (
	"errors"
	"fmt"
)

// ErrOutOfBounds marks a parameter that is well formed but outside its bounds
// or outside what the data source allows.
var ErrOutOfBounds = errors.New("out of bounds")

// ErrMalformed marks input that cannot be read at all: bad JSON, a wrong
// type, an unknown kind or a channel path Pulse never produces.
var ErrMalformed = errors.New("malformed")

// FieldError says which field of a query or path is wrong and why.
type FieldError struct {
	Field  string
	Reason string
	// Kind is ErrOutOfBounds or ErrMalformed, for errors.Is.
	Kind error
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Reason) }

// Unwrap lets errors.Is tell bounds errors from malformed input.
func (e *FieldError) Unwrap() error { return e.Kind }

// Malformed is a *FieldError for input that cannot be read at all.
func Malformed(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...), Kind: ErrMalformed}
}

// OutOfBounds is a *FieldError for a value outside its bounds or outside
// what the data source allows.
func OutOfBounds(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...), Kind: ErrOutOfBounds}
}
