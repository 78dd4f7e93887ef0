package hostspec_test

import (
	"context"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/grafana/grafana-plugin-sdk-go/live"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// channelOf runs model over the last minute on ds and returns the frame's
// meta.channel.
func channelOf(ctx context.Context, ds pluginhost.Instance, model string) string {
	GinkgoHelper()
	from, to := lastRange(time.Minute)
	f := queryFrame(ctx, ds, pluginhost.Query{JSON: model, From: from, To: to, MaxDataPoints: 100})
	Expect(f.Meta).NotTo(BeNil(), "a frame of a streaming query has meta")
	return f.Meta.Channel
}

// grafanaChannel asserts that channel is one Grafana accepts: a valid
// scope/namespace/path of at most 160 characters from [A-Za-z0-9_\-/=.].
func grafanaChannel(channel string) {
	GinkgoHelper()
	Expect(len(channel)).To(BeNumerically("<=", 160), channel)
	Expect(channel).To(MatchRegexp(`^[A-Za-z0-9_\-/=.]+$`))
	parsed, err := live.ParseChannel(channel)
	Expect(err).NotTo(HaveOccurred())
	Expect(parsed.IsValid()).To(BeTrue(), channel)
	Expect(parsed.Scope).To(Equal(live.ScopeDatasource))
}

var _ = Describe("QueryData with streaming: meta.channel", func() {
	DescribeTable("is ds/<uid>/<canonical path>: parameters only where they differ from the default, in the documented order",
		func(ctx SpecContext, model, path string) {
			channel := channelOf(ctx, defaultDS, model)
			Expect(channel).To(Equal("ds/" + defaultDS.UID + "/" + path))
			grafanaChannel(channel)
		},
		Entry("the documented example", `{"kind":"sine","stepMs":100,"periodMs":5000,"seriesCount":3,"withStreaming":true}`, "v1/sine/s=100/p=5000/n=3"),
		Entry("an empty query is a random walk", `{"withStreaming":true}`, "v1/randomWalk"),
		Entry("defaults spelt out are left out", `{"kind":"sine","stepMs":1000,"periodMs":60000,"amplitude":10,"offset":0,"seed":0,"seriesCount":1,"withStreaming":true}`, "v1/sine"),
		Entry("every parameter, in order", `{"withStreaming":true,"seriesCount":2,"seed":7,"offset":-0.5,"amplitude":2.5,"periodMs":1000,"stepMs":250,"kind":"sawtooth"}`, "v1/sawtooth/s=250/p=1000/a=2.5/o=-0.5/r=7/n=2"),
		Entry("numbers in their shortest exact form, without +", `{"kind":"square","amplitude":1000000,"offset":0.125,"withStreaming":true}`, "v1/square/a=1e06/o=0.125"),
		Entry("counter", `{"kind":"counter","stepMs":100,"withStreaming":true}`, "v1/counter/s=100"),
	)

	It("is the same for equal queries, whatever their refId, field order or spelt-out defaults", func(ctx SpecContext) {
		a := channelOf(ctx, defaultDS, `{"kind":"sine","stepMs":100,"withStreaming":true}`)
		b := channelOf(ctx, defaultDS, `{"withStreaming":true,"amplitude":10,"stepMs":100,"kind":"sine","refId":"Z"}`)
		Expect(b).To(Equal(a))
		c := channelOf(ctx, defaultDS, `{"kind":"sine","stepMs":200,"withStreaming":true}`)
		Expect(c).NotTo(Equal(a), "different queries, different channels")
	})

	It("fits Grafana's rules even at the extremes of every bound, with a 40-character uid", func(ctx SpecContext) {
		ds := instance(strings.Repeat("u", 40), `{}`)
		for _, model := range []string{
			`{"kind":"randomWalk","stepMs":3600000,"periodMs":86400000,"amplitude":123456789.123456,"offset":-999999999.987654,"seed":999999999,"seriesCount":16,"withStreaming":true}`,
			`{"kind":"sawtooth","stepMs":1,"periodMs":10,"amplitude":0.000001234567891,"offset":-0.000000987654321,"seed":1,"seriesCount":16,"withStreaming":true}`,
			`{"kind":"sine","amplitude":1000000000,"offset":-1000000000,"withStreaming":true}`,
		} {
			grafanaChannel(channelOf(ctx, ds, model))
		}
	})

	It("names a channel the data source accepts a subscription to", func(ctx SpecContext) {
		for _, model := range []string{
			`{"withStreaming":true}`,
			`{"kind":"sine","stepMs":100,"periodMs":5000,"seriesCount":3,"withStreaming":true}`,
			`{"kind":"sawtooth","stepMs":250,"periodMs":1000,"amplitude":2.5,"offset":-0.5,"seed":7,"seriesCount":2,"withStreaming":true}`,
			`{"kind":"square","amplitude":1000000,"offset":0.125,"withStreaming":true}`,
			`{"kind":"counter","amplitude":0.1,"offset":1e-7,"withStreaming":true}`,
		} {
			path := channelPath(defaultDS, channelOf(ctx, defaultDS, model))
			resp, err := host.Stream.SubscribeStream(ctx, defaultDS.SubscribeStreamRequest(path))
			Expect(err).NotTo(HaveOccurred())
			Expect(resp.GetStatus()).To(Equal(pluginv2.SubscribeStreamResponse_OK), "subscribing to %s from %s", path, model)
		}
	})
})
