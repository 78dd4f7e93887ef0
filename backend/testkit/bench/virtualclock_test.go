package bench_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

var _ = Describe("VirtualClock", func() {
	start := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

	It("reads its start until something waits", func() {
		c := bench.NewVirtualClock(start)
		Expect(c.Now()).To(Equal(start))
		Expect(c.Now()).To(Equal(start))
	})

	It("advances by what After waits for and is ready at once with the new time", func() {
		c := bench.NewVirtualClock(start)
		ready := c.After(100 * time.Millisecond)
		Expect(ready).To(Receive(Equal(start.Add(100 * time.Millisecond))))
		Expect(c.Now()).To(Equal(start.Add(100 * time.Millisecond)))
		Expect(c.After(time.Second)).To(Receive(Equal(start.Add(1100 * time.Millisecond))))
	})

	It("does not move for a wait of zero or less, yet is ready", func() {
		c := bench.NewVirtualClock(start)
		Expect(c.After(0)).To(Receive(Equal(start)))
		Expect(c.After(-time.Second)).To(Receive(Equal(start)))
		Expect(c.Now()).To(Equal(start))
	})
})
