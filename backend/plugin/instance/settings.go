package instance

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Settings are what an administrator sets on a Pulse data source (its
// jsonData). Pulse has no secure settings.
type Settings struct {
	// MinStepMs is the smallest stepMs the data source accepts.
	MinStepMs int64 `json:"minStepMs"`
	// MaxSeries is the largest seriesCount the data source accepts.
	MaxSeries int `json:"maxSeries"`
}

// DefaultSettings admit every in-bounds query.
func DefaultSettings() Settings {
	return Settings{MinStepMs: streaming.MinStepMs, MaxSeries: streaming.MaxSeriesCount}
}

// ParseSettings reads jsonData. Absent fields take their defaults; a wrong
// type or an out-of-bounds value is an error naming the field.
func ParseSettings(jsonData []byte) (Settings, error) {
	s := DefaultSettings()
	if len(bytes.TrimSpace(jsonData)) == 0 {
		return s, nil
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(jsonData, &fields); err != nil {
		return Settings{}, fmt.Errorf("the settings are not a JSON object: %v", err)
	}
	var err error
	if s.MinStepMs, err = wholeNumber(fields, "minStepMs", s.MinStepMs, streaming.MinStepMs, streaming.MaxStepMs); err != nil {
		return Settings{}, err
	}
	maxSeries, err := wholeNumber(fields, "maxSeries", int64(s.MaxSeries), streaming.MinSeriesCount, streaming.MaxSeriesCount)
	if err != nil {
		return Settings{}, err
	}
	s.MaxSeries = int(maxSeries)
	return s, nil
}

// Limits are the settings as the streaming core checks them.
func (s Settings) Limits() streaming.Limits {
	return streaming.Limits{MinStepMs: s.MinStepMs, MaxSeriesCount: s.MaxSeries}
}

// wholeNumber reads an optional integer field within [lo, hi]; absent or
// null gives def.
func wholeNumber(fields map[string]json.RawMessage, field string, def, lo, hi int64) (int64, error) {
	raw, ok := fields[field]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return def, nil
	}
	var n json.Number
	err := json.Unmarshal(raw, &n)
	var v int64
	if err == nil {
		v, err = n.Int64()
	}
	if err != nil || v < lo || v > hi {
		return 0, fmt.Errorf("%s must be a whole number from %d to %d, got %s", field, lo, hi, raw)
	}
	return v, nil
}
