package main

import (
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// Column widths of the printed table.
const (
	timeWidth  = 23
	valueWidth = 20
)

// timeLayout prints a row's time, in local time, to the millisecond.
const timeLayout = "2006-01-02 15:04:05.000"

// Marks after a row printed before (same time): with the same values, and
// with other values, which would be a bug worth seeing.
const (
	repeatMark      = "  (repeat)"
	repeatOtherMark = "  (repeat, other values)"
)

// header names a frame's columns: time, then each value field with its
// labels.
func header(f *data.Frame) string {
	var b strings.Builder
	for i, field := range f.Fields {
		name := field.Name
		if len(field.Labels) > 0 {
			name += "{" + field.Labels.String() + "}"
		}
		if i == 0 {
			fmt.Fprintf(&b, "%-*s", timeWidth, name)
		} else {
			fmt.Fprintf(&b, " %*s", valueWidth, name)
		}
	}
	return b.String()
}

// formatRow prints a row under header's columns, the time in local time.
func formatRow(r pluginhost.Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s", timeWidth, r.Time.Local().Format(timeLayout))
	for _, v := range r.Values {
		fmt.Fprintf(&b, " %*s", valueWidth, formatValue(v))
	}
	return b.String()
}

// formatValue prints a value in plain decimal notation, never with an
// exponent, with as many digits as it takes to read back the same float64:
// a large counter reads 36000000000, not 3.6e+10. A null is "null".
func formatValue(v float64) string {
	if math.IsNaN(v) {
		return "null"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// count is n things: "1 row", "2 rows".
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// noticeLine is how a frame's notice is printed: prefixed by its severity
// ("warning:", "error:", "info:" for any other), with its link if any.
func noticeLine(n data.Notice) string {
	prefix := n.Severity.String()
	if prefix == "" {
		prefix = data.NoticeSeverityInfo.String()
	}
	line := prefix + ": " + n.Text
	if n.Link != "" {
		line += " (" + n.Link + ")"
	}
	return line
}

// seenLimit bounds how many printed rows view remembers to mark repeats.
const seenLimit = 10_000

// view prints what pulse-tail shows: sections of rows under their header on
// out, a row whose time was printed before marked as a repeat, and the
// frames' notices on errOut, each once.
type view struct {
	out    *outWriter
	errOut io.Writer

	// seen holds the values of the newest seenLimit rows printed, by time
	// (Unix ns); order is a ring of their times in the order printed, next
	// the oldest once it is full.
	seen  map[int64][]float64
	order []int64
	next  int
	// notices holds the notice lines printed.
	notices map[string]bool
	// header is the column header printed last.
	header string
}

func newView(out, errOut io.Writer) *view {
	return &view{out: &outWriter{w: out}, errOut: errOut, seen: map[int64][]float64{}, notices: map[string]bool{}}
}

// outWriter keeps the first error of its writes: the reader went away
// (pulse-tail | head) and pulse-tail should stop.
type outWriter struct {
	w   io.Writer
	err error
}

func (o *outWriter) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	o.err = err
	return n, err
}

// errClosed is returned once stdout can no longer be written.
var errClosed = errors.New("stdout is closed")

// closed says whether out's reader went away, as errClosed.
func (v *view) closed() error {
	if v.out.err != nil {
		return fmt.Errorf("%w: %v", errClosed, v.out.err)
	}
	return nil
}

// line prints one line of text on out.
func (v *view) line(format string, args ...any) {
	fmt.Fprintf(v.out, format+"\n", args...)
}

// section starts a section of the output with a title line.
func (v *view) section(format string, args ...any) {
	v.line("— "+format+" —", args...)
}

// printNotices prints each notice of each frame, to errOut, once: the same
// notice in a later frame is not repeated.
func (v *view) printNotices(frames ...*data.Frame) {
	for _, f := range frames {
		if f == nil || f.Meta == nil {
			continue
		}
		for _, n := range f.Meta.Notices {
			line := noticeLine(n)
			if v.notices[line] {
				continue
			}
			v.notices[line] = true
			fmt.Fprintln(v.errOut, line)
		}
	}
}

// printHeader prints f's column header; unless always, only when it
// differs from the one printed last.
func (v *view) printHeader(f *data.Frame, always bool) {
	h := header(f)
	if always || h != v.header {
		v.line("%s", h)
		v.header = h
	}
}

// printRow prints a row, marked when a row with its time was printed
// before.
func (v *view) printRow(r pluginhost.Row) {
	key := r.Time.UnixNano()
	line := formatRow(r)
	if before, ok := v.seen[key]; ok {
		if sameValues(before, r.Values) {
			line += repeatMark
		} else {
			line += repeatOtherMark
		}
	} else {
		v.remember(key, r.Values)
	}
	v.line("%s", line)
}

// remember records a printed row, forgetting the oldest beyond seenLimit.
func (v *view) remember(key int64, values []float64) {
	v.seen[key] = values
	if len(v.order) < seenLimit {
		v.order = append(v.order, key)
		return
	}
	delete(v.seen, v.order[v.next])
	v.order[v.next] = key
	v.next = (v.next + 1) % seenLimit
}

// sameValues compares values, a null (NaN) equal to a null.
func sameValues(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool {
		return x == y || (math.IsNaN(x) && math.IsNaN(y))
	})
}

// handedOver picks the rows of the subscription's initial data to print:
// every row from the oldest time already printed on (so the rows printed
// again show as repeats), every row newer than the backfill's newest
// (newestBackfill; zero when the backfill was empty), and at least the
// newest n. The rows are in time order.
func handedOver(rows []pluginhost.Row, oldestPrinted, newestBackfill time.Time, n int) []pluginhost.Row {
	for i, r := range rows {
		switch {
		case !oldestPrinted.IsZero() && !r.Time.Before(oldestPrinted),
			!newestBackfill.IsZero() && r.Time.After(newestBackfill),
			i >= len(rows)-n:
			return rows[i:]
		}
	}
	return nil
}
