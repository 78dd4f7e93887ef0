package hostspec_test

import (
	"context"
	"errors"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/contract/grafanadriver"
)

// The contract runs through the stand-in only as far as the stand-in
// behaves as Grafana does; these specs hold it to the parts the contract
// does not pin down.
var _ = Describe("The Grafana stand-in", func() {
	It("runs one stream per channel for all its viewers, keeps it for a viewer who comes back within the linger, and stops it after", Serial, func(ctx SpecContext) {
		d := standIn.Driver
		channel := defaultDS.ChannelPrefix() + "v1/counter/s=100/o=43"
		active := func(ctx context.Context) int { return activeStreams(ctx, d) }
		var back contract.Subscription
		// The viewer must be back within the linger. The stand-in arms its
		// wait no sooner than the last viewer's Close is called, so a
		// viewer admitted less than the linger after that call kept the
		// stream for sure; one admitted later (a loaded machine) proves
		// nothing, and the spec tries again.
		for attempt := 1; back == nil; attempt++ {
			Expect(attempt).To(BeNumerically("<=", 10), "could not come back within %s of leaving", unwatchedStreamLinger)
			first, second := twoViewersOneStream(ctx, d, channel)
			first.Close()
			left := time.Now()
			second.Close()
			sub, err := d.Subscribe(ctx, channel)
			Expect(err).NotTo(HaveOccurred())
			DeferCleanup(sub.Close)
			if away := time.Since(left); away >= unwatchedStreamLinger {
				GinkgoWriter.Printf("attempt %d: back after %s, not within the linger; again\n", attempt, away)
				sub.Close()
				continue
			}
			back = sub
		}
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
	}, SpecTimeout(10*streamTimeout))

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
