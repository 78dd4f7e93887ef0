package main

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("a room's hub", func() {
	reading := func(seq uint64) event { return event{seq: seq, payload: []byte{byte(seq)}} }
	seqsOf := func(evs []event) []uint64 {
		var out []uint64
		for _, ev := range evs {
			out = append(out, ev.seq)
		}
		return out
	}

	It("keeps the last readings, not the bad payloads, and gives those after an id to a client that resumes", func() {
		h := newHub(3)
		l := newListener()
		backlog, oldest := h.subscribe(l, 0, true)
		Expect(backlog).To(BeEmpty())
		Expect(oldest).To(BeZero())
		for seq := uint64(1); seq <= 5; seq++ {
			h.publish(reading(seq))
		}
		h.publish(event{payload: []byte("NaN"), bad: true})
		Expect(l.ch).To(HaveLen(6), "a client gets every event, bad ones too")

		backlog, oldest = h.subscribe(newListener(), 3, true)
		Expect(seqsOf(backlog)).To(Equal([]uint64{4, 5}))
		Expect(oldest).To(Equal(uint64(3)))
		backlog, _ = h.subscribe(newListener(), 0, true)
		Expect(seqsOf(backlog)).To(Equal([]uint64{3, 4, 5}), "only the last 3 are kept")
		backlog, _ = h.subscribe(newListener(), 0, false)
		Expect(backlog).To(BeEmpty(), "a client that does not resume gets live events only")
		backlog, _ = h.subscribe(newListener(), 9, true)
		Expect(backlog).To(BeEmpty(), "an id ahead of the hub")
		Expect(h.clients()).To(Equal(5))
	})

	It("cuts off a client that falls behind, and no other", func() {
		h := newHub(10)
		slow, fast := newListener(), newListener()
		h.subscribe(slow, 0, false)
		h.subscribe(fast, 0, false)
		for seq := uint64(1); seq <= listenerBuffer+1; seq++ {
			h.publish(reading(seq))
			<-fast.ch
		}
		Expect(slow.gone).To(BeClosed())
		Expect(fast.gone).NotTo(BeClosed())
		Expect(h.clients()).To(Equal(1))
		h.unsubscribe(fast)
		h.unsubscribe(fast) // twice is harmless
		Expect(h.clients()).To(BeZero())
	})
})
