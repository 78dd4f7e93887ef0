package history_test

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/history"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

var base = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

// row is a row at base+i seconds with one number field.
func row(i int) jsonframe.Row {
	return jsonframe.Row{Time: base.Add(time.Duration(i) * time.Second), Fields: []jsonframe.Field{{Name: "v", Value: jsonframe.Number(float64(i))}}}
}

// values are the entries' v fields.
func values(entries []history.Entry) []float64 {
	out := make([]float64, 0, len(entries))
	for _, e := range entries {
		v, _ := e.Row.Get("v")
		out = append(out, v.Num)
	}
	return out
}

var _ = Describe("Ring", func() {
	It("keeps every row within its bounds, in the order added", func() {
		r := history.NewRing(history.Options{})
		for i := range 5 {
			r.Add("a", row(i))
		}
		Expect(values(r.Newest(10))).To(Equal([]float64{0, 1, 2, 3, 4}))
		Expect(r.Stats()).To(Equal(history.Stats{Added: 5, Rows: 5, Bytes: 5 * history.EntryBytes("a", row(0))}))
	})

	It("reads every row once through a Since cursor, and says how many an overtaken cursor missed", func() {
		r := history.NewRing(history.Options{MaxRows: 4})
		Expect(r.Next()).To(BeZero())
		entries, next, skipped := r.Since(0, 10)
		Expect(entries).To(BeEmpty())
		Expect(next).To(BeZero())
		Expect(skipped).To(BeZero())

		for i := range 3 {
			r.Add("a", row(i))
		}
		entries, next, skipped = r.Since(0, 2)
		Expect(values(entries)).To(Equal([]float64{0, 1}))
		Expect(next).To(BeEquivalentTo(2))
		Expect(skipped).To(BeZero())
		entries, next, _ = r.Since(next, 10)
		Expect(values(entries)).To(Equal([]float64{2}))
		Expect(next).To(BeEquivalentTo(3))
		Expect(r.Next()).To(BeEquivalentTo(3))

		for i := 3; i < 10; i++ {
			r.Add("a", row(i))
		}
		// Rows 3…5 were evicted before the cursor at 3 read them.
		entries, next, skipped = r.Since(3, 10)
		Expect(values(entries)).To(Equal([]float64{6, 7, 8, 9}))
		Expect(next).To(BeEquivalentTo(10))
		Expect(skipped).To(BeEquivalentTo(3))

		entries, next, skipped = r.Since(10, 10)
		Expect(entries).To(BeEmpty())
		Expect(next).To(BeEquivalentTo(10))
		Expect(skipped).To(BeZero())
		entries, _, _ = r.Since(0, 0)
		Expect(entries).To(BeEmpty())
	})

	It("evicts the oldest rows past MaxRows, wrapping around many times", func() {
		r := history.NewRing(history.Options{MaxRows: 3})
		for i := range 100 {
			r.Add("a", row(i))
			Expect(r.Stats().Rows).To(BeNumerically("<=", 3))
		}
		Expect(values(r.Newest(3))).To(Equal([]float64{97, 98, 99}))
		Expect(values(r.Newest(2))).To(Equal([]float64{98, 99}))
		Expect(r.Stats().Evicted).To(BeEquivalentTo(97))
	})

	It("evicts the oldest rows past MaxBytes, and keeps a row larger than the bound alone", func() {
		size := history.EntryBytes("a", row(0))
		r := history.NewRing(history.Options{MaxBytes: 3 * size})
		for i := range 10 {
			r.Add("a", row(i))
		}
		Expect(values(r.Newest(10))).To(Equal([]float64{7, 8, 9}))
		Expect(r.Stats().Bytes).To(BeNumerically("<=", 3*size))

		huge := jsonframe.Row{Time: base, Fields: []jsonframe.Field{{Name: "s", Value: jsonframe.String(strings.Repeat("x", 10_000))}}}
		r.Add("a", huge)
		Expect(r.Newest(10)).To(HaveLen(1), "only the huge row")
		r.Add("a", row(11))
		Expect(values(r.Newest(10))).To(Equal([]float64{11}), "and it goes first")
	})

	It("returns the rows of a time range, of every series", func() {
		r := history.NewRing(history.Options{})
		for i := range 10 {
			r.Add([]string{"a", "b"}[i%2], row(i))
		}
		got := r.Range(base.Add(3*time.Second), base.Add(6*time.Second))
		Expect(values(got)).To(Equal([]float64{3, 4, 5, 6}))
		Expect(got[0].Series).To(Equal("b"))
		Expect(got[1].Series).To(Equal("a"))
		Expect(r.Range(base.Add(time.Hour), base.Add(2*time.Hour))).To(BeEmpty())
	})

	It("keeps the newest rows that fit both bounds", func() {
		r := history.NewRing(history.Options{MaxRows: 4, MaxBytes: 2 * history.EntryBytes("a", row(0))})
		r.Add("a", row(0), row(1), row(2))
		Expect(values(r.Newest(4))).To(Equal([]float64{1, 2}))
		Expect(r.Newest(-1)).To(BeEmpty())
	})

	It("serves readers while a writer adds", func() {
		r := history.NewRing(history.Options{MaxRows: 50})
		var wg sync.WaitGroup
		var disorder atomic.Int64
		wg.Go(func() {
			for i := range 5000 {
				r.Add("a", row(i))
			}
		})
		for range 2 {
			wg.Go(func() {
				for range 500 {
					got := values(r.Newest(50))
					for k := 1; k < len(got); k++ {
						if got[k] != got[k-1]+1 {
							disorder.Add(1)
						}
					}
				}
			})
		}
		wg.Wait()
		Expect(disorder.Load()).To(BeZero(), "a reader saw rows out of order")
		Expect(values(r.Newest(1))).To(Equal([]float64{4999}))
	})
})
