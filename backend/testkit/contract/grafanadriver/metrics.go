package grafanadriver

import (
	"context"
	"math"
	"net/http"
	"net/url"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// activeStreamsMetric is the gauge Pulse keeps of the streams it runs.
const activeStreamsMetric = "pulse_stream_active"

// ActiveStreams is the plugin's pulse_stream_active gauge, read from the
// metrics Grafana collects from the plugin on request (an org admin's
// right).
func (d *Driver) ActiveStreams(ctx context.Context) (int, error) {
	a, err := d.call(ctx, http.MethodGet, "/api/plugins/"+url.PathEscape(d.pluginID)+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	if a.status != http.StatusOK {
		return 0, a.apiError()
	}
	v, err := pluginhost.MetricValue(a.body, activeStreamsMetric)
	if err != nil {
		return 0, a.errorf("%w", err)
	}
	if v < 0 || v != math.Trunc(v) || v > math.MaxInt32 {
		return 0, a.errorf("%s is %v, not a count of streams", activeStreamsMetric, v)
	}
	return int(v), nil
}
