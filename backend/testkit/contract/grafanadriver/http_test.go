package grafanadriver_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/contract/grafanadriver"
)

var _ = Describe("the HTTP API", func() {
	var (
		f *fakeGrafana
		d *grafanadriver.Driver
	)

	BeforeEach(func() {
		f = newFakeGrafana()
		d = f.driver()
	})

	// within is ctx bounded by callTimeout, for a call that must answer.
	within := func(ctx context.Context) context.Context {
		ctx, cancel := context.WithTimeout(ctx, callTimeout)
		DeferCleanup(cancel)
		return ctx
	}

	Describe("CheckHealth", func() {
		It("reads a passing check", func(ctx SpecContext) {
			h, err := d.CheckHealth(within(ctx))
			Expect(err).NotTo(HaveOccurred())
			Expect(h).To(Equal(contract.Health{Status: "OK", Message: "Pulse is ready: signals with a step of 1 ms or more, up to 16 series per query."}))
		})

		It("reads a failing check, which Grafana answers with 400, as a Health", func(ctx SpecContext) {
			f.answer("GET /api/datasources/uid/pulse/health", http.StatusBadRequest, "health_error.json")
			h, err := d.CheckHealth(within(ctx))
			Expect(err).NotTo(HaveOccurred())
			Expect(h).To(Equal(contract.Health{Status: "ERROR", Message: "invalid settings: maxSeries must be at least 1"}))
		})

		It("reports an unknown data source with the URL, the status and Grafana's message", func(ctx SpecContext) {
			d := f.driver(func(o *grafanadriver.Options) { o.DataSourceUID = "nope" })
			f.answer("GET /api/datasources/uid/nope/health", http.StatusNotFound, "datasource_not_found.json")
			_, err := d.CheckHealth(within(ctx))
			Expect(err).To(MatchError("GET " + f.URL + "/api/datasources/uid/nope/health: Grafana answered 404 Not Found: Data source not found"))
			var apiErr *grafanadriver.APIError
			Expect(errors.As(err, &apiErr)).To(BeTrue())
			Expect(apiErr.Status).To(Equal(http.StatusNotFound))
		})

		It("reports a 400 that is not a check's answer as an error", func(ctx SpecContext) {
			f.set("GET /api/datasources/uid/pulse/health", canned{status: http.StatusBadRequest, body: []byte(`{"message":"bad request data"}`)})
			_, err := d.CheckHealth(within(ctx))
			Expect(err).To(MatchError(ContainSubstring("400 Bad Request: bad request data")))
		})

		It("gives up when its context ends", func(ctx SpecContext) {
			f.set("GET /api/datasources/uid/pulse/health", canned{hang: true})
			ctx2, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			_, err := d.CheckHealth(ctx2)
			Expect(err).To(MatchError(context.DeadlineExceeded))
		}, SpecTimeout(callTimeout))
	})

	Describe("Query", func() {
		from := time.UnixMilli(1_800_000_000_000).UTC()
		to := from.Add(30 * time.Second)

		It("sends the query as a panel does: the model with refId, datasource, interval and points, the range as strings", func(ctx SpecContext) {
			_, err := d.Query(within(ctx), contract.Query{
				Model: `{"kind":"counter","stepMs":100}`, From: from, To: to,
				MaxDataPoints: 1000, Interval: 100 * time.Millisecond,
			})
			Expect(err).NotTo(HaveOccurred())
			Expect(f.queryBodies()).To(HaveLen(1))
			Expect(f.queryBodies()[0]).To(MatchJSON(`{
				"queries": [{
					"kind": "counter", "stepMs": 100,
					"refId": "A",
					"datasource": {"type": "pulse-streaming-datasource", "uid": "pulse"},
					"intervalMs": 100, "maxDataPoints": 1000
				}],
				"from": "1800000000000", "to": "1800000030000"
			}`))
		})

		It("keeps what the model says itself, and reads the answer under the model's refId", func(ctx SpecContext) {
			f.set("POST /api/ds/query", canned{status: http.StatusOK, body: []byte(`{"results":{"B":{"status":200,"frames":[]}}}`)})
			_, err := d.Query(within(ctx), contract.Query{RefID: "A", Model: `{"refId":"B","intervalMs":5}`, From: from, To: to})
			Expect(err).NotTo(HaveOccurred())
			var body struct {
				Queries []map[string]any `json:"queries"`
			}
			Expect(json.Unmarshal(f.queryBodies()[0], &body)).To(Succeed())
			Expect(body.Queries[0]).To(HaveKeyWithValue("refId", "B"))
			Expect(body.Queries[0]).To(HaveKeyWithValue("intervalMs", 5.0))
		})

		It("decodes the answer's frames", func(ctx SpecContext) {
			res, err := d.Query(within(ctx), contract.Query{Model: `{"kind":"counter"}`, From: from, To: to})
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Error).To(BeEmpty())
			Expect(res.Frames).To(HaveLen(1))
			frame := res.Frames[0]
			Expect(frame.Meta.Channel).To(Equal("ds/pulse/v1/counter/s=100"))
			Expect(frame.Fields).To(HaveLen(2))
			Expect(frame.Fields[0].At(2)).To(Equal(from.Add(200 * time.Millisecond)))
			Expect(frame.Fields[1].At(2)).To(Equal(3.0))
		})

		It("reads a query the plugin refused, which Grafana answers with 400, as the result's Error", func(ctx SpecContext) {
			f.answer("POST /api/ds/query", http.StatusBadRequest, "query_refused.json")
			res, err := d.Query(within(ctx), contract.Query{Model: `{"kind":"sawtooth"}`, From: from, To: to})
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Error).To(Equal(`invalid query: unknown generator "sawtooth"`))
		})

		It("reads the same answer with 207, as Grafana sends it with its feature flag", func(ctx SpecContext) {
			f.answer("POST /api/ds/query", http.StatusMultiStatus, "query_refused.json")
			res, err := d.Query(within(ctx), contract.Query{Model: `{"kind":"sawtooth"}`, From: from, To: to})
			Expect(err).NotTo(HaveOccurred())
			Expect(res.Error).To(ContainSubstring("sawtooth"))
		})

		It("reports an answer that is not a query's with the URL, the status and what the body says", func(ctx SpecContext) {
			f.set("POST /api/ds/query", canned{status: http.StatusBadGateway, body: []byte("<html>upstream down</html>")})
			_, err := d.Query(within(ctx), contract.Query{Model: `{}`, From: from, To: to})
			Expect(err).To(MatchError("POST " + f.URL + "/api/ds/query: Grafana answered 502 Bad Gateway: <html>upstream down</html>"))
		})

		It("reports a 200 without a result for the query", func(ctx SpecContext) {
			f.set("POST /api/ds/query", canned{status: http.StatusOK, body: []byte(`{"results":{"Z":{"status":200}}}`)})
			_, err := d.Query(within(ctx), contract.Query{Model: `{}`, From: from, To: to})
			Expect(err).To(MatchError(ContainSubstring(`no result for refId "A", only for "Z"`)))
		})

		It("refuses a model that is not a JSON object, which Grafana could not be asked", func(ctx SpecContext) {
			_, err := d.Query(within(ctx), contract.Query{Model: `{"kind":`, From: from, To: to})
			Expect(err).To(MatchError(ContainSubstring("not a JSON object")))
			Expect(f.queryBodies()).To(BeEmpty())
		})
	})

	Describe("ActiveStreams", func() {
		It("reads the plugin's pulse_stream_active gauge", func(ctx SpecContext) {
			Expect(d.ActiveStreams(within(ctx))).To(Equal(2))
		})

		It("reports metrics without the gauge", func(ctx SpecContext) {
			f.set("GET /api/plugins/pulse-streaming-datasource/metrics", canned{status: http.StatusOK, body: []byte("# TYPE up gauge\nup 1\n")})
			_, err := d.ActiveStreams(within(ctx))
			Expect(err).To(MatchError(ContainSubstring("no metric pulse_stream_active")))
		})
	})

	Describe("a wrong password", func() {
		var wrong *grafanadriver.Driver
		BeforeEach(func() {
			wrong = f.driver(func(o *grafanadriver.Options) { o.Password = "wrong" })
		})

		DescribeTable("is an error naming the status and Grafana's message",
			func(ctx SpecContext, call func(context.Context, *grafanadriver.Driver) error) {
				err := call(within(ctx), wrong)
				Expect(err).To(MatchError(ContainSubstring("Grafana answered 401 Unauthorized: Invalid username or password")))
				var apiErr *grafanadriver.APIError
				Expect(errors.As(err, &apiErr)).To(BeTrue())
				Expect(apiErr.Status).To(Equal(http.StatusUnauthorized))
			},
			Entry("CheckHealth", func(ctx context.Context, d *grafanadriver.Driver) error {
				_, err := d.CheckHealth(ctx)
				return err
			}),
			Entry("Query", func(ctx context.Context, d *grafanadriver.Driver) error {
				_, err := d.Query(ctx, contract.Query{Model: `{}`})
				return err
			}),
			Entry("ActiveStreams", func(ctx context.Context, d *grafanadriver.Driver) error {
				_, err := d.ActiveStreams(ctx)
				return err
			}),
			Entry("Subscribe", func(ctx context.Context, d *grafanadriver.Driver) error {
				_, err := d.Subscribe(ctx, channel)
				return err
			}),
		)
	})
})
