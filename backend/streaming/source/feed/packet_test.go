package feed_test

import (
	"math"
	"math/rand/v2"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/history"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
)

// randomEntries are n rows of up to two series, each with some of five
// fields of any type, so that fields widen to string, go missing and
// find no room, at times with and without nanoseconds past their
// millisecond, before 1970 too.
func randomEntries(r *rand.Rand, n int) []history.Entry {
	names := []string{"v", "sent", "on", "label", "x.y"}
	strs := []string{"", "plain", `<b>&"quoted"</b>`, "tab\tnew\nline", "é ✓ 😀", "\u2028\u2029", "\\back\\slash", "\x01\x1f"}
	nums := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-7, 1 << 53, 1<<53 - 1, -(1 << 53), 1<<53 + 2, 1e15, 1e16, 1e17, 1.5e-6, 123456789, 1e21, 1e20, -2.5e-9, 1795521600123456789, math.MaxFloat64, math.SmallestNonzeroFloat64}
	series := []string{"a/1", "b/2"}
	base := time.Date(2026, 11, 26, 5, 0, 0, 0, time.UTC)
	entries := make([]history.Entry, n)
	for i := range entries {
		t := base.Add(time.Duration(r.Int64N(int64(time.Hour))))
		switch r.IntN(5) {
		case 0:
			t = t.Truncate(time.Millisecond)
		case 1:
			t = time.Unix(-r.Int64N(1e9), r.Int64N(1e9)).UTC()
		case 2:
			t = time.Date(-r.IntN(3), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, r.IntN(60), r.IntN(1e9), time.UTC)
		}
		var fields []jsonframe.Field
		for _, name := range names {
			var v jsonframe.Value
			switch r.IntN(8) {
			case 0:
				continue
			case 1:
				v = jsonframe.Null()
			case 2:
				v = jsonframe.Bool(r.IntN(2) == 0)
			case 3:
				v = jsonframe.String(strs[r.IntN(len(strs))])
			case 4:
				v = jsonframe.Number(r.NormFloat64() * math.Pow(10, float64(r.IntN(30)-10)))
			case 5:
				// Integers, around 2^53 too, where they stop being exact.
				v = jsonframe.Number(float64(r.Int64N(1<<55) - 1<<54))
				if r.IntN(2) == 0 {
					v = jsonframe.Number(float64(r.Int64N(2001) - 1000))
				}
			default:
				v = jsonframe.Number(nums[r.IntN(len(nums))])
			}
			fields = append(fields, jsonframe.Field{Name: name, Value: v})
		}
		entries[i] = history.Entry{Series: series[r.IntN(len(series))], Row: jsonframe.Row{Time: t, Fields: fields}}
	}
	return entries
}

var _ = Describe("Data packets", func() {
	It("are written byte for byte as the SDK encodes the frame, data only", func() {
		r := rand.New(rand.NewPCG(1, 2))
		for i := range 2000 {
			entries := randomEntries(r, 1+r.IntN(40))
			if i%3 == 0 {
				// A steady feed: one series, the same fields in every row.
				for j := range entries {
					entries[j].Series = "a/1"
					entries[j].Row.Fields = []jsonframe.Field{
						{Name: "sent", Value: jsonframe.Number(float64(1795521600123456789 + j))},
						{Name: "v", Value: jsonframe.Number(float64(j))},
					}
				}
			}
			direct, ok, sdk, err := feed.DataPackets(i%2 == 0, 1+r.IntN(12), entries)
			Expect(err).NotTo(HaveOccurred())
			Expect(ok).To(BeTrue())
			Expect(string(direct)).To(Equal(string(sdk)), "case %d", i)
		}
	})

	It("leave NaN and infinite numbers to the SDK, which lists them apart", func() {
		for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
			entries := []history.Entry{{Series: "a", Row: jsonframe.Row{Time: time.Now(), Fields: []jsonframe.Field{{Name: "v", Value: jsonframe.Number(v)}}}}}
			_, ok, sdk, err := feed.DataPackets(false, 10, entries)
			Expect(err).NotTo(HaveOccurred())
			Expect(ok).To(BeFalse())
			Expect(string(sdk)).To(ContainSubstring("entities"))
		}
	})
})
