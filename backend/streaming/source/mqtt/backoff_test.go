package mqtt_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt"
)

var _ = Describe("The reconnect backoff", func() {
	const ms = time.Millisecond

	It("goes at once, then waits 100 ms doubling to 10 s, with jitter between half and all of it", func() {
		b := mqtt.NewBackoff(0, 0)
		Expect(b.Delay(0, 0.5)).To(BeZero())
		want := []time.Duration{100 * ms, 200 * ms, 400 * ms, 800 * ms, 1600 * ms, 3200 * ms, 6400 * ms, 10 * time.Second, 10 * time.Second}
		for i, d := range want {
			n := i + 1
			Expect(b.Delay(n, 0)).To(Equal(d/2), "after %d failures", n)
			Expect(b.Delay(n, 0.999999)).To(BeNumerically("~", d, time.Millisecond), "after %d failures", n)
		}
		Expect(b.Delay(1_000_000, 0.999999)).To(BeNumerically("<=", 10*time.Second))
	})

	It("counts failed attempts, and a connection that ended soon, and starts again after a long one", func() {
		b := mqtt.NewBackoff(100*ms, 10*time.Second)
		Expect(b.Next()).To(BeZero())
		b.Failed()
		Expect(b.Next()).To(BeNumerically("~", 75*ms, 25*ms))
		b.Failed()
		Expect(b.Next()).To(BeNumerically("~", 150*ms, 50*ms))

		now := time.Now()
		b.Up(now)
		b.Down(now.Add(time.Second)) // a short connection counts as a failure
		Expect(b.Next()).To(BeNumerically("~", 300*ms, 100*ms))

		b.Up(now)
		b.Down(now.Add(time.Minute)) // a long one starts the count again
		Expect(b.Next()).To(BeZero())
	})
})
