package bench

import (
	"strconv"
	"strings"
)

// PromValue finds an unlabelled sample of metric name in Prometheus text
// exposition (what the SDK's CollectMetrics returns), e.g. go_goroutines.
func PromValue(text, name string) (float64, bool) {
	for line := range strings.Lines(text) {
		rest, ok := strings.CutPrefix(line, name+" ")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0, false
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		return v, err == nil
	}
	return 0, false
}
