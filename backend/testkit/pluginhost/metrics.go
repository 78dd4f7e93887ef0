package pluginhost

import (
	"bytes"
	"fmt"
	"strings"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// MetricValue reads the value of an unlabelled counter or gauge, or the
// _count or _sum of a histogram, from metrics in Prometheus' text format, as
// CollectMetrics returns them and as Grafana serves them at
// /api/plugins/<id>/metrics.
func MetricValue(text []byte, name string) (float64, error) {
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(text))
	if err != nil {
		return 0, fmt.Errorf("reading Prometheus metrics: %w", err)
	}
	base, part := name, ""
	family, ok := families[name]
	for _, suffix := range []string{"_count", "_sum"} {
		if trimmed, cut := strings.CutSuffix(name, suffix); !ok && cut {
			base, part = trimmed, suffix
			family, ok = families[base]
		}
	}
	if !ok {
		return 0, fmt.Errorf("no metric %s among %d metrics", name, len(families))
	}
	for _, m := range family.GetMetric() {
		if len(m.GetLabel()) > 0 {
			continue
		}
		switch family.GetType() {
		case dto.MetricType_HISTOGRAM:
			if part == "_count" {
				return float64(m.GetHistogram().GetSampleCount()), nil
			}
			if part == "_sum" {
				return m.GetHistogram().GetSampleSum(), nil
			}
			return 0, fmt.Errorf("metric %s is a histogram: ask for %s_count or %s_sum", name, base, base)
		case dto.MetricType_GAUGE:
			return m.GetGauge().GetValue(), nil
		case dto.MetricType_COUNTER:
			return m.GetCounter().GetValue(), nil
		case dto.MetricType_UNTYPED:
			return m.GetUntyped().GetValue(), nil
		default:
			return 0, fmt.Errorf("metric %s is a %s, not a counter or a gauge", name, family.GetType())
		}
	}
	return 0, fmt.Errorf("metric %s has no sample without labels", name)
}
