package contract_test

import (
	"context"
	"errors"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ = Describe("FrameQueue", func() {
	frame := func(include data.FrameInclude, ms ...int64) []byte {
		times, values := make([]time.Time, len(ms)), make([]float64, len(ms))
		for i, m := range ms {
			times[i], values[i] = time.UnixMilli(m).UTC(), float64(m)
		}
		b, err := data.FrameToJSON(data.NewFrame("", data.NewField("time", nil, times), data.NewField("value", nil, values)), include)
		Expect(err).NotTo(HaveOccurred())
		return b
	}
	next := func(q *contract.FrameQueue) []pluginhost.Row {
		GinkgoHelper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		p, err := q.Next(ctx)
		Expect(err).NotTo(HaveOccurred())
		rows, err := pluginhost.Rows(p.Frame)
		Expect(err).NotTo(HaveOccurred())
		return rows
	}

	It("decodes data-only frames, in order, under the admission's schema", func() {
		q := contract.NewFrameQueue("ds/x/v1/counter", 0)
		initial, ok, err := q.Admit(frame(data.IncludeAll, 100))
		Expect(err).NotTo(HaveOccurred())
		Expect(ok).To(BeTrue())
		Expect(initial.HasSchema).To(BeTrue())
		Expect(q.Push(frame(data.IncludeDataOnly, 200))).To(BeTrue())
		Expect(q.Push(frame(data.IncludeDataOnly, 300, 400))).To(BeTrue())
		Expect(next(q)[0].Values).To(Equal([]float64{200}))
		Expect(next(q)).To(HaveLen(2))
	})

	It("fails a data-only frame that came before any schema", func() {
		q := contract.NewFrameQueue("ds/x/v1/counter", 0)
		q.Push(frame(data.IncludeDataOnly, 200))
		_, err := q.Next(context.Background())
		Expect(err).To(MatchError(pluginhost.ErrNoSchema))
		Expect(err).To(MatchError(ContainSubstring("frame 1")))
	})

	It("ends, saying so, rather than hold more frames than its limit", func() {
		q := contract.NewFrameQueue("ds/x/v1/counter", 1)
		q.Admit(frame(data.IncludeAll, 100))
		Expect(q.Push(frame(data.IncludeDataOnly, 200))).To(BeTrue())
		Expect(q.Push(frame(data.IncludeDataOnly, 300))).To(BeFalse())
		Expect(next(q)[0].Values).To(Equal([]float64{200}), "what came before the end is read first")
		_, err := q.Next(context.Background())
		Expect(err).To(MatchError(contract.ErrEnded))
		Expect(err).To(MatchError(ContainSubstring("more than 1 frames")))
	})

	It("keeps the first reason it ended for", func() {
		q := contract.NewFrameQueue("ds/x/v1/counter", 0)
		Expect(q.End(errors.New("first"))).To(BeTrue())
		Expect(q.End(errors.New("second"))).To(BeFalse())
		_, err := q.Next(context.Background())
		Expect(err).To(MatchError(ContainSubstring("first")))
	})

	It("answers ErrClosed at once after Close, even with frames queued, and wakes a waiting Next", func() {
		q := contract.NewFrameQueue("ds/x/v1/counter", 0)
		errs := make(chan error, 1)
		go func() { _, err := q.Next(context.Background()); errs <- err }()
		q.Close()
		Eventually(errs).WithTimeout(30 * time.Second).Should(Receive(MatchError(contract.ErrClosed)))
		Expect(q.Push(frame(data.IncludeAll, 100))).To(BeFalse())
		_, err := q.Next(context.Background())
		Expect(err).To(MatchError(contract.ErrClosed))
	})

	It("gives up waiting when ctx ends", func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := contract.NewFrameQueue("ds/x/v1/counter", 0).Next(ctx)
		Expect(err).To(MatchError(context.DeadlineExceeded))
	})
})
