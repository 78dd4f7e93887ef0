package contract

import (
	"context"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func describeHealth(driver func() Driver) {
	Describe("the health check (Save & test)", func() {
		It("is OK and says what the data source allows: steps from 1 ms, up to 16 series", func(ctx SpecContext) {
			ctx2, cancel := context.WithTimeout(ctx, callTimeout)
			defer cancel()
			health, err := driver().CheckHealth(ctx2)
			Expect(err).NotTo(HaveOccurred())
			Expect(health.Status).To(Equal("OK"), health.Message)
			// The other specs assume these settings (provisioning's).
			Expect(health.Message).To(And(ContainSubstring(" 1 ms"), ContainSubstring(" 16 series")), "the data source's limits")
		})
	})
}
