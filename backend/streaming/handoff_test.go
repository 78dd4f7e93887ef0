package streaming_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// start is a time with a fraction of a millisecond.
var start = time.Date(2026, 11, 24, 12, 0, 0, 500_000, time.UTC)

var _ = Describe("Handoffs", func() {
	const path = "v1/counter/s=100"
	var (
		h   *streaming.Handoffs
		now time.Time
	)
	BeforeEach(func() {
		h = streaming.NewHandoffs(streaming.HandoffOptions{})
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

var _ = Describe("Stream limits", func() {
	var now time.Time
	BeforeEach(func() { now = start })

	channel := func(i int) string { return fmt.Sprintf("v1/counter/r=%d", i) }

	It("refuses a viewer of a new channel past the data source's limit, and admits viewers of tracked ones", func() {
		h := streaming.NewHandoffs(streaming.HandoffOptions{MaxChannels: 3})
		for i := range 3 {
			Expect(h.Admit(channel(i), now)).To(Succeed())
		}
		err := h.Admit(channel(3), now)
		Expect(err).To(MatchError(streaming.ErrTooManyStreams))
		var limit *streaming.StreamLimitError
		Expect(errors.As(err, &limit)).To(BeTrue())
		Expect(*limit).To(Equal(streaming.StreamLimitError{Scope: streaming.ScopeDataSource, Limit: 3}))
		Expect(err.Error()).To(ContainSubstring("maxStreams"))
		Expect(h.Admit(channel(1), now)).To(Succeed(), "a second viewer of a tracked channel costs nothing")
		_, err = h.Start(channel(4), now)
		Expect(err).To(MatchError(streaming.ErrTooManyStreams), "a stream Grafana restarts counts too")
	})

	It("admits a new channel again once a stale one is forgotten, without waiting for the periodic sweep", func() {
		h := streaming.NewHandoffs(streaming.HandoffOptions{MaxChannels: 2})
		Expect(h.Admit(channel(0), now)).To(Succeed())
		Expect(h.Start(channel(1), now)).To(BeZero())
		later := now.Add(streaming.MaxHandoffAge + time.Second)
		Expect(h.Admit(channel(2), later)).To(Succeed(), "channel 0 went stale and frees its place")
		Expect(h.Admit(channel(3), later)).To(MatchError(streaming.ErrTooManyStreams), "channel 1 streams, channel 2 is fresh")
		h.Sent(channel(1), later)
		h.Stop(channel(1))
		Expect(h.Admit(channel(3), later)).To(MatchError(streaming.ErrTooManyStreams), "a stopped stream's channel is kept for a restart")
		Expect(h.Admit(channel(3), later.Add(streaming.MaxHandoffAge+time.Second))).To(Succeed())
	})

	It("caps the channels of all data sources of a process together", func() {
		slots := streaming.NewStreamSlots(3)
		a := streaming.NewHandoffs(streaming.HandoffOptions{Slots: slots})
		b := streaming.NewHandoffs(streaming.HandoffOptions{Slots: slots})
		Expect(a.Admit(channel(0), now)).To(Succeed())
		Expect(a.Admit(channel(1), now)).To(Succeed())
		Expect(b.Admit(channel(0), now)).To(Succeed(), "the same path on another data source is another channel")
		err := b.Admit(channel(1), now)
		var limit *streaming.StreamLimitError
		Expect(errors.As(err, &limit)).To(BeTrue())
		Expect(*limit).To(Equal(streaming.StreamLimitError{Scope: streaming.ScopeProcess, Limit: 3}))
		Expect(slots.InUse()).To(Equal(3))

		later := now.Add(streaming.MaxHandoffAge + time.Second)
		Expect(b.Admit(channel(1), later)).To(Succeed(), "b forgets its own stale channel")
		Expect(slots.InUse()).To(Equal(3), "a's stale channels hold their slots until they are needed")
		Expect(b.Admit(channel(2), later)).To(Succeed(), "the other data source's stale channels free their slots")
		Expect(slots.InUse()).To(Equal(2), "b's two channels")
		Expect(a.Len()).To(BeZero())
	})

	It("frees a closed data source's slots, and those of its running streams when they stop", func() {
		slots := streaming.NewStreamSlots(0)
		Expect(slots.Max()).To(Equal(streaming.DefaultProcessMaxStreams))
		h := streaming.NewHandoffs(streaming.HandoffOptions{Slots: slots})
		Expect(h.Admit(channel(0), now)).To(Succeed())
		Expect(h.Start(channel(1), now)).To(BeZero())
		h.Close()
		Expect(slots.InUse()).To(Equal(1), "the running stream keeps its slot")
		Expect(h.Admit(channel(2), now)).To(MatchError(streaming.ErrHandoffsClosed))
		h.Sent(channel(1), now)
		h.Stop(channel(1))
		Expect(slots.InUse()).To(BeZero())
		Expect(h.Len()).To(BeZero())
	})

	It("counts refusals by the limit that refused them", func() {
		metrics, err := streaming.NewMetrics(prometheus.NewRegistry())
		Expect(err).NotTo(HaveOccurred())
		h := streaming.NewHandoffs(streaming.HandoffOptions{MaxChannels: 1, Slots: streaming.NewStreamSlots(2)})
		Expect(h.Admit(channel(0), now)).To(Succeed())
		metrics.RefusedStream(h.Admit(channel(1), now))
		metrics.RefusedStream(h.Admit(channel(2), now))
		other := streaming.NewHandoffs(streaming.HandoffOptions{Slots: streaming.NewStreamSlots(1)})
		Expect(other.Admit(channel(0), now)).To(Succeed())
		metrics.RefusedStream(other.Admit(channel(1), now))
		metrics.RefusedStream(errors.New("not a limit"))
		metrics.RefusedStream(nil)
		(*streaming.Metrics)(nil).RefusedStream(h.Admit(channel(3), now))
		Expect(testutil.ToFloat64(metrics.StreamsRefused.WithLabelValues("data_source"))).To(Equal(2.0))
		Expect(testutil.ToFloat64(metrics.StreamsRefused.WithLabelValues("process"))).To(Equal(1.0))
	})

	It("holds under concurrent viewers: never more channels than the limit, every slot accounted for", func() {
		slots := streaming.NewStreamSlots(50)
		sources := []*streaming.Handoffs{
			streaming.NewHandoffs(streaming.HandoffOptions{Slots: slots, MaxChannels: 40}),
			streaming.NewHandoffs(streaming.HandoffOptions{Slots: slots, MaxChannels: 40}),
		}
		var wg sync.WaitGroup
		var admitted atomic.Int64
		for g := range 8 {
			wg.Go(func() {
				for i := range 200 {
					h := sources[(g+i)%2]
					if h.Admit(channel(i), now.Add(time.Duration(i)*time.Second)) == nil {
						admitted.Add(1)
					}
				}
			})
		}
		wg.Wait()
		Expect(admitted.Load()).To(BeNumerically(">", 0))
		Expect(slots.InUse()).To(Equal(sources[0].Len() + sources[1].Len()))
		Expect(slots.InUse()).To(BeNumerically("<=", 50))
		Expect(sources[0].Len()).To(BeNumerically("<=", 40))
		for _, h := range sources {
			h.Close()
		}
		Expect(slots.InUse()).To(BeZero())
	})
})
