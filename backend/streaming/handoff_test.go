package streaming_test

import (
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

var _ = Describe("Handoffs", func() {
	const path = "v1/counter/s=100"
	var (
		h   *streaming.Handoffs
		now time.Time
	)
	BeforeEach(func() {
		h = streaming.NewHandoffs()
		now = start
	})

	It("starts a stream with nothing to continue from when no viewer was admitted", func() {
		Expect(h.Start(path, now)).To(BeZero())
	})

	It("gives a viewer rows up to now, and a stream starting soon after continues from there", func() {
		h.Admit(path, now)
		Expect(h.Start(path, now.Add(250*time.Millisecond))).To(Equal(now), "no point between the admission and the stream is lost")
	})

	It("continues a stream from the newest row any viewer has, given or sent", func() {
		h.Admit(path, now)
		h.Start(path, now)
		h.Sent(path, now.Add(300*time.Millisecond))
		h.Admit(path, now.Add(380*time.Millisecond))
		h.Sent(path, now.Add(350*time.Millisecond))
		h.Stop(path)
		Expect(h.Start(path, now.Add(time.Second))).To(Equal(now.Add(380 * time.Millisecond)))
	})

	It("continues a restarted stream from what the last one sent", func() {
		h.Start(path, now)
		h.Sent(path, now.Add(time.Second))
		h.Stop(path)
		Expect(h.Start(path, now.Add(1500*time.Millisecond))).To(Equal(now.Add(time.Second)))
	})

	It("starts a stream from now when what the viewers have is older than MaxHandoffAge", func() {
		h.Admit(path, now)
		Expect(h.Start(path, now.Add(streaming.MaxHandoffAge+time.Millisecond))).To(BeZero())
	})

	It("keeps channels apart", func() {
		h.Admit(path, now)
		Expect(h.Start("v1/counter/s=200", now)).To(BeZero())
	})

	It("forgets stale channels no stream runs, and keeps running ones", func() {
		for i := range 100 {
			h.Admit(fmt.Sprintf("v1/counter/o=%d", i), now)
		}
		h.Start(path, now)
		Expect(h.Len()).To(Equal(101))
		h.Admit("v1/sine", now.Add(2*streaming.MaxHandoffAge))
		Expect(h.Len()).To(Equal(2), "the running stream's channel and the new one")
	})
})
