package grafanadriver

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
)

// CheckHealth runs the data source's health check as "Save & test" does.
// Grafana answers a failed check with 400 and the check's status and
// message: that is a Health, not an error.
func (d *Driver) CheckHealth(ctx context.Context) (contract.Health, error) {
	a, err := d.call(ctx, http.MethodGet, "/api/datasources/uid/"+url.PathEscape(d.uid)+"/health", nil)
	if err != nil {
		return contract.Health{}, err
	}
	if a.status != http.StatusOK && a.status != http.StatusBadRequest {
		return contract.Health{}, a.apiError()
	}
	var h struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(a.body, &h); err != nil || h.Status == "" {
		if a.status == http.StatusBadRequest {
			// A 400 without a check's status is Grafana refusing the
			// request, not the plugin's answer.
			return contract.Health{}, a.apiError()
		}
		return contract.Health{}, a.errorf("the health answer has no status: %s", grafanaMessage(a.body))
	}
	return contract.Health{Status: h.Status, Message: h.Message}, nil
}
