package websocket_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/websocket"
)

var _ = Describe("The reconnect backoff", func() {
	const ms = time.Millisecond
	DescribeTable("waits min·2^(n-1) after n failures, at most max, jittered between half and all of it",
		func(n int, r float64, want time.Duration) {
			Expect(websocket.BackoffDelay(100*ms, 10*time.Second, n, r)).To(BeNumerically("~", want, time.Microsecond))
		},
		Entry("the first attempt at once", 0, 0.5, time.Duration(0)),
		Entry("one failure, least jitter", 1, 0.0, 50*ms),
		Entry("one failure, most jitter", 1, 0.999999999, 100*ms),
		Entry("three failures", 3, 0.0, 200*ms),
		Entry("capped at max", 20, 0.999999999, 10*time.Second),
		Entry("a huge count stays capped", 1<<30, 0.0, 5*time.Second),
	)

	It("counts a short connection as a failure, and starts again after one that stayed up for max", func() {
		Expect(websocket.BackoffAfter(100*ms, 10*time.Second, 3, time.Second)).To(BeNumerically("~", 800*ms, ms))
		Expect(websocket.BackoffAfter(100*ms, 10*time.Second, 3, 10*time.Second)).To(BeNumerically("~", 100*ms, ms))
	})
})
