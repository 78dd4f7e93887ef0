package hostspec_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// The hardening limits, through the built plugin as Grafana drives it: a
// data source's maxStreams, the process's cap, a request's point budget,
// unknown query fields, canonical -0 and short error text.
var _ = Describe("Limits", func() {
	// seed is a seed no other spec (or earlier run) uses, so that these
	// specs' channels are new to the plugin.
	seed := func() int { return 1 + rand.IntN(900_000_000) }

	subscribe := func(ctx context.Context, h *pluginhost.Host, ds pluginhost.Instance, path string) pluginv2.SubscribeStreamResponse_Status {
		GinkgoHelper()
		resp, err := h.Stream.SubscribeStream(ctx, ds.SubscribeStreamRequest(path))
		Expect(err).NotTo(HaveOccurred(), "a refusal is a status, not a failed call")
		return resp.GetStatus()
	}
	refused := func(ctx context.Context, h *pluginhost.Host, ds pluginhost.Instance, limit string) float64 {
		GinkgoHelper()
		resp, err := h.Diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{PluginContext: ds.PluginContext()})
		Expect(err).NotTo(HaveOccurred())
		sample := regexp.MustCompile(`(?m)^pulse_stream_refused_total\{limit="` + limit + `"\} (\S+)$`)
		m := sample.FindStringSubmatch(string(resp.GetMetrics().GetPrometheus()))
		Expect(m).NotTo(BeNil(), "the sample of limit %s", limit)
		v, err := strconv.ParseFloat(m[1], 64)
		Expect(err).NotTo(HaveOccurred())
		return v
	}

	It("refuses a viewer of a new channel past the data source's maxStreams with PermissionDenied, and counts it", func(ctx SpecContext) {
		ds := instance(fmt.Sprintf("limits-max-streams-%d", seed()), `{"maxStreams":2}`)
		base := seed()
		before := refused(ctx, host, ds, "data_source")
		Expect(subscribe(ctx, host, ds, fmt.Sprintf("v1/sine/r=%d", base))).To(Equal(pluginv2.SubscribeStreamResponse_OK))
		Expect(subscribe(ctx, host, ds, fmt.Sprintf("v1/sine/r=%d", base+1))).To(Equal(pluginv2.SubscribeStreamResponse_OK))
		Expect(subscribe(ctx, host, ds, fmt.Sprintf("v1/sine/r=%d", base+2))).To(Equal(pluginv2.SubscribeStreamResponse_PERMISSION_DENIED))
		Expect(subscribe(ctx, host, ds, fmt.Sprintf("v1/sine/r=%d", base))).To(Equal(pluginv2.SubscribeStreamResponse_OK), "another viewer of a streamed channel")
		Expect(refused(ctx, host, ds, "data_source") - before).To(Equal(1.0))

		health, err := host.Diagnostics.CheckHealth(ctx, ds.CheckHealthRequest())
		Expect(err).NotTo(HaveOccurred())
		Expect(health.GetMessage()).To(ContainSubstring("up to 2 streams at once"))
	})

	It("caps the channels of all data sources of one plugin process (PULSE_PROCESS_MAX_STREAMS)", func(ctx SpecContext) {
		capped, err := pluginhost.Start(ctx, pluginhost.Options{Binary: binaryPath, LogOutput: GinkgoWriter, Env: []string{"PULSE_PROCESS_MAX_STREAMS=3"}})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(capped.Close)
		a, b := instance("limits-process-a", `{}`), instance("limits-process-b", `{}`)
		Expect(subscribe(ctx, capped, a, "v1/sine/r=1")).To(Equal(pluginv2.SubscribeStreamResponse_OK))
		Expect(subscribe(ctx, capped, a, "v1/sine/r=2")).To(Equal(pluginv2.SubscribeStreamResponse_OK))
		Expect(subscribe(ctx, capped, b, "v1/sine/r=1")).To(Equal(pluginv2.SubscribeStreamResponse_OK))
		Expect(subscribe(ctx, capped, b, "v1/sine/r=2")).To(Equal(pluginv2.SubscribeStreamResponse_PERMISSION_DENIED))
		Expect(subscribe(ctx, capped, a, "v1/sine/r=3")).To(Equal(pluginv2.SubscribeStreamResponse_PERMISSION_DENIED))
		Expect(refused(ctx, capped, a, "process")).To(Equal(2.0))
		Expect(refused(ctx, capped, a, "data_source")).To(BeZero())
	})

	It("will not start with a process cap that is not a number, and says why", func(ctx SpecContext) {
		stderr := &lockedBuffer{}
		_, err := pluginhost.Start(ctx, pluginhost.Options{Binary: binaryPath, Stderr: stderr, Env: []string{"PULSE_PROCESS_MAX_STREAMS=lots"}, StartTimeout: time.Minute})
		Expect(err).To(HaveOccurred())
		Eventually(stderr.String).WithTimeout(streamTimeout).Should(ContainSubstring(`PULSE_PROCESS_MAX_STREAMS must be a whole number from 1 to 1000000, got \"lots\"`))
	})

	It("bounds a request: queries past 2 000 000 points get an error saying so, the others their frames", func(ctx SpecContext) {
		day := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
		queries := []pluginhost.Query{}
		for n := range 3 {
			queries = append(queries, pluginhost.Query{
				RefID: fmt.Sprintf("W%d", n), JSON: `{"stepMs":1,"seriesCount":16}`, From: day, To: day.Add(24 * time.Hour), MaxDataPoints: 1_000_000_000,
			})
		}
		queries = append(queries, pluginhost.Query{RefID: "small", JSON: `{"kind":"sine"}`, From: day, To: day.Add(time.Minute), MaxDataPoints: 1000})
		responses := queryAll(ctx, defaultDS, queries...)
		Expect(responses["W0"].GetError()).To(BeEmpty())
		for _, refID := range []string{"W1", "W2"} {
			Expect(responses[refID].GetFrames()).To(BeEmpty())
			Expect(responses[refID].GetStatus()).To(BeEquivalentTo(400))
			Expect(responses[refID].GetError()).To(MatchRegexp(`^this request asks for \d+ points across its queries \(this one \d+\); the limit is 2000000 per request`))
		}
		Expect(responses["small"].GetError()).To(BeEmpty())
		healthy(ctx)
	})

	It("warns on the frame about query fields it does not know, and still answers", func(ctx SpecContext) {
		f := queryFrame(ctx, defaultDS, pluginhost.Query{JSON: `{"kind":"sine","stepMS":5}`, From: time.Unix(0, 0), To: time.Unix(60, 0), MaxDataPoints: 100})
		Expect(f.Meta).NotTo(BeNil())
		Expect(f.Meta.Notices).To(Equal([]data.Notice{{Severity: data.NoticeSeverityWarning, Text: `unknown query field "stepMS" is ignored; check its spelling`}}))
		Expect(rowsOf(f)).To(HaveLen(61), "the default step: the misspelt field changed nothing")
	})

	It("gives -0 no channel of its own", func(ctx SpecContext) {
		f := queryFrame(ctx, defaultDS, pluginhost.Query{JSON: `{"offset":-0,"amplitude":-0.0,"withStreaming":true}`, From: time.Unix(0, 0), To: time.Unix(5, 0)})
		Expect(f.Meta.Channel).To(Equal(defaultDS.ChannelPrefix() + "v1/randomWalk/a=0"))
		for _, path := range []string{"v1/randomWalk/o=-0", "v1/randomWalk/a=-0", "v1/randomWalk/a=0/o=-0"} {
			Expect(subscribe(ctx, host, defaultDS, path)).To(Equal(pluginv2.SubscribeStreamResponse_NOT_FOUND), path)
		}
	})

	It("logs at most a short prefix of a huge path", func(ctx SpecContext) {
		marker := fmt.Sprintf("huge%d", seed())
		path := "v1/sine/" + marker + strings.Repeat("x", 1<<20)
		Expect(subscribe(ctx, host, defaultDS, path)).To(Equal(pluginv2.SubscribeStreamResponse_NOT_FOUND))
		stream, err := host.RunStream(ctx, defaultDS.RunStreamRequest(path))
		if err == nil {
			_, err = stream.Next()
		}
		Expect(err).To(HaveOccurred())
		Expect(len(err.Error())).To(BeNumerically("<", 1000), "the stream's error quotes a prefix")
		Eventually(pluginStderr.String).WithTimeout(streamTimeout).Should(ContainSubstring(marker), "the refusals are logged")
		for _, line := range strings.Split(pluginStderr.String(), "\n") {
			if strings.Contains(line, marker) {
				Expect(len(line)).To(BeNumerically("<", 1000), "a log line quotes a prefix of the path")
			}
		}
	})
})
