package hostspec_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

var _ = Describe("Batching", func() {
	DescribeTable("a fast signal arrives in at most one frame per flush window, each under the row limit, without gaps",
		func(ctx SpecContext, path string, stepMs int64, window time.Duration) {
			started := time.Now()
			rec := record(ctx, defaultDS, path)
			rec.waitRows(int(2 * time.Second / (time.Duration(stepMs) * time.Millisecond)))
			// The frames are counted before the time is read, so that a
			// frame that arrives while this goroutine waits for a core is
			// not counted against a window that ended before it.
			packets, rows := rec.snapshot()
			elapsed := time.Since(started)
			rec.stop()

			onGridWithoutGaps(rows, stepMs)
			// One frame per window, plus the first point, which goes out
			// at once, and a window that began before the recorder looked.
			Expect(len(packets)).To(BeNumerically("<=", int(elapsed/window)+2), "%d frames in %s", len(packets), elapsed)
			for i, p := range packets {
				Expect(p.Frame.Rows()).To(BeNumerically("<=", 1000), "frame %d", i)
			}
			Expect(len(rows)).To(BeNumerically(">", 4*len(packets)), "rows per frame")
		},
		Entry("1 kHz, the default window", "v1/counter/s=1", int64(1), 100*time.Millisecond),
		Entry("1 kHz, a 500 ms window", "v1/counter/s=1/f=500", int64(1), 500*time.Millisecond),
		Entry("200 Hz, 8 series", "v1/sine/s=5/n=8", int64(5), 100*time.Millisecond),
	)
})
