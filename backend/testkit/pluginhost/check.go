package pluginhost

import (
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// CheckGrid says which row, if any, breaks a stream of rows on the step
// grid: off the grid, or not exactly one step after the row before (a gap,
// a repeat, or out of order).
func CheckGrid(rows []Row, stepMs int64) error {
	step := time.Duration(stepMs) * time.Millisecond
	for i, r := range rows {
		if r.Time.UnixMilli()%stepMs != 0 {
			return fmt.Errorf("row %d at %s is off the %d ms step grid", i, r.Time, stepMs)
		}
		if i > 0 && r.Time.Sub(rows[i-1].Time) != step {
			return fmt.Errorf("rows %d (%s) and %d (%s) are not one step apart: a gap, a repeat or out of order",
				i-1, rows[i-1].Time, i, r.Time)
		}
	}
	return nil
}

// CheckSameFields says how two frames' fields differ, if they do: in
// number, or in a field's name, labels or type.
func CheckSameFields(got, want *data.Frame) error {
	if len(got.Fields) != len(want.Fields) {
		return fmt.Errorf("%d fields, want %d", len(got.Fields), len(want.Fields))
	}
	for i, w := range want.Fields {
		g := got.Fields[i]
		switch {
		case g.Name != w.Name:
			return fmt.Errorf("field %d is named %q, want %q", i, g.Name, w.Name)
		case !g.Labels.Equals(w.Labels):
			return fmt.Errorf("field %d has labels %v, want %v", i, g.Labels, w.Labels)
		case g.Type() != w.Type():
			return fmt.Errorf("field %d is a %s, want a %s", i, g.Type(), w.Type())
		}
	}
	return nil
}
