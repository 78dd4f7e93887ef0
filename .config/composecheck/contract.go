package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
)

// FieldType is the JSON type a contract field takes.
type FieldType string

// The types docs/query-model.md uses in its tables.
const (
	TypeBool    FieldType = "bool"
	TypeString  FieldType = "string"
	TypeInteger FieldType = "integer"
	TypeNumber  FieldType = "number"
	// TypeStringList is a JSON array of strings (docs/mqtt.md: "list of strings").
	TypeStringList FieldType = "list of strings"
)

// Field is one row of a contract table: a field's type and what it accepts.
type Field struct {
	Name string
	Type FieldType
	// Min and Max bound a numeric field; HasRange is false when the row gives none.
	Min, Max float64
	HasRange bool
	// Enum lists the values a string field accepts; empty when any string is fine.
	Enum []string
	// Default is the value an absent field takes (bool, string or float64).
	Default any
	// Required is true when the field has no default and must be given.
	Required bool
	// In is where a data source setting goes: jsonData or secureJsonData
	// (docs/mqtt.md's settings; empty for the others, which are jsonData).
	In string
}

// Contract is the query model and the data source settings as
// docs/query-model.md states them, and, once loaded, the MQTT source's as
// docs/mqtt.md states them.
type Contract struct {
	Query    map[string]Field
	Settings map[string]Field
	MQTT     *MQTTContract
}

// The headings whose first table holds each part of the contract.
const (
	queryHeading    = "## Query"
	settingsHeading = "## Data source settings"
)

// LoadContract reads the query model's tables from the markdown file at path.
func LoadContract(path string) (*Contract, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	tables := map[string][][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "## "):
			section = ""
			for _, h := range []string{queryHeading, settingsHeading} {
				if line == h || strings.HasPrefix(line, h+" ") {
					section = h
				}
			}
		case section != "" && strings.HasPrefix(line, "|"):
			tables[section] = append(tables[section], splitRow(line))
		case section != "" && len(tables[section]) > 0:
			section = "" // the first table of the section has ended
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}

	c := &Contract{}
	if c.Query, err = parseTable(tables[queryHeading]); err != nil {
		return nil, fmt.Errorf("%s, %q table: %w", path, queryHeading, err)
	}
	if c.Settings, err = parseTable(tables[settingsHeading]); err != nil {
		return nil, fmt.Errorf("%s, %q table: %w", path, settingsHeading, err)
	}
	return c, nil
}

func splitRow(line string) []string {
	cells := strings.Split(strings.Trim(line, "|"), "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// parseTable reads a "| field | type | default | bounds | meaning |" table.
func parseTable(rows [][]string) (map[string]Field, error) {
	if len(rows) < 3 {
		return nil, fmt.Errorf("no table found")
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"field", "type", "bounds"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("no %q column in %v", h, rows[0])
		}
	}
	fields := map[string]Field{}
	for _, row := range rows[2:] { // rows[1] is the |---| line
		if len(row) != len(rows[0]) {
			return nil, fmt.Errorf("row %v has %d cells, the header %d", row, len(row), len(rows[0]))
		}
		f := Field{Name: strings.Trim(row[col["field"]], "`"), Type: FieldType(row[col["type"]])}
		switch f.Type {
		case TypeBool, TypeString, TypeInteger, TypeNumber:
		default:
			return nil, fmt.Errorf("field %s: unknown type %q", f.Name, f.Type)
		}
		if err := parseBounds(&f, row[col["bounds"]]); err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		if i, ok := col["default"]; ok {
			f.Default = parseDefault(f.Type, row[i])
		}
		fields[f.Name] = f
	}
	return fields, nil
}

// parseBounds reads "1 … 3 600 000" (spaces group digits) or "`a`, `b`".
func parseBounds(f *Field, cell string) error {
	switch {
	case cell == "":
		return nil
	case strings.Contains(cell, "…"):
		lo, hi, _ := strings.Cut(cell, "…")
		var err error
		if f.Min, err = parseGrouped(lo); err != nil {
			return err
		}
		if f.Max, err = parseGrouped(hi); err != nil {
			return err
		}
		f.HasRange = true
		return nil
	case strings.HasPrefix(cell, "`"):
		for _, v := range strings.Split(cell, ",") {
			f.Enum = append(f.Enum, strings.Trim(strings.TrimSpace(v), "`"))
		}
		return nil
	}
	return fmt.Errorf("cannot read bounds %q", cell)
}

// parseDefault reads a default cell such as "`1000`", "`false`" or "`"sine"`".
func parseDefault(t FieldType, cell string) any {
	v := strings.Trim(cell, "`")
	switch t {
	case TypeBool:
		return v == "true"
	case TypeInteger, TypeNumber:
		if n, err := parseGrouped(v); err == nil {
			return n
		}
		return nil
	}
	return strings.Trim(v, `"`)
}

func parseGrouped(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), " ", ""), 64)
	if err != nil {
		return 0, fmt.Errorf("bound %q: %w", s, err)
	}
	return v, nil
}

// Check reports why value does not fit f, or nil when it does. Numbers arrive
// as float64 (from YAML or JSON); a string starting with "$" is a template
// variable and is accepted when vars holds its name.
func (f Field) Check(value any, vars map[string]bool) error {
	if s, ok := value.(string); ok && strings.HasPrefix(s, "$") && f.Type != TypeString {
		name := strings.Trim(strings.TrimPrefix(s, "$"), "{}")
		if name, _, _ = strings.Cut(name, ":"); vars[name] {
			return nil
		}
		return fmt.Errorf("%s: %q names no variable of the dashboard", f.Name, s)
	}
	switch f.Type {
	case TypeBool:
		if _, ok := value.(bool); !ok {
			return fmt.Errorf("%s: want a bool, got %T %v", f.Name, value, value)
		}
	case TypeString:
		s, ok := value.(string)
		if !ok {
			return fmt.Errorf("%s: want a string, got %T %v", f.Name, value, value)
		}
		if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
			return fmt.Errorf("%s: %q is none of %s", f.Name, s, strings.Join(f.Enum, ", "))
		}
	case TypeStringList:
		list, ok := value.([]any)
		if !ok {
			return fmt.Errorf("%s: want a list of strings, got %T %v", f.Name, value, value)
		}
		for i, item := range list {
			if _, ok := item.(string); !ok {
				return fmt.Errorf("%s[%d]: want a string, got %T %v", f.Name, i, item, item)
			}
		}
	case TypeInteger, TypeNumber:
		n, ok := toFloat(value)
		if !ok || math.IsNaN(n) || math.IsInf(n, 0) {
			return fmt.Errorf("%s: want a number, got %T %v", f.Name, value, value)
		}
		if f.Type == TypeInteger && n != math.Trunc(n) {
			return fmt.Errorf("%s: want an integer, got %v", f.Name, n)
		}
		if f.HasRange && (n < f.Min || n > f.Max) {
			return fmt.Errorf("%s: %v is outside %v … %v", f.Name, n, f.Min, f.Max)
		}
	}
	return nil
}

func toFloat(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint64:
		return float64(n), true
	}
	return 0, false
}
