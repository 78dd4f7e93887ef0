package jsonframe

import (
	"math"
	"strconv"
)

// Type is the type of a value, and of a schema field.
type Type uint8

// Types of values. A schema field is never TypeNull.
const (
	TypeNull Type = iota
	TypeNumber
	TypeString
	TypeBool
)

// String names the type as the JSON it comes from.
func (t Type) String() string {
	switch t {
	case TypeNumber:
		return "number"
	case TypeString:
		return "string"
	case TypeBool:
		return "bool"
	default:
		return "null"
	}
}

// Value is one typed value of a row: Num, Str or Bool holds it, according
// to Type.
type Value struct {
	Type Type
	Bool bool
	Num  float64
	Str  string
}

// Number makes a number value.
func Number(v float64) Value { return Value{Type: TypeNumber, Num: v} }

// String makes a string value.
func String(s string) Value { return Value{Type: TypeString, Str: s} }

// Bool makes a bool value.
func Bool(b bool) Value { return Value{Type: TypeBool, Bool: b} }

// Null is the null value.
func Null() Value { return Value{} }

// Text is the value as a string field holds it: a string as it is, a
// number as JavaScript writes it (1000, 0.25, 1e-7, 1e+21), a bool as true
// or false, null as "null".
func (v Value) Text() string {
	switch v.Type {
	case TypeString:
		return v.Str
	case TypeNumber:
		return string(appendNumberText(nil, v.Num))
	case TypeBool:
		return strconv.FormatBool(v.Bool)
	default:
		return "null"
	}
}

// appendNumberText writes a number as JavaScript's Number.prototype.toString
// does (and so JSON.stringify): the shortest decimal that reads back as v,
// with an exponent below 1e-6 and from 1e21, the exponent without leading
// zeros. JSON numbers too large for a float64 are read as ±Infinity.
func appendNumberText(dst []byte, v float64) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(v, -1):
		return append(dst, "-Infinity"...)
	case math.IsNaN(v):
		return append(dst, "NaN"...)
	}
	abs := math.Abs(v)
	if abs == 0 || abs >= 1e-6 && abs < 1e21 {
		if v == 0 {
			v = 0 // JavaScript writes -0 as 0
		}
		return strconv.AppendFloat(dst, v, 'f', -1, 64)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, v, 'e', -1, 64)
	// Go writes e-07 and e+21; JavaScript e-7 and e+21.
	for i := start; i < len(dst)-2; i++ {
		if dst[i] == 'e' && dst[i+2] == '0' {
			return append(dst[:i+2], dst[i+3:]...)
		}
	}
	return dst
}
