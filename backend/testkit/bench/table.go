package bench

import (
	"strings"
	"unicode/utf8"
)

// Column is one column of a Table.
type Column struct {
	Title string
	// Right aligns the column's cells right, as for numbers.
	Right bool
}

// Table is a Markdown table. Rows shorter than Columns are padded with
// empty cells.
type Table struct {
	Columns []Column
	Rows    [][]string
}

// Add appends a row.
func (t *Table) Add(cells ...string) { t.Rows = append(t.Rows, cells) }

// Markdown renders the table with padded columns, so that it reads well as
// plain text in a terminal as well as rendered.
func (t Table) Markdown() string {
	widths := make([]int, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = max(utf8.RuneCountInString(c.Title), 3)
	}
	for _, row := range t.Rows {
		for i := range t.Columns {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell(row, i)))
		}
	}
	var b strings.Builder
	line := func(cells func(i int) string) {
		b.WriteString("|")
		for i := range t.Columns {
			b.WriteString(" ")
			b.WriteString(cells(i))
			b.WriteString(" |")
		}
		b.WriteString("\n")
	}
	line(func(i int) string { return pad(t.Columns[i].Title, widths[i], t.Columns[i].Right) })
	line(func(i int) string {
		if t.Columns[i].Right {
			return strings.Repeat("-", widths[i]-1) + ":"
		}
		return strings.Repeat("-", widths[i])
	})
	for _, row := range t.Rows {
		line(func(i int) string { return pad(cell(row, i), widths[i], t.Columns[i].Right) })
	}
	return b.String()
}

func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}

func pad(s string, width int, right bool) string {
	gap := strings.Repeat(" ", max(width-utf8.RuneCountInString(s), 0))
	if right {
		return gap + s
	}
	return s + gap
}
