package contract

import (
	"context"
	"errors"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func describeSubscriptions(driver func() Driver) {
	Describe("a subscription", func() {
		DescribeTable("is admitted, with the schema, to a channel Pulse serves",
			func(ctx SpecContext, path string) {
				sub := subscribe(ctx, driver(), channelOf(driver(), path))
				initial, ok := sub.Initial()
				Expect(ok).To(BeTrue(), "the admission carries data")
				Expect(initial.HasSchema).To(BeTrue(), "the admission's data carries the schema")
			},
			Entry("every default", "v1/randomWalk"),
			Entry("the documented example", "v1/sine/s=100/p=5000/n=3"),
			Entry("every parameter", "v1/sawtooth/s=250/p=1000/a=2.5/o=-0.5/r=7/n=2/f=200"),
		)

		DescribeTable("is refused for a channel Pulse does not serve",
			func(ctx SpecContext, path string, want backend.SubscribeStreamStatus) {
				ctx2, cancel := context.WithTimeout(ctx, callTimeout)
				defer cancel()
				sub, err := driver().Subscribe(ctx2, channelOf(driver(), path))
				if err == nil {
					sub.Close()
				}
				var refused *RefusedError
				Expect(errors.As(err, &refused)).To(BeTrue(), "a refusal, not %v", err)
				Expect(StatusName(refused.Status)).To(Equal(StatusName(want)), err.Error())
			},
			Entry("NotFound: an unknown kind", "v1/nope", backend.SubscribeStreamStatusNotFound),
			Entry("NotFound: an unknown version", "v9/sine", backend.SubscribeStreamStatusNotFound),
			Entry("NotFound: a default spelt out (not canonical)", "v1/sine/s=1000", backend.SubscribeStreamStatusNotFound),
			Entry("PermissionDenied: stepMs 0", "v1/sine/s=0", backend.SubscribeStreamStatusPermissionDenied),
			Entry("PermissionDenied: more series than maxSeries", "v1/sine/n=17", backend.SubscribeStreamStatusPermissionDenied),
		)
	})
}
