package hostspec_test

import (
	"context"
	"errors"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/plugin/contract/grafanadriver"
)

// The contract runs through the stand-in only as far as the stand-in
// behaves as Grafana does; these specs hold it to the parts the contract
// does not pin down.
var _ = Describe("The Grafana stand-in", func() {
	It("runs one stream per channel for all its viewers, keeps it for a viewer who comes back within the linger, and stops it after", Serial, func(ctx SpecContext) {
		d := standIn.Driver
		channel := defaultDS.ChannelPrefix() + "v1/counter/s=100/o=43"
		active := func(ctx context.Context) int { return activeStreams(ctx, d) }
		first, second := twoViewersOneStream(ctx, d, channel)

		first.Close()
		second.Close()
		back, err := d.Subscribe(ctx, channel)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(back.Close)
		// A stream sends its schema once, first: a restarted one would
		// send it again.
		for until := time.Now().Add(2 * unwatchedStreamLinger); time.Now().Before(until); {
			p, err := back.Next(ctx)
			Expect(err).NotTo(HaveOccurred())
			Expect(p.HasSchema).To(BeFalse(), "the stream carried on rather than started again")
		}
		Expect(active(ctx)).To(Equal(1))

		back.Close()
		Eventually(active).WithContext(ctx).WithTimeout(streamTimeout).Should(BeZero())
	}, SpecTimeout(3*streamTimeout))

	It("asks for Grafana's credentials on the HTTP API and on the WebSocket upgrade", func(ctx SpecContext) {
		d := standIn.driverAs(grafanaLikeUser, "wrong")
		unauthorized := func(err error) {
			GinkgoHelper()
			var refused *grafanadriver.APIError
			Expect(errors.As(err, &refused)).To(BeTrue(), "Grafana's answer, not %v", err)
			Expect(refused.Status).To(Equal(http.StatusUnauthorized))
			Expect(refused.Message).To(Equal("Unauthorized"))
		}
		_, err := d.CheckHealth(ctx)
		unauthorized(err)
		_, err = d.Subscribe(ctx, defaultDS.ChannelPrefix()+"v1/sine")
		unauthorized(err)
	}, SpecTimeout(streamTimeout))
})
