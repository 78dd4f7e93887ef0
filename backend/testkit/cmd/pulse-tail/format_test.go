package main

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// step is the step of the frames these specs make.
const step = 200 * time.Millisecond

// t0 is the time of their first row.
var t0 = time.UnixMilli(1_795_000_000_000).UTC()

// at is the time of row i.
func at(i int) time.Time { return t0.Add(time.Duration(i) * step) }

// rowsFrom makes rows i..j (inclusive), the value of row i being i.
func rowsFrom(i, j int) []pluginhost.Row {
	var rows []pluginhost.Row
	for k := i; k <= j; k++ {
		rows = append(rows, pluginhost.Row{Time: at(k), Values: []float64{float64(k)}})
	}
	return rows
}

// frameOf is a Pulse-like frame holding rows.
func frameOf(rows []pluginhost.Row) *data.Frame {
	times := make([]time.Time, len(rows))
	values := make([]float64, len(rows))
	for i, r := range rows {
		times[i], values[i] = r.Time, r.Values[0]
	}
	return data.NewFrame("", data.NewField("time", nil, times), data.NewField("value", nil, values))
}

// linesOf splits printed text into lines.
func linesOf(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

var _ = Describe("formatValue", func() {
	DescribeTable("prints plain decimals, never an exponent, with every digit needed",
		func(v float64, want string) { Expect(formatValue(v)).To(Equal(want)) },
		Entry("a large counter", 3.6e10, "36000000000"),
		Entry("a very large one", 1e21, "1000000000000000000000"),
		Entry("a whole number", -10.0, "-10"),
		Entry("a fraction", 0.1, "0.1"),
		Entry("a small number", 5e-7, "0.0000005"),
		Entry("a full-precision sine value", 4.999999999999999, "4.999999999999999"),
		Entry("zero", 0.0, "0"),
		Entry("a null", math.NaN(), "null"),
	)

	It("is what formatRow prints under header's columns", func() {
		r := pluginhost.Row{Time: at(0), Values: []float64{3.6e10, 1e21}}
		line := formatRow(r)
		Expect(line).To(HavePrefix(at(0).Local().Format(timeLayout)))
		Expect(strings.Fields(line)[2:]).To(Equal([]string{"36000000000", "1000000000000000000000"}))
		Expect(line).NotTo(ContainSubstring("e+"))
	})

	It("names labelled fields in the header", func() {
		f := data.NewFrame("", data.NewField("time", nil, []time.Time{}),
			data.NewField("value", data.Labels{"series": "1"}, []float64{}))
		Expect(strings.Fields(header(f))).To(Equal([]string{"time", `value{series=1}`}))
	})
})

var _ = Describe("notices", func() {
	It("prints each notice of each frame on stderr, prefixed by its severity, each once", func() {
		var out, errOut bytes.Buffer
		v := newView(&out, &errOut)
		a := frameOf(rowsFrom(0, 1))
		a.AppendNotices(
			data.Notice{Severity: data.NoticeSeverityWarning, Text: `unknown query field "stepMS" is ignored`},
			data.Notice{Severity: data.NoticeSeverityInfo, Text: "the backfill is bounded by maxDataPoints", Link: "/docs/query-model"},
		)
		b := frameOf(rowsFrom(0, 1))
		b.AppendNotices(
			data.Notice{Severity: data.NoticeSeverityWarning, Text: `unknown query field "stepMS" is ignored`},
			data.Notice{Severity: data.NoticeSeverityError, Text: "something broke"},
		)
		v.printNotices(a, nil, frameOf(nil), b)
		Expect(linesOf(errOut.String())).To(Equal([]string{
			`warning: unknown query field "stepMS" is ignored`,
			"info: the backfill is bounded by maxDataPoints (/docs/query-model)",
			"error: something broke",
		}))
		Expect(out.String()).To(BeEmpty())
	})
})

var _ = Describe("answerFrame", func() {
	var (
		out, errOut bytes.Buffer
		v           *view
		cfg         config
	)
	BeforeEach(func() {
		out.Reset()
		errOut.Reset()
		v = newView(&out, &errOut)
		cfg = config{query: `{"stepMS":50}`, from: map[string]string{"query": "PULSE_QUERY"}}
	})

	// arrowAnswer is a DataResponse as QueryData sends it, in Arrow.
	arrowAnswer := func(status int32, msg string, frames ...*data.Frame) *pluginv2.DataResponse {
		encoded, err := data.Frames(frames).MarshalArrow()
		Expect(err).NotTo(HaveOccurred())
		return &pluginv2.DataResponse{Frames: encoded, Status: status, Error: msg}
	}

	It("prints the notices a frame carries through Arrow and returns the frame", func() {
		f := frameOf(rowsFrom(0, 2))
		f.SetMeta(&data.FrameMeta{Channel: "ds/pulse/v1/sine/s=200"})
		f.AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning, Text: `unknown query field "stepMS" is ignored`})
		got, err := answerFrame(arrowAnswer(200, "", f), cfg, v)
		Expect(err).NotTo(HaveOccurred())
		Expect(got.Meta.Channel).To(Equal("ds/pulse/v1/sine/s=200"))
		Expect(errOut.String()).To(Equal("warning: unknown query field \"stepMS\" is ignored\n"))
	})

	It("takes a refusal (4xx) for bad input, naming what the user set, after the notices", func() {
		f := frameOf(nil)
		f.AppendNotices(data.Notice{Severity: data.NoticeSeverityWarning, Text: `unknown query field "stepMS" is ignored`})
		_, err := answerFrame(arrowAnswer(400, "invalid query: stepMs: must be between 1 and 3600000, got 0", f), cfg, v)
		var bad *inputError
		Expect(errors.As(err, &bad)).To(BeTrue())
		Expect(err.Error()).To(Equal(`the plugin refused PULSE_QUERY {"stepMS":50}: invalid query: stepMs: must be between 1 and 3600000, got 0`))
		Expect(errOut.String()).To(Equal("warning: unknown query field \"stepMS\" is ignored\n"))
	})

	It("takes a server error (5xx) for a failure, not bad input", func() {
		_, err := answerFrame(&pluginv2.DataResponse{Status: 500, Error: "boom"}, cfg, v)
		var bad *inputError
		Expect(err).To(MatchError("the query failed (status 500): boom"))
		Expect(errors.As(err, &bad)).To(BeFalse())
	})

	It("fails for a missing answer and for more than one frame", func() {
		_, err := answerFrame(nil, cfg, v)
		Expect(err).To(HaveOccurred())
		_, err = answerFrame(arrowAnswer(200, "", frameOf(nil), frameOf(nil)), cfg, v)
		Expect(err).To(MatchError("the query gave 2 frames, not 1"))
	})
})

var _ = Describe("view", func() {
	It("marks a row printed before as a repeat, and one with other values as such", func() {
		var out bytes.Buffer
		v := newView(&out, GinkgoWriter)
		for _, r := range rowsFrom(0, 1) {
			v.printRow(r)
		}
		v.printRow(rowsFrom(1, 1)[0])
		v.printRow(pluginhost.Row{Time: at(0), Values: []float64{42}})
		v.printRow(rowsFrom(2, 2)[0])
		lines := linesOf(out.String())
		Expect(lines).To(HaveLen(5))
		Expect(lines[0]).NotTo(ContainSubstring("repeat"))
		Expect(lines[1]).NotTo(ContainSubstring("repeat"))
		Expect(lines[2]).To(HaveSuffix("  (repeat)"))
		Expect(lines[3]).To(HaveSuffix("  (repeat, other values)"))
		Expect(lines[4]).NotTo(ContainSubstring("repeat"))
	})

	It("remembers the newest rows only, so that a long tail keeps its memory bounded", func() {
		var out bytes.Buffer
		v := newView(&out, GinkgoWriter)
		for _, r := range rowsFrom(0, seenLimit) { // seenLimit + 1 rows
			v.printRow(r)
		}
		Expect(v.seen).To(HaveLen(seenLimit))
		out.Reset()
		v.printRow(rowsFrom(1, 1)[0])
		v.printRow(rowsFrom(0, 0)[0])
		Expect(linesOf(out.String())).To(HaveExactElements(HaveSuffix("(repeat)"), Not(ContainSubstring("repeat"))))
	})
})

var _ = Describe("handedOver", func() {
	handed := rowsFrom(0, 99) // 100 rows, as Pulse hands over

	DescribeTable("picks the rows to print",
		func(oldestPrinted, newestBackfill time.Time, n int, first int) {
			got := handedOver(handed, oldestPrinted, newestBackfill, n)
			if first < 0 {
				Expect(got).To(BeEmpty())
				return
			}
			Expect(got).To(Equal(handed[first:]))
		},
		Entry("from the oldest printed on, repeats and the new row", at(94), at(98), 5, 94),
		Entry("every row newer than the backfill, however many", at(50), at(54), 5, 50),
		Entry("the newest n when nothing was printed and the backfill was empty", time.Time{}, time.Time{}, 5, 95),
		Entry("the new rows when no backfill row was printed (-rows 0)", time.Time{}, at(97), 0, 98),
		Entry("nothing when nothing is new and none printed", time.Time{}, at(99), 0, -1),
	)
})

var _ = Describe("printHandedOver", func() {
	It("prints the subscription's rows under a section line, the ones printed before marked, the new one not", func() {
		var out, errOut bytes.Buffer
		v := newView(&out, &errOut)
		// The backfill printed rows 95..99; the subscription hands over
		// 0..100, row 100 having fallen due in between.
		for _, r := range rowsFrom(95, 99) {
			v.printRow(r)
		}
		out.Reset()
		initial := frameOf(rowsFrom(1, 100))
		initial.AppendNotices(data.Notice{Severity: data.NoticeSeverityInfo, Text: "handed over"})
		raw, err := data.FrameToJSON(initial, data.IncludeAll)
		Expect(err).NotTo(HaveOccurred())

		decoder, err := printHandedOver(raw, backfilled{oldestShown: at(95), newest: at(99)}, 5, v)
		Expect(err).NotTo(HaveOccurred())
		lines := linesOf(out.String())
		Expect(lines).To(HaveLen(8))
		Expect(lines[0]).To(Equal("— handed over at subscription: 100 rows, the newest 6 shown —"))
		Expect(strings.Fields(lines[1])).To(Equal([]string{"time", "value"}))
		for _, l := range lines[2:7] {
			Expect(l).To(HaveSuffix("  (repeat)"))
		}
		Expect(lines[7]).To(HavePrefix(at(100).Local().Format(timeLayout)))
		Expect(lines[7]).NotTo(ContainSubstring("repeat"))
		Expect(errOut.String()).To(Equal("info: handed over\n"))

		// The decoder reads the stream's data-only frames with the schema it
		// was handed, as a Grafana Live client does.
		next, err := data.FrameToJSON(frameOf(rowsFrom(101, 101)), data.IncludeDataOnly)
		Expect(err).NotTo(HaveOccurred())
		p, err := decoder.Decode(next)
		Expect(err).NotTo(HaveOccurred())
		Expect(pluginhost.Rows(p.Frame)).To(Equal(rowsFrom(101, 101)))
	})

	It("says so when nothing is handed over", func() {
		var out bytes.Buffer
		_, err := printHandedOver(nil, backfilled{}, 5, newView(&out, GinkgoWriter))
		Expect(err).NotTo(HaveOccurred())
		Expect(out.String()).To(Equal("— handed over at subscription: no rows —\n"))
	})
})

var _ = Describe("count", func() {
	It("says 1 row, 0 rows, 2 rows", func() {
		Expect([]string{count(1, "row"), count(0, "row"), count(2, "frame")}).To(Equal([]string{"1 row", "0 rows", "2 frames"}))
	})
})
