package signals

import "github.com/pulse-datasource/pulse/backend/streaming"

// Limits narrow the bounds for one data source: an administrator can refuse
// fast or wide queries. The zero value allows everything in bounds.
type Limits struct {
	// MinStepMs is the smallest stepMs allowed.
	MinStepMs int64
	// MaxSeriesCount is the largest seriesCount allowed; zero means no limit
	// beyond MaxSeriesCount.
	MaxSeriesCount int
}

// Check returns an ErrOutOfBounds *FieldError when q needs more than l
// allows.
func (l Limits) Check(q Query) error {
	if q.StepMs < l.MinStepMs {
		return streaming.OutOfBounds("stepMs", "this data source allows steps of %d ms or more, got %d", l.MinStepMs, q.StepMs)
	}
	if l.MaxSeriesCount > 0 && q.SeriesCount > l.MaxSeriesCount {
		return streaming.OutOfBounds("seriesCount", "this data source allows at most %d series, got %d", l.MaxSeriesCount, q.SeriesCount)
	}
	return nil
}
