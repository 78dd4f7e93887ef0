package hostspec_test

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract/grafanadriver"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// The only credentials the stand-in accepts: those of the compose setup's
// Grafana, which grafanaspec uses too.
const (
	grafanaLikeUser     = "admin"
	grafanaLikePassword = "admin"
)

// standIn is this suite process's Grafana stand-in, in front of host.
var standIn *grafanaLike

// grafanaLike is an in-process stand-in for Grafana in front of the suite's
// plugin binary, so that the contract's Grafana driver is exercised on
// every run and not only in CI. It mimics only what the contract specs rely
// on, the way Grafana does it: basic auth, GET /api/user, a data source's
// health check, POST /api/ds/query, the plugin's metrics, and Grafana Live
// (grafanaLive) for ds channels. It serves one data source and one org (1).
// CI runs the same contract against a real Grafana (backend/testkit/grafanaspec);
// where the two differ, Grafana is right.
type grafanaLike struct {
	// URL is the stand-in's root URL.
	URL string
	// Driver reaches ds through the stand-in with the right credentials.
	Driver *grafanadriver.Driver

	host *pluginhost.Host
	ds   pluginhost.Instance
}

// startGrafanaLike starts a stand-in that serves ds through host. Call it
// from a suite-level setup node: it registers the stand-in's shutdown with
// DeferCleanup there.
func startGrafanaLike(host *pluginhost.Host, ds pluginhost.Instance) *grafanaLike {
	GinkgoHelper()
	live, err := startGrafanaLive(host, ds)
	Expect(err).NotTo(HaveOccurred(), "starting the stand-in's Centrifuge node")
	g := &grafanaLike{host: host, ds: ds}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/user", g.user)
	mux.HandleFunc("GET /api/datasources/uid/{uid}/health", g.health)
	mux.HandleFunc("POST /api/ds/query", g.query)
	mux.HandleFunc("GET /api/plugins/{pluginId}/metrics", g.metrics)
	mux.Handle("GET /api/live/ws", live.handler())
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeMessage(w, http.StatusNotFound, "Not found")
	})
	server := httptest.NewServer(requireBasicAuth(mux))
	DeferCleanup(func(ctx SpecContext) {
		// Close waits for API requests but not for WebSockets: the node's
		// shutdown ends those, after the streams (see shutdown).
		server.Close()
		Expect(live.shutdown(ctx)).To(Succeed())
	}, NodeTimeout(time.Minute))

	g.URL = server.URL
	g.Driver = g.driverAs(grafanaLikeUser, grafanaLikePassword)
	return g
}

// driverAs is a Grafana driver that reaches the stand-in's data source as
// user with password.
func (g *grafanaLike) driverAs(user, password string) *grafanadriver.Driver {
	GinkgoHelper()
	d, err := grafanadriver.New(grafanadriver.Options{URL: g.URL, User: user, Password: password, DataSourceUID: g.ds.UID})
	Expect(err).NotTo(HaveOccurred())
	return d
}

// requireBasicAuth answers 401 as Grafana does to any request, the
// WebSocket upgrade included, without the right basic-auth credentials.
func requireBasicAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, password, ok := r.BasicAuth()
		if !ok || user != grafanaLikeUser || password != grafanaLikePassword {
			writeMessage(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// user is GET /api/user: the signed-in user, whose current org prefixes
// every Live channel.
func (g *grafanaLike) user(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"id": 1, "login": grafanaLikeUser, "orgId": 1})
}

// health is GET /api/datasources/uid/{uid}/health ("Save & test"): the
// plugin's CheckHealth, 200 when it is OK and 400 otherwise.
func (g *grafanaLike) health(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("uid") != g.ds.UID {
		writeMessage(w, http.StatusNotFound, "Data source not found")
		return
	}
	resp, err := g.host.Diagnostics.CheckHealth(r.Context(), g.ds.CheckHealthRequest())
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Plugin health check failed: "+err.Error())
		return
	}
	payload := map[string]any{"status": resp.GetStatus().String(), "message": resp.GetMessage()}
	if details := resp.GetJsonDetails(); len(details) > 0 {
		payload["details"] = json.RawMessage(details)
	}
	status := http.StatusOK
	if resp.GetStatus() != pluginv2.CheckHealthResponse_OK {
		status = http.StatusBadRequest
	}
	writeJSON(w, status, payload)
}

// dsQuery is the part of one /api/ds/query query that Grafana reads; the
// plugin gets the whole object.
type dsQuery struct {
	RefID      string `json:"refId"`
	Datasource struct {
		UID string `json:"uid"`
	} `json:"datasource"`
	// Pointers, to tell a missing field (Grafana's default) from zero.
	IntervalMs    *int64 `json:"intervalMs"`
	MaxDataPoints *int64 `json:"maxDataPoints"`
}

// query is POST /api/ds/query: the queries go to the plugin's QueryData as
// Grafana sends them, and its answer comes back as the SDK's
// QueryDataResponse JSON, with 400 when a query failed.
func (g *grafanaLike) query(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Queries  []json.RawMessage `json:"queries"`
		From, To string
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Queries) == 0 {
		writeMessage(w, http.StatusBadRequest, "bad request data")
		return
	}
	// Grafana also takes relative times ("now-5m"); the driver sends epoch
	// milliseconds only.
	from, errFrom := strconv.ParseInt(body.From, 10, 64)
	to, errTo := strconv.ParseInt(body.To, 10, 64)
	if errFrom != nil || errTo != nil {
		writeMessage(w, http.StatusBadRequest, "invalid time range: want epoch milliseconds")
		return
	}
	req := &pluginv2.QueryDataRequest{PluginContext: g.ds.PluginContext(), Format: pluginv2.DataFrameFormat_ARROW}
	for _, raw := range body.Queries {
		var q dsQuery
		if err := json.Unmarshal(raw, &q); err != nil {
			writeMessage(w, http.StatusBadRequest, "bad request data: "+err.Error())
			return
		}
		if q.Datasource.UID != g.ds.UID {
			writeMessage(w, http.StatusNotFound, "Data source not found")
			return
		}
		req.Queries = append(req.Queries, &pluginv2.DataQuery{
			RefId:         cmp.Or(q.RefID, "A"),
			MaxDataPoints: valueOr(q.MaxDataPoints, 100), // Grafana's defaults
			IntervalMS:    valueOr(q.IntervalMs, 1000),
			TimeRange:     &pluginv2.TimeRange{FromEpochMS: from, ToEpochMS: to},
			Json:          raw,
		})
	}
	resp, err := g.host.Data.QueryData(r.Context(), req)
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Query data error: "+err.Error())
		return
	}
	// Grafana's plugin client decodes the plugin's answer with the SDK's
	// converter, Arrow frames included, and writes that back as JSON.
	qdr, err := backend.FromProto().QueryDataResponse(resp)
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "decoding the plugin's answer: "+err.Error())
		return
	}
	status := http.StatusOK
	for _, res := range qdr.Responses {
		if res.Error != nil {
			status = http.StatusBadRequest
		}
	}
	writeJSON(w, status, qdr)
}

// metrics is GET /api/plugins/{pluginId}/metrics: the plugin's
// CollectMetrics, in Prometheus' text format.
func (g *grafanaLike) metrics(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("pluginId") != pluginhost.PluginID {
		writeMessage(w, http.StatusNotFound, "Plugin not found, no installed plugin with that id")
		return
	}
	// Grafana asks for a plugin's metrics without a data source.
	resp, err := g.host.Diagnostics.CollectMetrics(r.Context(), &pluginv2.CollectMetricsRequest{
		PluginContext: &pluginv2.PluginContext{OrgId: 1, PluginId: pluginhost.PluginID},
	})
	if err != nil {
		writeMessage(w, http.StatusInternalServerError, "Failed to collect plugin metrics: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(resp.GetMetrics().GetPrometheus())
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"message":"encoding the answer failed"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeMessage answers an error as Grafana's API does: {"message": ...}.
func writeMessage(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, map[string]string{"message": message})
}

// valueOr is *p, or fallback when p is nil.
func valueOr(p *int64, fallback int64) int64 {
	if p == nil {
		return fallback
	}
	return *p
}
