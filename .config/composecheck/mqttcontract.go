package main

import (
	"bufio"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// MQTTContract is the MQTT source's settings, query and broker addresses
// as docs/mqtt.md states them.
type MQTTContract struct {
	// Settings are the data source's settings, jsonData and secureJsonData
	// alike; Field.In says which.
	Settings map[string]Field
	Query    map[string]Field
	// Schemes maps each scheme a uri may have (tcp, mqtt, ssl, …) to its
	// default port.
	Schemes map[string]int
}

// The headings of docs/mqtt.md whose tables make the contract, and the
// first header cell of each table.
const (
	mqttSettingsHeading = "## Settings"
	mqttQueryHeading    = "## Query"
)

// mqttListSettings are the settings whose value is a list of strings:
// docs/mqtt.md says so in prose ("allowedTopics is a list of strings"),
// not in its table, which has no type column.
var mqttListSettings = []string{"allowedTopics"}

// Settings a data source of each source has: "source" says which.
const (
	sourceSetting = "source"
	sourceMQTT    = "mqtt"
	sourceSignals = "signals"
)

var (
	// rangeCell is a bounds cell that is only a range, "1 … 10 000" or
	// "65 536 (64 KiB) … 1 073 741 824 (1 GiB)".
	rangeCell    = regexp.MustCompile(`^[0-9 ]+(?:\([^)]*\))? … [0-9 ]+(?:\([^)]*\))?$`)
	parenthetic  = regexp.MustCompile(`\s*\([^)]*\)`)
	backticked   = regexp.MustCompile("`([^`]*)`")
	enumCell     = regexp.MustCompile("^`[^`]+`(?:, `[^`]+`)*$")
	schemeInCell = regexp.MustCompile("`([a-z]+)://`")
)

// LoadMQTTContract reads docs/mqtt.md's settings table, its table of uri
// schemes and its query table.
func LoadMQTTContract(path string) (*MQTTContract, error) {
	tables, err := markdownTables(path)
	if err != nil {
		return nil, err
	}
	c := &MQTTContract{Schemes: map[string]int{}}
	settings := tableWith(tables[mqttSettingsHeading], "setting")
	if settings == nil {
		return nil, fmt.Errorf("%s: no table with a \"setting\" column under %q", path, mqttSettingsHeading)
	}
	if c.Settings, err = parseMQTTTable(settings, "setting", true); err != nil {
		return nil, fmt.Errorf("%s, %q table: %w", path, mqttSettingsHeading, err)
	}
	for _, name := range mqttListSettings {
		f, ok := c.Settings[name]
		if !ok {
			return nil, fmt.Errorf("%s, %q table: no setting %s, which composecheck reads as a list", path, mqttSettingsHeading, name)
		}
		f.Type = TypeStringList
		c.Settings[name] = f
	}
	if _, ok := c.Settings[sourceSetting]; !ok {
		return nil, fmt.Errorf("%s, %q table: no setting %s", path, mqttSettingsHeading, sourceSetting)
	}

	schemes := tableWith(tables[mqttSettingsHeading], "scheme")
	if schemes == nil {
		return nil, fmt.Errorf("%s: no table with a \"scheme\" column under %q", path, mqttSettingsHeading)
	}
	col := columns(schemes[0])
	for _, row := range schemes[2:] {
		port, err := strconv.Atoi(strings.TrimSpace(row[col["default port"]]))
		if err != nil {
			return nil, fmt.Errorf("%s, schemes table: default port %q: %w", path, row[col["default port"]], err)
		}
		for _, m := range schemeInCell.FindAllStringSubmatch(row[col["scheme"]], -1) {
			c.Schemes[m[1]] = port
		}
	}
	if len(c.Schemes) == 0 {
		return nil, fmt.Errorf("%s, schemes table: no scheme read", path)
	}

	query := tableWith(tables[mqttQueryHeading], "field")
	if query == nil {
		return nil, fmt.Errorf("%s: no table with a \"field\" column under %q", path, mqttQueryHeading)
	}
	if c.Query, err = parseMQTTTable(query, "field", false); err != nil {
		return nil, fmt.Errorf("%s, %q table: %w", path, mqttQueryHeading, err)
	}
	return c, nil
}

// markdownTables reads every table of a markdown file, by the "## "
// heading above it, each as rows of cells (the header, the |---| line, then
// the rows).
func markdownTables(path string) (map[string][][][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tables := map[string][][][]string{}
	heading := ""
	var current [][]string
	flush := func() {
		if len(current) > 0 {
			tables[heading] = append(tables[heading], current)
			current = nil
		}
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "## "):
			flush()
			heading = line
		case strings.HasPrefix(line, "|"):
			current = append(current, splitRow(line))
		default:
			flush()
		}
	}
	flush()
	return tables, sc.Err()
}

// tableWith is the first of tables whose first header cell is first.
func tableWith(tables [][][]string, first string) [][]string {
	for _, t := range tables {
		if len(t) >= 3 && t[0][0] == first {
			return t
		}
	}
	return nil
}

func columns(header []string) map[string]int {
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	return col
}

// parseMQTTTable reads docs/mqtt.md's settings table ("| setting | in |
// default | bounds | meaning |", typed by its default and bounds) or its
// query table ("| field | type | default | bounds | meaning |"). Bounds
// that are only a range or a list of values are checked; others, in words,
// are left to the backend.
func parseMQTTTable(rows [][]string, nameColumn string, settings bool) (map[string]Field, error) {
	col := columns(rows[0])
	want := []string{nameColumn, "default", "bounds"}
	if settings {
		want = append(want, "in")
	} else {
		want = append(want, "type")
	}
	for _, h := range want {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("no %q column in %v", h, rows[0])
		}
	}
	fields := map[string]Field{}
	for _, row := range rows[2:] {
		if len(row) != len(rows[0]) {
			return nil, fmt.Errorf("row %v has %d cells, the header %d", row, len(row), len(rows[0]))
		}
		f := Field{Name: strings.Trim(row[col[nameColumn]], "`")}
		def, bounds := row[col["default"]], row[col["bounds"]]
		f.Required = def == "required"
		switch {
		case rangeCell.MatchString(bounds):
			if err := parseBounds(&f, parenthetic.ReplaceAllString(bounds, "")); err != nil {
				return nil, fmt.Errorf("%s: %w", f.Name, err)
			}
		case enumCell.MatchString(bounds):
			for _, m := range backticked.FindAllStringSubmatch(bounds, -1) {
				f.Enum = append(f.Enum, strings.Trim(m[1], `"`))
			}
		}
		if settings {
			f.In = strings.Trim(row[col["in"]], "`")
			if f.In != "jsonData" && f.In != "secureJsonData" {
				return nil, fmt.Errorf("%s: in %q, want jsonData or secureJsonData", f.Name, f.In)
			}
			switch {
			case f.HasRange:
				f.Type = TypeInteger
			case def == "`true`" || def == "`false`":
				f.Type = TypeBool
			default:
				f.Type = TypeString
			}
		} else {
			f.Type = FieldType(row[col["type"]])
			switch f.Type {
			case TypeBool, TypeString, TypeInteger, TypeNumber, TypeStringList:
			default:
				return nil, fmt.Errorf("field %s: unknown type %q", f.Name, f.Type)
			}
		}
		if !f.Required {
			if m := backticked.FindStringSubmatch(def); m != nil && strings.HasPrefix(def, "`") {
				f.Default = parseDefault(f.Type, "`"+m[1]+"`")
			}
		}
		fields[f.Name] = f
	}
	return fields, nil
}

// CheckURI says why uri is not a broker address docs/mqtt.md accepts: one
// of its schemes, a host, no credentials.
func (c *MQTTContract) CheckURI(uri string) (*url.URL, error) {
	u, err := url.Parse(uri)
	if err != nil {
		return nil, fmt.Errorf("uri %q is not a URL", uri)
	}
	if _, ok := c.Schemes[u.Scheme]; !ok {
		return nil, fmt.Errorf("uri %q: the scheme is none of docs/mqtt.md's (%s)", uri, strings.Join(sortedKeys(c.Schemes), ", "))
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("uri %q has no host", uri)
	}
	if u.User != nil {
		return nil, fmt.Errorf("uri %q holds credentials; set username and password instead", uri)
	}
	return u, nil
}

// Port is the port uri names, or its scheme's default.
func (c *MQTTContract) Port(u *url.URL) int {
	if p, err := strconv.Atoi(u.Port()); err == nil {
		return p
	}
	return c.Schemes[u.Scheme]
}

// checkTopicFilter says why filter is not a valid MQTT topic filter: '#'
// alone in the last level, '+' alone in its level, no NUL, not empty.
func checkTopicFilter(filter string) error {
	if filter == "" {
		return fmt.Errorf("an empty topic filter")
	}
	if strings.ContainsRune(filter, 0) {
		return fmt.Errorf("topic filter %q holds a NUL", filter)
	}
	levels := strings.Split(filter, "/")
	for i, level := range levels {
		switch {
		case strings.Contains(level, "#") && (level != "#" || i != len(levels)-1):
			return fmt.Errorf("topic filter %q: # must be a level of its own, the last", filter)
		case strings.Contains(level, "+") && level != "+":
			return fmt.Errorf("topic filter %q: + must be a level of its own", filter)
		}
	}
	return nil
}

// covers says whether every topic filter matches is matched by allowed too
// (docs/mqtt.md, allowedTopics): plant/# covers plant/+/temp, plant/+
// does not cover plant/#, and a wildcard never covers a $ topic.
func covers(allowed, filter string) bool {
	a, f := strings.Split(allowed, "/"), strings.Split(filter, "/")
	for i, level := range a {
		if level == "#" {
			return i > 0 || !strings.HasPrefix(filter, "$")
		}
		if i >= len(f) {
			return false
		}
		switch {
		case level == "+":
			if f[i] == "#" || (i == 0 && strings.HasPrefix(f[i], "$")) {
				return false
			}
		case level != f[i]:
			return false
		}
	}
	return len(a) == len(f)
}

// coveredBy says whether one of allowed covers filter; an empty list
// allows any.
func coveredBy(allowed []string, filter string) bool {
	return len(allowed) == 0 || slices.ContainsFunc(allowed, func(a string) bool { return covers(a, filter) })
}

// stringList reads a YAML or JSON list of strings; ok is false for any
// other value.
func stringList(v any) (list []string, ok bool) {
	items, ok := v.([]any)
	if !ok {
		return nil, false
	}
	for _, item := range items {
		s, ok := item.(string)
		if !ok {
			return nil, false
		}
		list = append(list, s)
	}
	return list, true
}
