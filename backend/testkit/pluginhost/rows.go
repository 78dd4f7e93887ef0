package pluginhost

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Row is one row of a time series frame: a time (in UTC, so that rows from
// Arrow and from JSON compare equal) and one value per value
// field, in field order. A null value is NaN.
type Row struct {
	Time   time.Time
	Values []float64
}

// Rows reads a frame whose first field is a time and whose other fields are
// numbers (as Pulse's frames are) into rows.
func Rows(f *data.Frame) ([]Row, error) {
	if f == nil || len(f.Fields) == 0 {
		return nil, nil
	}
	timeField := f.Fields[0]
	if t := timeField.Type(); t != data.FieldTypeTime && t != data.FieldTypeNullableTime {
		return nil, fmt.Errorf("the first field %q is a %s, not a time", timeField.Name, t)
	}
	n := timeField.Len()
	for _, field := range f.Fields[1:] {
		if !field.Type().Numeric() {
			return nil, fmt.Errorf("field %q is a %s, not a number", field.Name, field.Type())
		}
		if field.Len() != n {
			return nil, fmt.Errorf("field %q has %d values, the time field %d", field.Name, field.Len(), n)
		}
	}
	rows := make([]Row, n)
	for r := range rows {
		t, ok := timeField.ConcreteAt(r)
		if !ok {
			return nil, fmt.Errorf("row %d has no time", r)
		}
		rows[r].Time = t.(time.Time).UTC()
		rows[r].Values = make([]float64, len(f.Fields)-1)
		for i, field := range f.Fields[1:] {
			v, err := field.FloatAt(r)
			if err != nil {
				return nil, fmt.Errorf("row %d, field %q: %w", r, field.Name, err)
			}
			rows[r].Values[i] = v
		}
	}
	return rows, nil
}
