package hostspec_test

import (
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// The contract (contract_test.go) covers the common answers; these are the
// paths only the plugin meets, and the data source's own limits.
var _ = Describe("SubscribeStream", func() {
	DescribeTable("answers for a channel path",
		func(ctx SpecContext, ds pluginhost.Instance, path string, want pluginv2.SubscribeStreamResponse_Status) {
			resp, err := host.Stream.SubscribeStream(ctx, ds.SubscribeStreamRequest(path))
			Expect(err).NotTo(HaveOccurred(), "a refusal is a status, not a failed call")
			Expect(resp.GetStatus()).To(Equal(want), "path %q", path)
			Expect(host.Exited()).To(BeFalse())
		},
		Entry("OK: every parameter", defaultDS, "v1/sawtooth/s=250/p=1000/a=2.5/o=-0.5/r=7/n=2", pluginv2.SubscribeStreamResponse_OK),
		Entry("OK: a step at the data source's minStepMs", strictDS, "v1/sine/s=500", pluginv2.SubscribeStreamResponse_OK),
		Entry("OK: the default step above minStepMs", strictDS, "v1/counter/n=4", pluginv2.SubscribeStreamResponse_OK),

		Entry("NotFound: a number that is not one", defaultDS, "v1/sine/s=abc", pluginv2.SubscribeStreamResponse_NOT_FOUND),
		Entry("NotFound: an unknown parameter", defaultDS, "v1/sine/zz=1", pluginv2.SubscribeStreamResponse_NOT_FOUND),
		Entry("NotFound: the empty path", defaultDS, "", pluginv2.SubscribeStreamResponse_NOT_FOUND),
		Entry("NotFound: parameters out of order (not canonical)", defaultDS, "v1/sine/p=5000/s=100", pluginv2.SubscribeStreamResponse_NOT_FOUND),
		Entry("NotFound: a parameter twice", defaultDS, "v1/sine/s=100/s=100", pluginv2.SubscribeStreamResponse_NOT_FOUND),
		Entry("NotFound: a number with + (not canonical)", defaultDS, "v1/square/a=1e+06", pluginv2.SubscribeStreamResponse_NOT_FOUND),
		Entry("NotFound: a trailing slash", defaultDS, "v1/sine/", pluginv2.SubscribeStreamResponse_NOT_FOUND),
		Entry("NotFound: no kind", defaultDS, "v1", pluginv2.SubscribeStreamResponse_NOT_FOUND),

		Entry("PermissionDenied: a period below 10 ms", defaultDS, "v1/sine/p=5", pluginv2.SubscribeStreamResponse_PERMISSION_DENIED),
		Entry("PermissionDenied: a step below the data source's minStepMs", strictDS, "v1/sine/s=100", pluginv2.SubscribeStreamResponse_PERMISSION_DENIED),
		Entry("PermissionDenied: more series than the data source's maxSeries", strictDS, "v1/sine/n=5", pluginv2.SubscribeStreamResponse_PERMISSION_DENIED),
	)

	It("never admits, and never crashes on, paths Pulse does not write", func(ctx SpecContext) {
		long := "v1/sine"
		for len(long) < 10_000 {
			long += "/s=100"
		}
		for _, path := range []string{
			"v1/sine/s=99999999999999999999", "v1/sine/s=-0", "v1/sine/s=1.5", "v1/sine/a=NaN", "v1/sine/a=Inf",
			"v1/sine/o=1e400", "v1/sine/a=-1", "v1//sine", "/v1/sine", "v1/sine//", "v1/sine/s", "v1/sine/s=",
			"v1/sine/=100", "v1/SINE", "v1/sine/s=100/extra", "v1/sine/s=100%2F", "v1/sine/\u0000", "v1/ßine",
			"ds/pulse-default/v1/sine", long,
		} {
			resp, err := host.Stream.SubscribeStream(ctx, defaultDS.SubscribeStreamRequest(path))
			Expect(err).NotTo(HaveOccurred(), "path %.80q", path)
			Expect(resp.GetStatus()).To(BeElementOf(pluginv2.SubscribeStreamResponse_NOT_FOUND, pluginv2.SubscribeStreamResponse_PERMISSION_DENIED),
				"path %.80q", path)
		}
		healthy(ctx)
	})

	It("refuses every channel of a data source whose settings are invalid, without crashing", func(ctx SpecContext) {
		ds := instance("subscribe-bad-settings", `{"minStepMs":"fast"}`)
		resp, err := host.Stream.SubscribeStream(ctx, ds.SubscribeStreamRequest("v1/randomWalk"))
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.GetStatus()).NotTo(Equal(pluginv2.SubscribeStreamResponse_OK))
		healthy(ctx)
	})
})

var _ = Describe("PublishStream", func() {
	It("is refused: Pulse's channels are written by Pulse only", func(ctx SpecContext) {
		resp, err := host.Stream.PublishStream(ctx, defaultDS.PublishStreamRequest("v1/randomWalk", []byte(`{"value":1}`)))
		Expect(err).NotTo(HaveOccurred())
		Expect(resp.GetStatus()).To(Equal(pluginv2.PublishStreamResponse_PERMISSION_DENIED))
	})
})
