package main

import (
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/plugin/pluginhost"
)

// Column widths of the printed table.
const (
	timeWidth  = 23
	valueWidth = 16
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
	fmt.Fprintf(&b, "%-*s", timeWidth, r.Time.Local().Format("2006-01-02 15:04:05.000"))
	for _, v := range r.Values {
		fmt.Fprintf(&b, " %*.10g", valueWidth, v)
	}
	return b.String()
}
