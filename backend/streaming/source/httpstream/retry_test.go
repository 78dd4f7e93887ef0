package httpstream_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/httpstream"
)

var _ = Describe("RetryDelay", func() {
	DescribeTable("keeps a server's retry within 100 ms and 60 s, and waits 3 s when it set none",
		func(server, want time.Duration) { Expect(httpstream.RetryDelay(server)).To(Equal(want)) },
		Entry("none", time.Duration(0), 3*time.Second),
		Entry("negative", -time.Second, 3*time.Second),
		Entry("1 ms", time.Millisecond, 100*time.Millisecond),
		Entry("the minimum", 100*time.Millisecond, 100*time.Millisecond),
		Entry("within", 1500*time.Millisecond, 1500*time.Millisecond),
		Entry("the maximum", time.Minute, time.Minute),
		Entry("an hour", time.Hour, time.Minute),
		Entry("the largest duration", time.Duration(1<<63-1), time.Minute),
	)

	It("names its bounds", func() {
		Expect(httpstream.MinRetryDelay).To(Equal(100 * time.Millisecond))
		Expect(httpstream.MaxRetryDelay).To(Equal(60 * time.Second))
		Expect(httpstream.DefaultRetryDelay).To(Equal(3 * time.Second))
	})
})
