package signals_test

import (
	"context"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

var _ = Describe("Signals", func() {
	open := func(jsonData string) source.Source {
		src, err := signals.New(source.Settings{UID: "u", JSONData: []byte(jsonData)})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(src.Close)
		return src
	}
	day := source.Range{From: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 24, 0, 1, 0, 0, time.UTC), MaxPoints: 1000}

	It("refuses invalid settings, naming the field", func() {
		_, err := signals.New(source.Settings{JSONData: []byte(`{"maxSeries":0}`)})
		Expect(err).To(MatchError("maxSeries: must be between 1 and 16, got 0"))
	})

	It("counts a query's points before computing them, then computes exactly those", func(ctx SpecContext) {
		q, err := open(`{}`).Query([]byte(`{"kind":"sine","seriesCount":3,"withStreaming":true}`), day)
		Expect(err).NotTo(HaveOccurred())
		Expect(q.Points()).To(BeEquivalentTo(61 * 3))
		frames, err := q.Frames(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(frames).To(HaveLen(1))
		Expect(frames[0].Rows()).To(Equal(61))
		Expect(q.Path()).To(Equal("v1/sine/n=3"))
		Expect(q.Notices()).To(BeEmpty())
	})

	It("gives no path when streaming is off, and a notice for unknown fields", func() {
		q, err := open(`{}`).Query([]byte(`{"stepMS":5}`), day)
		Expect(err).NotTo(HaveOccurred())
		Expect(q.Path()).To(BeEmpty())
		Expect(q.Notices()).To(HaveLen(1))
		Expect(q.Notices()[0].Text).To(ContainSubstring(`"stepMS"`))
	})

	It("refuses queries beyond the settings", func() {
		_, err := open(`{"maxSeries":2}`).Query([]byte(`{"seriesCount":3}`), day)
		Expect(err).To(MatchError(streaming.ErrOutOfBounds))
	})

	It("admits paths it writes, with the newest rows, and tells unknown paths from refused ones", func() {
		src := open(`{"minStepMs":100}`)
		frame, err := src.Admit("v1/counter/s=100", time.Now())
		Expect(err).NotTo(HaveOccurred())
		Expect(frame.Rows()).To(Equal(streaming.InitialRows))
		_, err = src.Admit("v1/nope", time.Now())
		Expect(err).To(MatchError(streaming.ErrMalformed))
		_, err = src.Admit("v1/counter/s=10", time.Now())
		Expect(err).To(MatchError(streaming.ErrOutOfBounds))
	})

	It("streams until its context ends, and says so", func(ctx SpecContext) {
		streamCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
		defer cancel()
		var packets countingSender
		err := open(`{}`).Stream(streamCtx, "v1/counter/s=10", &packets)
		Expect(err).To(MatchError(context.DeadlineExceeded))
		Expect(packets.n).To(BeNumerically(">", 0))
	})

	It("says what it allows", func(ctx SpecContext) {
		msg, err := open(`{"minStepMs":10,"maxSeries":4,"maxStreams":7}`).CheckHealth(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(msg).To(Equal("Pulse is ready: signals with a step of 10 ms or more, up to 4 series per query, up to 7 streams at once."))
	})
})

// countingSender counts the packets a stream sends.
type countingSender struct{ n int }

func (c *countingSender) SendBytes([]byte) error {
	c.n++
	return nil
}
