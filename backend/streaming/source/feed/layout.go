package feed

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/history"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// layout is the schema of one tap's streaming frames: the time field, then
// one field per series and payload field, in order of first appearance.
// It only grows; a field's type only ever changes to string. It is not
// safe for concurrent use: the tap guards it.
type layout struct {
	label      string // the series label's name
	multi      bool   // names carry the series: the target has wildcards
	maxColumns int
	columns    []column
	index      map[columnKey]int
	stats      layoutStats
	// version counts the layout's changes: frames of one version share
	// their schema, so a stream sends the schema only when it moved on.
	version int
	// lastSeries, lastNames and lastCols are the series, the field names
	// and their columns (-1: none yet) of the last row observed: a steady
	// feed's rows repeat them, and then need no look-up.
	lastSeries string
	lastNames  []string
	lastCols   []int
}

// layoutStats count what a layout did.
type layoutStats struct {
	// FieldsDropped counts values of fields that found no room.
	FieldsDropped int64
	// TypeChanges counts fields that became string fields.
	TypeChanges int64
}

type columnKey struct{ series, name string }

// column is one value field of the frames.
type column struct {
	series, name string
	typ          jsonframe.Type
	labels       data.Labels
}

func newLayout(label string, multi bool, maxColumns int) layout {
	if maxColumns <= 0 {
		maxColumns = jsonframe.DefaultMaxFields
	}
	return layout{label: label, multi: multi, maxColumns: maxColumns, index: map[columnKey]int{}}
}

// observe adds the fields of series' rows that the layout lacks, widens
// those whose type changed, and reports whether it changed and how many
// values found no room.
func (l *layout) observe(series string, rows []jsonframe.Row) (changed bool, dropped int64) {
	var labels data.Labels
	for _, r := range rows {
		cols := l.columnsOf(series, r.Fields)
		for j, f := range r.Fields {
			t := f.Value.Type
			if t == jsonframe.TypeNull {
				continue
			}
			i := cols[j]
			if i < 0 {
				k := columnKey{series, f.Name}
				var ok bool
				i, ok = l.index[k]
				switch {
				case ok:
					cols[j] = i
				case len(l.columns) < l.maxColumns:
					if labels == nil {
						labels = data.Labels{l.label: series}
					}
					cols[j] = len(l.columns)
					l.index[k] = len(l.columns)
					l.columns = append(l.columns, column{series: series, name: f.Name, typ: t, labels: labels})
					changed = true
					continue
				default:
					l.stats.FieldsDropped++
					dropped++
					continue
				}
			}
			if have := l.columns[i].typ; have != t && have != jsonframe.TypeString {
				l.columns[i].typ = jsonframe.TypeString
				l.stats.TypeChanges++
				changed = true
			}
		}
	}
	if changed {
		l.version++
	}
	return changed, dropped
}

// columnsOf returns the column of each of fields of series, -1 where it
// has none yet: those of the last row when this one has the same series
// and field names (the decoder's interned strings, quick to compare),
// otherwise looked up and kept for the next row. The caller may fill in
// the columns it adds.
func (l *layout) columnsOf(series string, fields []jsonframe.Field) []int {
	same := series == l.lastSeries && len(fields) == len(l.lastNames)
	if same {
		for j, f := range fields {
			if f.Name != l.lastNames[j] {
				same = false
				break
			}
		}
	}
	if same {
		return l.lastCols
	}
	l.lastSeries = series
	l.lastNames = l.lastNames[:0]
	l.lastCols = l.lastCols[:0]
	for _, f := range fields {
		i, ok := l.index[columnKey{series, f.Name}]
		if !ok {
			i = -1
		}
		l.lastNames = append(l.lastNames, f.Name)
		l.lastCols = append(l.lastCols, i)
	}
	return l.lastCols
}

// fieldName is the name of a column's field in a streaming frame.
func (l *layout) fieldName(c column) string {
	if l.multi {
		return c.name + " " + c.series
	}
	return c.name
}

// newField makes the empty field of a column, of n rows.
func newField(c column, name string, n int) *data.Field {
	var f *data.Field
	switch c.typ {
	case jsonframe.TypeNumber:
		f = data.NewField(name, c.labels, make([]*float64, n))
	case jsonframe.TypeBool:
		f = data.NewField(name, c.labels, make([]*bool, n))
	default:
		f = data.NewField(name, c.labels, make([]*string, n))
	}
	return f
}

// wideFrame builds the streaming frame of entries, in the order given, with
// every column of the layout. It takes the entries from the first on while
// their estimated JSON stays within maxBytes (at least one; maxBytes ≤ 0
// takes all), and returns the frame and how many it took.
func (l *layout) wideFrame(entries []history.Entry, maxBytes int) (*data.Frame, int) {
	n := len(entries)
	if maxBytes > 0 && n > 1 {
		n = l.fit(entries, maxBytes)
	}
	times := make([]time.Time, n)
	fields := make([]*data.Field, 0, len(l.columns)+1)
	fields = append(fields, nil) // the time field, once its times are in
	for _, c := range l.columns {
		f := newField(c, l.fieldName(c), n)
		if l.multi {
			f.Config = &data.FieldConfig{DisplayNameFromDS: f.Name}
		}
		fields = append(fields, f)
	}
	all := make([]int, len(l.columns))
	for i := range all {
		all[i] = i
	}
	cells := l.backing(all, n)
	for r, e := range entries[:n] {
		times[r] = e.Row.Time
		for _, v := range e.Row.Fields {
			if i, ok := l.index[columnKey{e.Series, v.Name}]; ok {
				cells.set(fields[i+1], l.columns[i].typ, i, r, v.Value)
			}
		}
	}
	// NewField copies the times.
	fields[0] = data.NewField(streaming.TimeField, nil, times)
	return data.NewFrame("", fields...), n
}

// cells are the arrays the nullable values of a frame's rows point into:
// for each column, one array of its type, so that a value costs no
// allocation of its own.
type cells struct {
	nums  [][]float64
	strs  [][]string
	bools [][]bool
}

// backing makes the cells of n rows of the given columns.
func (l *layout) backing(cols []int, n int) cells {
	c := cells{nums: make([][]float64, len(cols)), strs: make([][]string, len(cols)), bools: make([][]bool, len(cols))}
	for j, i := range cols {
		switch l.columns[i].typ {
		case jsonframe.TypeNumber:
			c.nums[j] = make([]float64, n)
		case jsonframe.TypeBool:
			c.bools[j] = make([]bool, n)
		default:
			c.strs[j] = make([]string, n)
		}
	}
	return c
}

// set sets row r of field f, the j-th of the frame's columns, of type typ,
// to v. A value of another type than a number or bool field's is null (a
// layout that observed it widened the field to string first).
func (c cells) set(f *data.Field, typ jsonframe.Type, j, r int, v jsonframe.Value) {
	if v.Type == jsonframe.TypeNull {
		return
	}
	switch typ {
	case jsonframe.TypeNumber:
		if v.Type == jsonframe.TypeNumber {
			c.nums[j][r] = v.Num
			f.Set(r, &c.nums[j][r])
		}
	case jsonframe.TypeBool:
		if v.Type == jsonframe.TypeBool {
			c.bools[j][r] = v.Bool
			f.Set(r, &c.bools[j][r])
		}
	default:
		c.strs[j][r] = v.Text()
		f.Set(r, &c.strs[j][r])
	}
}

// fit is how many entries, from the first, fit in maxBytes of frame JSON
// by a rough estimate: a time, a null for every column, and the text of
// each value. At least one.
func (l *layout) fit(entries []history.Entry, maxBytes int) int {
	const perRow, perValue = 16, 8
	nulls := 5 * len(l.columns)
	total := 0
	for i, e := range entries {
		size := perRow + nulls
		for _, v := range e.Row.Fields {
			size += perValue + len(v.Value.Str)
		}
		total += size
		if total > maxBytes && i > 0 {
			return i
		}
	}
	return len(entries)
}

// seriesFrames builds the frames QueryData returns without streaming: one
// frame per series, in order of first appearance, its rows in the order
// given, with fields named as in the payload and labelled with the series.
func (l *layout) seriesFrames(entries []history.Entry) data.Frames {
	bySeries := map[string][]history.Entry{}
	var order []string
	for _, e := range entries {
		if _, ok := bySeries[e.Series]; !ok {
			order = append(order, e.Series)
		}
		bySeries[e.Series] = append(bySeries[e.Series], e)
	}
	frames := make(data.Frames, 0, len(order))
	for _, series := range order {
		rows := bySeries[series]
		var cols []int
		pos := map[int]int{} // column → its place among cols
		for i, c := range l.columns {
			if c.series == series {
				pos[i] = len(cols)
				cols = append(cols, i)
			}
		}
		n := len(rows)
		times := make([]time.Time, n)
		fields := make([]*data.Field, 0, len(cols)+1)
		fields = append(fields, nil) // the time field, once its times are in
		for _, i := range cols {
			fields = append(fields, newField(l.columns[i], l.columns[i].name, n))
		}
		cells := l.backing(cols, n)
		for r, e := range rows {
			times[r] = e.Row.Time
			for _, v := range e.Row.Fields {
				if i, ok := l.index[columnKey{series, v.Name}]; ok {
					j := pos[i]
					cells.set(fields[j+1], l.columns[i].typ, j, r, v.Value)
				}
			}
		}
		fields[0] = data.NewField(streaming.TimeField, nil, times)
		frames = append(frames, data.NewFrame(series, fields...))
	}
	return frames
}
