package contract

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// counter is a counter query with an offset of its own, so that its channel
// is the spec's alone: no other spec, and no earlier run against the same
// Grafana, shares its stream. Its value at t is offset + 3·⌊t/step⌋.
type counter struct {
	stepMs int64
	offset int64
}

const counterAmplitude = 3

func newCounter(stepMs int64) counter {
	return counter{stepMs: stepMs, offset: 1 + rand.Int64N(1_000_000)}
}

// model is the query as the editor holds it.
func (c counter) model(streaming bool) string {
	return fmt.Sprintf(`{"kind":"counter","stepMs":%d,"amplitude":%d,"offset":%d,"withStreaming":%t}`,
		c.stepMs, counterAmplitude, c.offset, streaming)
}

// path is the channel path the query's frame names.
func (c counter) path() string {
	return fmt.Sprintf("v1/counter/s=%d/a=%d/o=%d", c.stepMs, counterAmplitude, c.offset)
}

// expectValues asserts every row holds the counter's value at its time.
func (c counter) expectValues(rows []pluginhost.Row) {
	GinkgoHelper()
	for _, r := range rows {
		want := float64(c.offset + counterAmplitude*pluginhost.CounterCount(r.Time, c.stepMs))
		Expect(r.Values).To(Equal([]float64{want}), "the counter at %s", r.Time)
	}
}

// rowsOf reads a frame's rows.
func rowsOf(f *data.Frame) []pluginhost.Row {
	GinkgoHelper()
	rows, err := pluginhost.Rows(f)
	Expect(err).NotTo(HaveOccurred())
	return rows
}

// onGridWithoutGaps asserts rows are exactly one step apart, on the grid.
func onGridWithoutGaps(rows []pluginhost.Row, stepMs int64) {
	GinkgoHelper()
	Expect(pluginhost.CheckGrid(rows, stepMs)).To(Succeed(), "rows one step apart on the grid: no gap, no repeat")
}

// merge joins rows a viewer got from several sources (the backfill, the
// admission, the stream) into one series by time. Where two sources hold
// the same time they must agree.
func merge(sources ...[]pluginhost.Row) []pluginhost.Row {
	GinkgoHelper()
	byTime := map[time.Time]pluginhost.Row{}
	for _, rows := range sources {
		for _, r := range rows {
			if seen, ok := byTime[r.Time]; ok {
				Expect(r.Values).To(Equal(seen.Values), "two sources disagree on the row at %s", r.Time)
				continue
			}
			byTime[r.Time] = r
		}
	}
	merged := make([]pluginhost.Row, 0, len(byTime))
	for _, r := range byTime {
		merged = append(merged, r)
	}
	slices.SortFunc(merged, func(a, b pluginhost.Row) int { return a.Time.Compare(b.Time) })
	return merged
}

// sameFields asserts two frames have the same fields: names, labels, types.
func sameFields(got, want *data.Frame) {
	GinkgoHelper()
	Expect(pluginhost.CheckSameFields(got, want)).To(Succeed(), "the same fields: names, labels, types")
}

// readUntil reads frames pushed to sub until its rows reach past t, and
// returns the frames and their rows.
func readUntil(ctx context.Context, sub Subscription, t time.Time) ([]pluginhost.Packet, []pluginhost.Row) {
	GinkgoHelper()
	ctx, cancel := context.WithTimeout(ctx, streamTimeout)
	defer cancel()
	var packets []pluginhost.Packet
	var rows []pluginhost.Row
	for len(rows) == 0 || !rows[len(rows)-1].Time.After(t) {
		p, err := sub.Next(ctx)
		Expect(err).NotTo(HaveOccurred(), "a frame after %d frames, waiting for rows past %s", len(packets), t)
		packets = append(packets, p)
		rows = append(rows, rowsOf(p.Frame)...)
	}
	return packets, rows
}
