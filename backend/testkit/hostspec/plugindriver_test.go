package hostspec_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract/plugindriver"
)

// The plugin driver plays Grafana's stream manager for the contract; these
// specs hold it to that.
var _ = Describe("The contract's plugin driver", func() {
	It("runs one stream per channel for all its viewers, and stops it when the last leaves", Serial, func(ctx SpecContext) {
		d := plugindriver.New(host, defaultDS)
		DeferCleanup(d.Close)
		channel := defaultDS.ChannelPrefix() + "v1/counter/s=100/o=41"
		active := func(ctx context.Context) int { return activeStreams(ctx, d) }
		first, second := twoViewersOneStream(ctx, d, channel)

		first.Close()
		first.Close()
		Consistently(active).WithContext(ctx).WithTimeout(300*time.Millisecond).Should(Equal(1), "a viewer is left")
		second.Close()
		Eventually(active).WithContext(ctx).WithTimeout(streamTimeout).Should(BeZero())
	}, SpecTimeout(3*streamTimeout))

	It("refuses a channel of another data source, and any channel once closed", func(ctx SpecContext) {
		d := plugindriver.New(host, defaultDS)
		_, err := d.Subscribe(ctx, strictDS.ChannelPrefix()+"v1/sine")
		Expect(err).To(MatchError(ContainSubstring("not a channel of data source " + defaultDS.UID)))

		sub, err := d.Subscribe(ctx, defaultDS.ChannelPrefix()+"v1/sine/o=42")
		Expect(err).NotTo(HaveOccurred())
		d.Close()
		_, err = sub.Next(ctx)
		Expect(err).To(MatchError(ContainSubstring("closed")), "closing the driver closed its subscriptions")
		_, err = d.Subscribe(ctx, defaultDS.ChannelPrefix()+"v1/sine")
		Expect(err).To(MatchError(ContainSubstring("the driver is closed")))
	}, SpecTimeout(2*streamTimeout))
})
