package instance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/plugin/instance"
	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

var _ = Describe("Limits", func() {
	var (
		metrics *streaming.Metrics
		slots   *streaming.StreamSlots
	)
	BeforeEach(func() {
		var err error
		metrics, err = streaming.NewMetrics(prometheus.NewRegistry())
		Expect(err).NotTo(HaveOccurred())
		slots = streaming.NewStreamSlots(5)
	})
	open := func(uid, jsonData string) *instance.Instance {
		inst, err := instance.Factory(instance.Options{Sources: testSources(), Metrics: metrics, Slots: slots})(context.Background(),
			backend.DataSourceInstanceSettings{UID: uid, JSONData: json.RawMessage(jsonData)})
		Expect(err).NotTo(HaveOccurred())
		return inst.(*instance.Instance)
	}
	subscribe := func(inst *instance.Instance, path string) backend.SubscribeStreamStatus {
		resp, err := inst.SubscribeStream(context.Background(), &backend.SubscribeStreamRequest{Path: path})
		Expect(err).NotTo(HaveOccurred())
		return resp.Status
	}
	refused := func(limit string) float64 { return testutil.ToFloat64(metrics.StreamsRefused.WithLabelValues(limit)) }

	Describe("streams", func() {
		It("refuses a viewer of a new channel past the data source's maxStreams, and admits more viewers of its channels", func() {
			inst := open("a", `{"maxStreams":2}`)
			Expect(subscribe(inst, "v1/sine/r=1")).To(Equal(backend.SubscribeStreamStatusOK))
			Expect(subscribe(inst, "v1/sine/r=2")).To(Equal(backend.SubscribeStreamStatusOK))
			Expect(subscribe(inst, "v1/sine/r=3")).To(Equal(backend.SubscribeStreamStatusPermissionDenied))
			Expect(subscribe(inst, "v1/sine/r=1")).To(Equal(backend.SubscribeStreamStatusOK), "a second viewer of a streamed channel")
			Expect(refused("data_source")).To(Equal(1.0))
			Expect(refused("process")).To(BeZero())
		})

		It("refuses past the process's cap across data sources, and frees a disposed data source's slots", func() {
			a, b := open("a", `{}`), open("b", `{}`)
			for n := range 3 {
				Expect(subscribe(a, fmt.Sprintf("v1/sine/r=%d", n+1))).To(Equal(backend.SubscribeStreamStatusOK))
			}
			Expect(subscribe(b, "v1/sine/r=1")).To(Equal(backend.SubscribeStreamStatusOK))
			Expect(subscribe(b, "v1/sine/r=2")).To(Equal(backend.SubscribeStreamStatusOK))
			Expect(subscribe(b, "v1/sine/r=3")).To(Equal(backend.SubscribeStreamStatusPermissionDenied))
			Expect(refused("process")).To(Equal(1.0))
			a.Dispose()
			Expect(slots.InUse()).To(Equal(2))
			Expect(subscribe(b, "v1/sine/r=3")).To(Equal(backend.SubscribeStreamStatusOK))
		})

		It("fails a stream Grafana restarts past the limits, so that Grafana tries again", func() {
			inst := open("a", `{"maxStreams":1}`)
			Expect(subscribe(inst, "v1/sine/r=1")).To(Equal(backend.SubscribeStreamStatusOK))
			err := inst.RunStream(context.Background(), &backend.RunStreamRequest{Path: "v1/sine/r=2"}, backend.NewStreamSender(packets(make(chan *backend.StreamPacket, 1))))
			Expect(err).To(MatchError(streaming.ErrTooManyStreams))
			Expect(err.Error()).To(ContainSubstring("maxStreams"))
			Expect(refused("data_source")).To(Equal(1.0))
		})

		It("quotes at most a short prefix of a huge path in a stream's error", func() {
			path := "v1/sine/" + strings.Repeat("x", 1<<20)
			err := open("a", `{}`).RunStream(context.Background(), &backend.RunStreamRequest{Path: path}, backend.NewStreamSender(packets(make(chan *backend.StreamPacket, 1))))
			Expect(err).To(HaveOccurred())
			Expect(len(err.Error())).To(BeNumerically("<", 300))
		})
	})

	Describe("a request", func() {
		day := backend.TimeRange{From: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)}
		widest := `{"stepMs":1,"seriesCount":16}` // 100 000 rows × 16 series at most: 1 600 000 points
		request := func(n int, query string) *backend.QueryDataRequest {
			req := &backend.QueryDataRequest{}
			for i := range n {
				req.Queries = append(req.Queries, backend.DataQuery{RefID: fmt.Sprintf("Q%02d", i), JSON: json.RawMessage(query), TimeRange: day, MaxDataPoints: 1_000_000_000})
			}
			return req
		}

		It("computes at most MaxRequestPoints points, and tells the queries past the budget why they got none", func() {
			resp, err := open("a", `{}`).QueryData(context.Background(), request(4, widest))
			Expect(err).NotTo(HaveOccurred())
			first := resp.Responses["Q00"]
			Expect(first.Error).NotTo(HaveOccurred())
			rows := first.Frames[0].Rows()
			Expect(rows).To(BeNumerically("~", signals.MaxBackfillRows, signals.MaxBackfillRows/100), "a day at 1 ms, thinned to fit")
			points := rows * 16
			for _, refID := range []string{"Q01", "Q02", "Q03"} {
				r := resp.Responses[refID]
				Expect(r.Frames).To(BeEmpty())
				Expect(r.Status).To(Equal(backend.StatusBadRequest))
				Expect(r.Error).To(MatchError(fmt.Sprintf("this request asks for %d points across its queries (this one %d); the limit is 2000000 per request: "+
					"narrow the time range, lower maxDataPoints or the series, or split the queries", 4*points, points)))
			}
			Expect(testutil.ToFloat64(metrics.QueriesRefused)).To(Equal(3.0))
		})

		It("still answers small queries after a query that did not fit", func() {
			req := request(2, widest)
			req.Queries = append(req.Queries, backend.DataQuery{RefID: "small", JSON: json.RawMessage(`{"stepMs":60000}`), TimeRange: day, MaxDataPoints: 1000})
			resp, err := open("a", `{}`).QueryData(context.Background(), req)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Responses["Q01"].Error).To(HaveOccurred())
			Expect(resp.Responses["small"].Error).NotTo(HaveOccurred())
			Expect(resp.Responses["small"].Frames[0].Rows()).To(Equal(721), "a day of minutes, every second one")
		})

		It("computes nothing for a request cancelled before it starts", func() {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			resp, err := open("a", `{}`).QueryData(ctx, request(3, widest))
			Expect(err).NotTo(HaveOccurred())
			for _, r := range resp.Responses {
				Expect(r.Frames).To(BeEmpty())
				Expect(r.Status).To(Equal(backend.StatusTimeout))
				Expect(r.Error).To(MatchError(ContainSubstring("the request was cancelled")))
			}
		})

		It("stops computing when the request is cancelled midway", func(ctx SpecContext) {
			// One widest query takes a good part of a second; cancelling
			// after a few milliseconds finds it computing.
			reqCtx, cancel := context.WithCancel(ctx)
			done := make(chan *backend.QueryDataResponse, 1)
			go func() {
				defer GinkgoRecover()
				resp, err := open("a", `{}`).QueryData(reqCtx, request(1, `{"stepMs":1,"seriesCount":16,"kind":"sine"}`))
				Expect(err).NotTo(HaveOccurred())
				done <- resp
			}()
			time.Sleep(5 * time.Millisecond)
			cancel()
			var resp *backend.QueryDataResponse
			Eventually(done).WithTimeout(10 * time.Second).Should(Receive(&resp))
			r := resp.Responses["Q00"]
			if r.Error == nil {
				Skip("the query finished within 5 ms; nothing to cancel on this machine")
			}
			Expect(r.Error).To(MatchError(ContainSubstring("the request was cancelled")))
		}, SpecTimeout(30*time.Second))
	})

	Describe("unknown query fields", func() {
		It("are named in a warning notice on the frame, and the query still runs", func() {
			resp, err := open("a", `{}`).QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
				RefID: "A", JSON: json.RawMessage(`{"refId":"A","datasource":{"uid":"a"},"intervalMs":1000,"maxDataPoints":10,"stepMS":5,"withStreaming":true}`),
				TimeRange: backend.TimeRange{From: time.Unix(0, 0), To: time.Unix(10, 0)}, MaxDataPoints: 10,
			}}})
			Expect(err).NotTo(HaveOccurred())
			r := resp.Responses["A"]
			Expect(r.Error).NotTo(HaveOccurred())
			Expect(r.Frames[0].Meta.Notices).To(Equal([]data.Notice{{Severity: data.NoticeSeverityWarning, Text: `unknown query field "stepMS" is ignored; check its spelling`}}))
			Expect(r.Frames[0].Meta.Channel).To(Equal("ds/a/v1/randomWalk"), "the channel is still named")
		})

		It("are named five at most", func() {
			resp, err := open("a", `{}`).QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
				RefID: "A", JSON: json.RawMessage(`{"a":1,"b":1,"c":1,"d":1,"e":1,"f":1,"g":1}`),
				TimeRange: backend.TimeRange{From: time.Unix(0, 0), To: time.Unix(10, 0)},
			}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Responses["A"].Frames[0].Meta.Notices[0].Text).To(Equal(`unknown query fields "a", "b", "c", "d", "e" and 2 more are ignored; check their spelling`))
		})

		It("leave a frame without notices when there are none", func() {
			resp, err := open("a", `{}`).QueryData(context.Background(), &backend.QueryDataRequest{Queries: []backend.DataQuery{{
				RefID: "A", JSON: json.RawMessage(`{"refId":"A","hide":false,"key":"x","queryType":""}`),
				TimeRange: backend.TimeRange{From: time.Unix(0, 0), To: time.Unix(10, 0)},
			}}})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.Responses["A"].Frames[0].Meta).To(BeNil())
		})
	})
})
