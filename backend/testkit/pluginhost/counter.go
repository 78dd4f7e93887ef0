package pluginhost

import "time"

// CounterCount is what Pulse's counter counts at a point at time t on a grid
// of stepMs: the grid points of t's UTC day before it, from the first at or
// after midnight. Specs compute a counter's expected values with it, apart
// from the plugin's own code.
func CounterCount(t time.Time, stepMs int64) int64 {
	const dayMs = 24 * 60 * 60 * 1000
	ms := t.UnixMilli()
	midnight := ms - ((ms%dayMs)+dayMs)%dayMs
	firstOfDay := midnight / stepMs
	if firstOfDay*stepMs < midnight {
		firstOfDay++
	}
	return ms/stepMs - firstOfDay
}
