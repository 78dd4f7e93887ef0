package pluginhost

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// Query is one query of a QueryData request as a panel sends it.
type Query struct {
	// RefID names the query; the response is keyed by it. Empty means "A".
	RefID string
	// JSON is the query's model as the query editor holds it. When it is a
	// JSON object, QueryDataRequest adds what Grafana's frontend adds to
	// every query (refId, datasource, datasourceId, intervalMs,
	// maxDataPoints) unless it already has them; anything else (malformed
	// JSON, say) is sent as it is.
	JSON string
	// Raw sends JSON exactly as it is, without Grafana's additions.
	Raw bool
	// From and To are the panel's time range.
	From, To time.Time
	// MaxDataPoints is Grafana's bound on the number of points (about the
	// panel's width in pixels). Zero sends none.
	MaxDataPoints int64
	// Interval is Grafana's suggested interval between points. Zero sends
	// none.
	Interval time.Duration
}

// QueryDataRequest is Grafana's QueryData request for queries against this
// data source, answered with Arrow frames as Grafana asks by default.
func (i Instance) QueryDataRequest(queries ...Query) *pluginv2.QueryDataRequest {
	req := &pluginv2.QueryDataRequest{
		PluginContext: i.PluginContext(),
		Format:        pluginv2.DataFrameFormat_ARROW,
	}
	for _, q := range queries {
		refID := q.RefID
		if refID == "" {
			refID = "A"
		}
		req.Queries = append(req.Queries, &pluginv2.DataQuery{
			RefId:         refID,
			MaxDataPoints: q.MaxDataPoints,
			IntervalMS:    q.Interval.Milliseconds(),
			TimeRange: &pluginv2.TimeRange{
				FromEpochMS: q.From.UnixMilli(),
				ToEpochMS:   q.To.UnixMilli(),
			},
			Json: i.queryJSON(q, refID),
		})
	}
	return req
}

// queryJSON is q's model as Grafana sends it: with the fields Grafana's
// frontend adds to every query, so that a plugin meets them in tests too.
func (i Instance) queryJSON(q Query, refID string) []byte {
	var model map[string]json.RawMessage
	if q.Raw || json.Unmarshal([]byte(q.JSON), &model) != nil || model == nil {
		return []byte(q.JSON)
	}
	err := AddMissing(model, map[string]any{
		"refId":         refID,
		"datasource":    map[string]string{"type": PluginID, "uid": i.UID},
		"datasourceId":  1,
		"intervalMs":    q.Interval.Milliseconds(),
		"maxDataPoints": q.MaxDataPoints,
	})
	if err != nil {
		return []byte(q.JSON)
	}
	b, err := json.Marshal(model)
	if err != nil {
		return []byte(q.JSON)
	}
	return b
}

// AddMissing adds to a query model each of fields it does not have, as
// Grafana's frontend adds refId, datasource and the like to every query.
func AddMissing(model map[string]json.RawMessage, fields map[string]any) error {
	for key, value := range fields {
		if _, ok := model[key]; ok {
			continue
		}
		b, err := json.Marshal(value)
		if err != nil {
			return fmt.Errorf("encoding the query's %s: %w", key, err)
		}
		model[key] = b
	}
	return nil
}
