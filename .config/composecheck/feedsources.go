package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// The sources beside MQTT that read a live feed, as their data sources'
// jsonData.source names them.
const (
	sourceHTTP      = "http"
	sourceWebSocket = "websocket"
	sourceNATS      = "nats"
)

// feedSource is what composecheck knows of a feed source's settings and
// queries until each has a docs page to read them from: the URL schemes of
// jsonData.url, the query field that names what to follow (path or
// subject), and every query field with its type.
type feedSource struct {
	schemes map[string]int // scheme → default port
	target  string
	query   map[string]Field
}

// commonFeedQuery are the query fields every feed source takes (as the MQTT
// source does: docs/mqtt.md, "Query").
var commonFeedQuery = []Field{
	{Name: "timeField", Type: TypeString},
	{Name: "fields", Type: TypeStringList},
	{Name: "withStreaming", Type: TypeBool},
	{Name: "flushMs", Type: TypeInteger, Min: 10, Max: 10_000, HasRange: true},
}

// feedSources are the feed sources by jsonData.source.
var feedSources = map[string]feedSource{
	sourceHTTP: {
		schemes: map[string]int{"http": 80, "https": 443},
		target:  "path",
		query: fieldTable(
			Field{Name: "path", Type: TypeString, Required: true},
			Field{Name: "format", Type: TypeString, Enum: []string{"auto", "sse", "ndjson"}},
			Field{Name: "event", Type: TypeString},
		),
	},
	sourceWebSocket: {
		schemes: map[string]int{"ws": 80, "wss": 443},
		target:  "path",
		query: fieldTable(
			Field{Name: "path", Type: TypeString, Required: true},
			Field{Name: "subscribeMessage", Type: TypeString},
		),
	},
	sourceNATS: {
		schemes: map[string]int{"nats": 4222, "tls": 4222},
		target:  "subject",
		query: fieldTable(
			Field{Name: "subject", Type: TypeString, Required: true},
		),
	},
}

// fieldTable is own plus the common fields, by name.
func fieldTable(own ...Field) map[string]Field {
	out := map[string]Field{}
	for _, f := range append(own, commonFeedQuery...) {
		out[f.Name] = f
	}
	return out
}

// feedSettings are the jsonData settings whose type composecheck checks;
// other keys (TLS, headers, credentials) are the sources' own business.
var feedSettings = map[string]Field{
	"url":           {Name: "url", Type: TypeString, Required: true},
	"allowedTopics": {Name: "allowedTopics", Type: TypeStringList},
	"authType":      {Name: "authType", Type: TypeString},
}

// isFeedSource says whether source is one of feedSources.
func isFeedSource(source string) bool {
	_, ok := feedSources[source]
	return ok
}

// feedURL reads a feed data source's jsonData.url: absolute, of one of the
// source's schemes, with a host and no credentials; it returns the URL and
// its port (the scheme's default when it names none).
func feedURL(ds DataSource) (*url.URL, int, error) {
	src := feedSources[ds.Source()]
	raw, ok := ds.JSONData["url"].(string)
	if !ok {
		return nil, 0, fmt.Errorf("url is required: the %s source's server", ds.Source())
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, 0, fmt.Errorf("url %q is not a URL", raw)
	}
	def, known := src.schemes[u.Scheme]
	if !known {
		return nil, 0, fmt.Errorf("url %q: the scheme must be one of %s", raw, strings.Join(sortedKeys(src.schemes), ", "))
	}
	if u.Hostname() == "" {
		return nil, 0, fmt.Errorf("url %q names no host", raw)
	}
	if u.User != nil {
		return nil, 0, fmt.Errorf("url %q holds credentials; they go in the source's own settings", raw)
	}
	port := def
	if p := u.Port(); p != "" {
		if _, err := fmt.Sscanf(p, "%d", &port); err != nil || port < 1 || port > 65535 {
			return nil, 0, fmt.Errorf("url %q: port %q is not a port", raw, p)
		}
	}
	return u, port, nil
}

// checkFeedDataSource checks a provisioned HTTP, WebSocket or NATS data
// source: a url of the source's schemes, the types of the settings
// composecheck knows, and allowedTopics entries that are paths (HTTP,
// WebSocket) or subject filters (NATS).
func checkFeedDataSource(ds DataSource, where string) []error {
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{where}, args...)...))
	}
	for _, key := range sortedKeys(feedSettings) {
		v, ok := ds.JSONData[key]
		if !ok {
			continue
		}
		if err := feedSettings[key].Check(normalizeNumber(v), nil); err != nil {
			add("jsonData.%w", err)
		}
	}
	if _, _, err := feedURL(ds); err != nil {
		add("jsonData.%v", err)
	}
	allowed, _ := stringList(ds.JSONData["allowedTopics"])
	for i, entry := range allowed {
		switch {
		case entry == "":
			add("jsonData.allowedTopics[%d] is empty", i)
		case ds.Source() == sourceNATS:
			if err := checkSubject(entry); err != nil {
				add("jsonData.allowedTopics[%d]: %v", i, err)
			}
		case strings.Contains(strings.TrimSuffix(entry, "*"), "*"):
			add("jsonData.allowedTopics[%d] %q: * may only end a path", i, entry)
		}
	}
	if ds.Source() == sourceNATS {
		if v, ok := ds.JSONData["authType"].(string); ok && v != "none" {
			if _, set := ds.JSONData["username"]; !set && len(ds.SecureJSONData) == 0 {
				add("jsonData.authType is %q, but no credentials are set", v)
			}
		}
	}
	return errs
}

// checkQueryFields checks q's fields against table, Grafana's own
// aside: each known, of the right type and within bounds (vars are the
// dashboard's variables), every required one present, and no empty name
// in fields. An unknown
// field's error names the query's data source (dataSource, such as `nats
// data source "Pulse NATS"`) and who knows the table (knower), a missing
// one's who requires it (requiredBy).
func checkQueryFields(q map[string]any, table map[string]Field, vars map[string]bool, dataSource, knower, requiredBy string) []error {
	var errs []error
	for _, key := range sortedKeys(q) {
		if slices.Contains(grafanaQueryFields, key) {
			continue
		}
		field, known := table[key]
		if !known {
			errs = append(errs, fmt.Errorf("unknown field %q for %s (%s knows %s)", key, dataSource, knower, strings.Join(sortedKeys(table), ", ")))
			continue
		}
		if err := field.Check(q[key], vars); err != nil {
			errs = append(errs, err)
		}
	}
	for _, name := range sortedKeys(table) {
		if _, ok := q[name]; table[name].Required && !ok {
			errs = append(errs, fmt.Errorf("%s is required by %s", name, requiredBy))
		}
	}
	if fields, ok := stringList(q["fields"]); ok {
		for i, f := range fields {
			if f == "" {
				errs = append(errs, fmt.Errorf("fields[%d] is empty", i))
			}
		}
	}
	return errs
}

// checkFeedQuery checks a dashboard query of the feed data source ds: known
// fields of the right types, the path or subject it follows present and
// covered by the data source's allowedTopics.
func checkFeedQuery(ds DataSource, q map[string]any, vars map[string]bool) []error {
	src := feedSources[ds.Source()]
	errs := checkQueryFields(q, src.query, vars, fmt.Sprintf("%s data source %q", ds.Source(), ds.Name), "it", "the "+ds.Source()+" source")
	if msg, ok := q["subscribeMessage"].(string); ok && msg == "" {
		errs = append(errs, fmt.Errorf("subscribeMessage is empty; leave it out to send none"))
	}
	target, ok := q[src.target].(string)
	if !ok || strings.Contains(target, "$") {
		return errs // a variable: checked when it is expanded
	}
	allowed, _ := stringList(ds.JSONData["allowedTopics"])
	if ds.Source() == sourceNATS {
		if err := checkSubject(target); err != nil {
			return append(errs, fmt.Errorf("subject: %w", err))
		}
		if len(allowed) > 0 && !slices.ContainsFunc(allowed, func(a string) bool { return subjectCovers(a, target) }) {
			errs = append(errs, fmt.Errorf("subject %q is not covered by data source %q's allowedTopics %v", target, ds.Name, allowed))
		}
		return errs
	}
	if target == "" || strings.ContainsAny(target, " \t\r\n") || strings.Contains(target, "://") {
		return append(errs, fmt.Errorf("path %q is not a path under the data source's url", target))
	}
	if len(allowed) > 0 && !slices.ContainsFunc(allowed, func(a string) bool { return pathCovers(a, target) }) {
		errs = append(errs, fmt.Errorf("path %q is not covered by data source %q's allowedTopics %v", target, ds.Name, allowed))
	}
	return errs
}

// pathCovers says whether the allowedTopics entry allowed covers path, as
// the HTTP and WebSocket sources read it: equal, or a prefix when the
// entry ends with *; a leading slash is optional on both.
func pathCovers(allowed, path string) bool {
	allowed, path = strings.TrimPrefix(allowed, "/"), strings.TrimPrefix(path, "/")
	if prefix, wild := strings.CutSuffix(allowed, "*"); wild {
		return strings.HasPrefix(path, prefix) && !strings.Contains(path, "..")
	}
	return allowed == path
}

// checkSubject says why s is not a NATS subject or subject filter: tokens
// separated by dots, none empty or with white space, * alone in its token,
// > alone in the last.
func checkSubject(s string) error {
	if s == "" {
		return fmt.Errorf("an empty subject")
	}
	tokens := strings.Split(s, ".")
	for i, t := range tokens {
		switch {
		case t == "":
			return fmt.Errorf("subject %q has an empty token", s)
		case strings.ContainsAny(t, " \t\r\n\x00"):
			return fmt.Errorf("subject %q has white space", s)
		case strings.Contains(t, ">") && (t != ">" || i != len(tokens)-1):
			return fmt.Errorf("subject %q: > must be a token of its own, the last", s)
		case strings.Contains(t, "*") && t != "*":
			return fmt.Errorf("subject %q: * must be a token of its own", s)
		}
	}
	return nil
}

// subjectCovers says whether every subject filter matches is matched by
// allowed too: home.> covers home.*.climate, home.* does not cover home.>.
func subjectCovers(allowed, filter string) bool {
	a, f := strings.Split(allowed, "."), strings.Split(filter, ".")
	for i, t := range a {
		if t == ">" {
			return i < len(f)
		}
		if i >= len(f) || f[i] == ">" || (t != "*" && t != f[i]) {
			return false
		}
	}
	return len(a) == len(f)
}
