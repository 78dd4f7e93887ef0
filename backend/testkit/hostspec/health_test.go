package hostspec_test

import (
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("CheckHealth (Save & test)", func() {
	DescribeTable("valid settings are OK with a useful message",
		func(ctx SpecContext, uid, jsonData string) {
			resp, err := host.Diagnostics.CheckHealth(ctx, instance(uid, jsonData).CheckHealthRequest())
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_OK), resp.GetMessage())
			Expect(len(resp.GetMessage())).To(BeNumerically(">=", 10), "a message a person can read: %q", resp.GetMessage())
		},
		Entry("all fields set", "health-valid", `{"minStepMs":1,"maxSeries":16}`),
		Entry("strict limits", "health-strict", `{"minStepMs":500,"maxSeries":4}`),
		Entry("empty jsonData", "health-empty-object", `{}`),
		Entry("no jsonData at all", "health-no-json", ``),
		Entry("nulls take the defaults", "health-nulls", `{"minStepMs":null,"maxSeries":null}`),
		Entry("unknown fields are ignored", "health-unknown", `{"somethingElse":true}`),
	)

	DescribeTable("invalid settings are an ERROR that names the field in plain words, and the plugin survives",
		func(ctx SpecContext, uid, jsonData, mention string) {
			// mention is a regular expression the message must match.
			resp, err := host.Diagnostics.CheckHealth(ctx, instance(uid, jsonData).CheckHealthRequest())
			Expect(err).NotTo(HaveOccurred(), "a bad setting is a health result, not a failed call")
			Expect(resp.GetStatus()).To(Equal(pluginv2.CheckHealthResponse_ERROR), resp.GetMessage())
			Expect(resp.GetMessage()).To(MatchRegexp(mention))
			Expect(resp.GetMessage()).NotTo(ContainSubstring("panic"))
			healthy(ctx)
		},
		Entry("minStepMs of the wrong type", "health-bad-type", `{"minStepMs":"fast"}`, "minStepMs"),
		Entry("minStepMs below 1", "health-step-zero", `{"minStepMs":0}`, "minStepMs"),
		Entry("minStepMs above an hour", "health-step-big", `{"minStepMs":3600001}`, "minStepMs"),
		Entry("minStepMs not whole", "health-step-frac", `{"minStepMs":1.5}`, "minStepMs"),
		Entry("maxSeries above 16", "health-series-big", `{"maxSeries":99}`, "maxSeries"),
		Entry("maxSeries below 1", "health-series-zero", `{"maxSeries":0}`, "maxSeries"),
		Entry("malformed JSON", "health-malformed", `{`, "(?i)settings|json"),
		Entry("not an object", "health-array", `[1,2]`, "(?i)settings|json|object"),
	)
})
