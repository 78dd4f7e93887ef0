package signals

import (
	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Settings are what an administrator sets on a signals data source (its
// jsonData). Signals have no secure settings.
type Settings struct {
	// MinStepMs is the smallest stepMs the data source accepts.
	MinStepMs int64 `json:"minStepMs"`
	// MaxSeries is the largest seriesCount the data source accepts.
	MaxSeries int `json:"maxSeries"`
	// MaxStreams is how many channels the data source streams at once; a
	// viewer of one more is refused.
	MaxStreams int `json:"maxStreams"`
}

// Bounds of the settings that are not query bounds.
const (
	MinMaxStreams = 1
	MaxMaxStreams = streaming.DefaultProcessMaxStreams
)

// DefaultSettings admit every in-bounds query and DefaultMaxStreams
// channels.
func DefaultSettings() Settings {
	return Settings{MinStepMs: MinStepMs, MaxSeries: MaxSeriesCount, MaxStreams: streaming.DefaultMaxStreams}
}

// ParseSettings reads jsonData with the same rules as a query's fields (see
// streaming.Fields). Absent fields take their defaults; a wrong type or an
// out-of-bounds value is a *streaming.FieldError naming the field.
func ParseSettings(jsonData []byte) (Settings, error) {
	s := DefaultSettings()
	r, err := streaming.ReadFields(jsonData, "settings")
	if err != nil {
		return Settings{}, err
	}
	maxSeries, maxStreams := int64(s.MaxSeries), int64(s.MaxStreams)
	r.IntegerIn("minStepMs", &s.MinStepMs, MinStepMs, MaxStepMs)
	r.IntegerIn("maxSeries", &maxSeries, MinSeriesCount, MaxSeriesCount)
	r.IntegerIn("maxStreams", &maxStreams, MinMaxStreams, MaxMaxStreams)
	if err := r.Err(); err != nil {
		return Settings{}, err
	}
	s.MaxSeries, s.MaxStreams = int(maxSeries), int(maxStreams)
	return s, nil
}

// Limits are the settings as the streaming core checks a query against
// them.
func (s Settings) Limits() Limits {
	return Limits{MinStepMs: s.MinStepMs, MaxSeriesCount: s.MaxSeries}
}
