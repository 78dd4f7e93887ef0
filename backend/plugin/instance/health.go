package instance

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// CheckHealth reports whether the settings are usable and what they allow.
func (i *Instance) CheckHealth(_ context.Context, _ *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	if _, err := i.limits(); err != nil {
		return &backend.CheckHealthResult{Status: backend.HealthStatusError, Message: err.Error()}, nil
	}
	return &backend.CheckHealthResult{
		Status: backend.HealthStatusOk,
		Message: fmt.Sprintf("Pulse is ready: signals with a step of %d ms or more, up to %d series per query, up to %d streams at once.",
			i.settings.MinStepMs, i.settings.MaxSeries, i.settings.MaxStreams),
	}, nil
}
