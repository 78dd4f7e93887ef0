package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// checkMQTTDataSource applies docs/mqtt.md's settings to a provisioned
// Pulse data source whose jsonData.source is "mqtt": every key is one of
// its settings, in jsonData or secureJsonData as the table says, of the
// right type and within bounds; uri is there and well formed; allowedTopics
// are topic filters.
func checkMQTTDataSource(c *MQTTContract, ds DataSource, where string) []error {
	if c == nil {
		return []error{fmt.Errorf("%s: an MQTT data source, but docs/mqtt.md was not read", where)}
	}
	var errs []error
	add := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{where}, args...)...))
	}
	for _, part := range []struct {
		in     string
		values map[string]any
	}{{"jsonData", ds.JSONData}, {"secureJsonData", ds.SecureJSONData}} {
		for _, key := range sortedKeys(part.values) {
			field, ok := c.Settings[key]
			if !ok || field.In != part.in {
				known := []string{}
				for name, f := range c.Settings {
					if f.In == part.in {
						known = append(known, name)
					}
				}
				slices.Sort(known)
				add("%s.%s is not an MQTT setting of docs/mqtt.md in %s (known: %s)", part.in, key, part.in, strings.Join(known, ", "))
				continue
			}
			if err := field.Check(normalizeNumber(part.values[key]), nil); err != nil {
				add("%s.%w", part.in, err)
			}
		}
	}
	for _, name := range sortedKeys(c.Settings) {
		f := c.Settings[name]
		values := ds.JSONData
		if f.In == "secureJsonData" {
			values = ds.SecureJSONData
		}
		if _, ok := values[name]; f.Required && !ok {
			add("%s.%s is required by docs/mqtt.md", f.In, name)
		}
	}
	if uri, ok := ds.JSONData["uri"].(string); ok {
		if _, err := c.CheckURI(uri); err != nil {
			add("jsonData.%v", err)
		}
	}
	if topics, ok := stringList(ds.JSONData["allowedTopics"]); ok {
		for _, t := range topics {
			if err := checkTopicFilter(t); err != nil {
				add("jsonData.allowedTopics: %v", err)
			}
		}
	}
	return errs
}

// checkMQTTQuery applies docs/mqtt.md's query table to a dashboard query of
// the MQTT data source ds: known fields of the right type and within
// bounds, a topic that is a valid filter, no shared subscription, and
// covered by the data source's allowedTopics.
func checkMQTTQuery(c *MQTTContract, ds DataSource, q map[string]any) []error {
	if c == nil {
		return []error{errors.New("a query of an MQTT data source, but docs/mqtt.md was not read")}
	}
	errs := checkQueryFields(q, c.Query, nil, fmt.Sprintf("MQTT data source %q", ds.Name), "docs/mqtt.md", "docs/mqtt.md")
	topic, ok := q["topic"].(string)
	if !ok {
		return errs
	}
	if err := checkTopicFilter(topic); err != nil {
		return append(errs, fmt.Errorf("topic: %w", err))
	}
	if strings.HasPrefix(topic, "$share/") {
		return append(errs, fmt.Errorf("topic %q is a shared subscription, which docs/mqtt.md refuses", topic))
	}
	allowed, _ := stringList(ds.JSONData["allowedTopics"])
	if !coveredBy(allowed, topic) {
		errs = append(errs, fmt.Errorf("topic %q is not covered by data source %q's allowedTopics %v", topic, ds.Name, allowed))
	}
	return errs
}
