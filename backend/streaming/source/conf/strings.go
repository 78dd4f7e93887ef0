package conf

import (
	"bytes"
	"encoding/json"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// ReadStrings reads the field name of the JSON object raw as a list of
// strings: absent or null is nil. what says what each entry is ("topic
// filters") for the error, a *streaming.FieldError naming the field.
func ReadStrings(raw []byte, name, what string) ([]string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, streaming.Malformed("settings", "not a JSON object")
	}
	v, ok := fields[name]
	if !ok || string(bytes.TrimSpace(v)) == "null" {
		return nil, nil
	}
	var list []string
	if err := json.Unmarshal(v, &list); err != nil {
		return nil, streaming.Malformed(name, "must be a list of %s (strings), got %s", what, streaming.Excerpt(string(v)))
	}
	return list, nil
}
