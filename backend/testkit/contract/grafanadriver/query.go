package grafanadriver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// Query runs one query through /api/ds/query, as a panel does. A query the
// plugin refuses comes back from Grafana with status 400 (207 with a
// feature flag) and the plugin's message in the query's result: that is a
// QueryResult with Error set, not an error.
func (d *Driver) Query(ctx context.Context, q contract.Query) (contract.QueryResult, error) {
	body, refID, err := d.queryBody(q)
	if err != nil {
		return contract.QueryResult{}, err
	}
	a, err := d.call(ctx, http.MethodPost, "/api/ds/query", body)
	if err != nil {
		return contract.QueryResult{}, err
	}
	var qdr backend.QueryDataResponse
	decodeErr := json.Unmarshal(a.body, &qdr)
	if a.status != http.StatusOK && (decodeErr != nil || !hasResult(qdr, refID)) {
		// Not a per-query answer: Grafana itself refused the request.
		return contract.QueryResult{}, a.apiError()
	}
	if decodeErr != nil {
		return contract.QueryResult{}, a.errorf("reading the query answer: %w", decodeErr)
	}
	res, ok := qdr.Responses[refID]
	if !ok {
		return contract.QueryResult{}, a.errorf("the answer has no result for refId %q, only for %s", refID, refIDs(qdr))
	}
	out := contract.QueryResult{Frames: res.Frames}
	switch {
	case res.Error != nil:
		out.Error = res.Error.Error()
	case res.Status.IsValid() && int(res.Status) >= http.StatusBadRequest:
		// A failed status without a message must not pass for success.
		out.Error = fmt.Sprintf("status %d without a message", int(res.Status))
	}
	return out, nil
}

// queryBody is the /api/ds/query request for q, and the refId its answer
// is keyed by. Like Grafana's frontend (and pluginhost.QueryDataRequest),
// it adds refId, datasource, intervalMs and maxDataPoints to the model
// unless the model has them, so that the plugin meets the same query
// through either driver.
func (d *Driver) queryBody(q contract.Query) ([]byte, string, error) {
	raw := q.Model
	if strings.TrimSpace(raw) == "" {
		raw = "{}"
	}
	var model map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &model); err != nil || model == nil {
		// /api/ds/query takes queries as JSON objects: anything else
		// cannot be asked through Grafana at all.
		return nil, "", fmt.Errorf("grafanadriver: the query model is not a JSON object: %q", q.Model)
	}
	refID := q.RefID
	if refID == "" {
		refID = "A"
	}
	err := pluginhost.AddMissing(model, map[string]any{
		"refId":         refID,
		"datasource":    map[string]string{"type": d.pluginID, "uid": d.uid},
		"intervalMs":    q.Interval.Milliseconds(),
		"maxDataPoints": q.MaxDataPoints,
	})
	if err != nil {
		return nil, "", fmt.Errorf("grafanadriver: %w", err)
	}
	if err := json.Unmarshal(model["refId"], &refID); err != nil {
		return nil, "", fmt.Errorf("grafanadriver: the query model's refId is not a string: %s", model["refId"])
	}
	body, err := json.Marshal(map[string]any{
		"queries": []any{model},
		// Grafana reads the range as strings: epoch milliseconds, or
		// relative expressions such as "now-5m".
		"from": strconv.FormatInt(q.From.UnixMilli(), 10),
		"to":   strconv.FormatInt(q.To.UnixMilli(), 10),
	})
	if err != nil {
		return nil, "", fmt.Errorf("grafanadriver: encoding the query request: %w", err)
	}
	return body, refID, nil
}

// hasResult says whether qdr answers refID.
func hasResult(qdr backend.QueryDataResponse, refID string) bool {
	_, ok := qdr.Responses[refID]
	return ok
}

// refIDs lists the refIds qdr answers, for an error message.
func refIDs(qdr backend.QueryDataResponse) string {
	ids := make([]string, 0, len(qdr.Responses))
	for id := range qdr.Responses {
		ids = append(ids, strconv.Quote(id))
	}
	if len(ids) == 0 {
		return "none"
	}
	sort.Strings(ids)
	return strings.Join(ids, ", ")
}
