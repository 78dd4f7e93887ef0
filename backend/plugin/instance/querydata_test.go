package instance_test

import (
	"context"
	"encoding/json"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/plugin/instance"
)

// newInstance makes an instance as the SDK would for a data source with
// this uid and jsonData.
func newInstance(jsonData string) *instance.Instance {
	inst, err := instance.Factory(instance.Options{Sources: testSources(), Metrics: testMetrics})(context.Background(), backend.DataSourceInstanceSettings{UID: "pulse-uid", JSONData: json.RawMessage(jsonData)})
	Expect(err).NotTo(HaveOccurred())
	return inst.(*instance.Instance)
}

var _ = Describe("QueryData", func() {
	to := time.Date(2026, 11, 24, 12, 0, 10, 0, time.UTC)
	timeRange := backend.TimeRange{From: to.Add(-10 * time.Second), To: to}

	queryData := func(inst *instance.Instance, queries map[string]string) *backend.QueryDataResponse {
		req := &backend.QueryDataRequest{}
		for refID, body := range queries {
			req.Queries = append(req.Queries, backend.DataQuery{RefID: refID, JSON: json.RawMessage(body), TimeRange: timeRange, MaxDataPoints: 1000})
		}
		resp, err := inst.QueryData(context.Background(), req)
		Expect(err).NotTo(HaveOccurred())
		return resp
	}

	It("returns the backfill without a channel when streaming is off", func() {
		resp := queryData(newInstance(`{}`), map[string]string{"A": `{"refId":"A","kind":"counter"}`})
		r := resp.Responses["A"]
		Expect(r.Error).NotTo(HaveOccurred())
		Expect(r.Frames).To(HaveLen(1))
		f := r.Frames[0]
		Expect(f.RefID).To(Equal("A"))
		Expect(f.Rows()).To(Equal(11))
		Expect(f.Fields[1].At(10)).To(Equal(float64(12*60*60+10)*10), "the counter: 12:00:10 is 43 210 seconds past midnight")
		Expect(f.Meta).To(BeNil())
	})

	It("names the channel when streaming is on", func() {
		resp := queryData(newInstance(`{}`), map[string]string{"A": `{"withStreaming":true,"kind":"sine","stepMs":100,"seriesCount":3}`})
		f := resp.Responses["A"].Frames[0]
		Expect(f.Meta.Channel).To(Equal("ds/pulse-uid/v1/sine/s=100/n=3"))
	})

	It("answers a bad query with its own 400 and still runs the good ones", func() {
		resp := queryData(newInstance(`{"minStepMs":100}`), map[string]string{
			"good":    `{}`,
			"json":    `{"kind":`,
			"kind":    `{"kind":"triangle"}`,
			"bounds":  `{"seriesCount":17}`,
			"limited": `{"stepMs":50}`,
		})
		Expect(resp.Responses["good"].Error).NotTo(HaveOccurred())
		Expect(resp.Responses["good"].Frames[0].Rows()).To(Equal(11))
		for refID, words := range map[string]string{
			"json":    "invalid query: query: not a JSON object",
			"kind":    `invalid query: kind: unknown kind "triangle"`,
			"bounds":  "invalid query: seriesCount: must be between 1 and 16, got 17",
			"limited": "invalid query: stepMs: this data source allows steps of 100 ms or more, got 50",
		} {
			r := resp.Responses[refID]
			Expect(r.Status).To(Equal(backend.StatusBadRequest), refID)
			Expect(r.Error).To(MatchError(ContainSubstring(words)), refID)
			Expect(r.ErrorSource).To(Equal(backend.ErrorSourceDownstream), refID)
		}
	})

	It("reports invalid settings on every query", func() {
		resp := queryData(newInstance(`{"maxSeries":0}`), map[string]string{"A": `{}`})
		Expect(resp.Responses["A"].Error).To(MatchError(Equal("the data source's settings are invalid: maxSeries: must be between 1 and 16, got 0")))
	})
})

var _ = Describe("CheckHealth", func() {
	check := func(jsonData string) *backend.CheckHealthResult {
		res, err := newInstance(jsonData).CheckHealth(context.Background(), &backend.CheckHealthRequest{})
		Expect(err).NotTo(HaveOccurred())
		return res
	}

	It("says what the settings allow", func() {
		res := check(`{"minStepMs":10,"maxSeries":4}`)
		Expect(res.Status).To(Equal(backend.HealthStatusOk))
		Expect(res.Message).To(Equal("Pulse is ready: signals with a step of 10 ms or more, up to 4 series per query, up to 1000 streams at once."))
	})

	It("says in plain words what is wrong", func() {
		res := check(`{"minStepMs":"fast"}`)
		Expect(res.Status).To(Equal(backend.HealthStatusError))
		Expect(res.Message).To(Equal(`the data source's settings are invalid: minStepMs: must be a whole number, got "fast"`))
		Expect(check(`{`).Message).To(ContainSubstring("not a JSON object"))
	})
})
