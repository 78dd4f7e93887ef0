package instance

import (
	"context"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// CheckHealth reports whether the settings are usable, and what the Source
// says of itself.
func (i *Instance) CheckHealth(ctx context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if i.settingsErr != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: i.settingsErr.Error()}, nil
	}
	message, err := i.src.CheckHealth(ctx)
	if err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: err.Error()}, nil
	}
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: message}, nil
}
