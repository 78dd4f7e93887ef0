package jsonframe

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Frame builds a new frame of the schema from rows: see Columns.Frame. The
// frame shares nothing with later calls.
func (s *Schema) Frame(rows []Row, labels data.Labels) *data.Frame {
	var c Columns
	return c.Frame(s, rows, labels)
}

// Columns build frames of a schema from rows, reusing their columns from one
// frame to the next: while the schema and the labels stay the same, a frame
// costs no allocation but for strings rendered from other types. The frame
// a call returns is valid until the next call, which overwrites it: encode
// or copy it first. Columns serve one stream and are not safe for
// concurrent use; the zero value is ready to use.
type Columns struct {
	frame   *data.Frame
	schema  *Schema
	version int
	labels  data.Labels
	// One backing array per value field, which the frame's nullable fields
	// point into, so that a value costs no allocation of its own.
	nums  [][]float64
	strs  [][]string
	bools [][]bool
}

// Frame returns the frame of rows in schema s: a time field named "time",
// then one field per schema field, in schema order, of type *float64,
// *string or *bool, each with the labels (nil for none; the time field has
// none). A row lacking a field, or holding null, has null there. A string
// field holds the Text of values of other types; a number or bool field
// holds null for a value of another type, which only rows that s did not
// Observe can hold. Values of fields s lacks are left out.
func (c *Columns) Frame(s *Schema, rows []Row, labels data.Labels) *data.Frame {
	if c.frame == nil || c.schema != s || c.version != s.version || !c.labels.Equals(labels) {
		c.layout(s, labels)
	}
	f := c.frame
	f.Clear()
	f.Extend(len(rows))
	for i := range s.fields {
		switch s.fields[i].Type {
		case TypeNumber:
			c.nums[i] = resize(c.nums[i], len(rows))
		case TypeString:
			c.strs[i] = resize(c.strs[i], len(rows))
		case TypeBool:
			c.bools[i] = resize(c.bools[i], len(rows))
		}
	}
	times := f.Fields[0]
	for r, row := range rows {
		*times.PointerAt(r).(*time.Time) = row.Time
		for _, v := range row.Fields {
			i, ok := s.index[v.Name]
			if !ok || v.Value.Type == TypeNull {
				continue
			}
			field := f.Fields[i+1]
			switch s.fields[i].Type {
			case TypeNumber:
				if v.Value.Type == TypeNumber {
					c.nums[i][r] = v.Value.Num
					field.Set(r, &c.nums[i][r])
				}
			case TypeBool:
				if v.Value.Type == TypeBool {
					c.bools[i][r] = v.Value.Bool
					field.Set(r, &c.bools[i][r])
				}
			case TypeString:
				c.strs[i][r] = v.Value.Text()
				field.Set(r, &c.strs[i][r])
			}
		}
	}
	return f
}

// layout makes the frame's fields for schema s.
func (c *Columns) layout(s *Schema, labels data.Labels) {
	c.schema, c.version = s, s.version
	c.labels = nil
	if len(labels) > 0 {
		c.labels = labels.Copy()
	}
	fields := make([]*data.Field, 0, len(s.fields)+1)
	fields = append(fields, data.NewFieldFromFieldType(data.FieldTypeTime, 0))
	fields[0].Name = streaming.TimeField
	c.nums = make([][]float64, len(s.fields))
	c.strs = make([][]string, len(s.fields))
	c.bools = make([][]bool, len(s.fields))
	for _, sf := range s.fields {
		var ft data.FieldType
		switch sf.Type {
		case TypeNumber:
			ft = data.FieldTypeNullableFloat64
		case TypeBool:
			ft = data.FieldTypeNullableBool
		default:
			ft = data.FieldTypeNullableString
		}
		field := data.NewFieldFromFieldType(ft, 0)
		field.Name = sf.Name
		field.Labels = c.labels // shared: no one changes them
		fields = append(fields, field)
	}
	c.frame = data.NewFrame("", fields...)
}

// resize returns s with length n, reusing its array when it is large
// enough.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
