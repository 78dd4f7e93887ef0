package signals_test

import (
	"errors"
	"math"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

var _ = Describe("ParseQuery", func() {
	It("gives a one-series random walk for a query with nothing but a refId", func() {
		q, err := signals.ParseQuery([]byte(`{"refId":"A"}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(q).To(Equal(signals.DefaultQuery()))
		Expect(q.Kind).To(Equal(signals.KindRandomWalk))
		Expect(q.SeriesCount).To(Equal(1))
		Expect(q.WithStreaming).To(BeFalse())
	})

	It("treats an empty body and null fields as defaults", func() {
		q, err := signals.ParseQuery(nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(q).To(Equal(signals.DefaultQuery()))
		q, err = signals.ParseQuery([]byte(`{"stepMs":null,"kind":null}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(q).To(Equal(signals.DefaultQuery()))
	})

	It("reads every field and ignores Grafana's own", func() {
		q, err := signals.ParseQuery([]byte(`{
			"refId":"B","datasource":{"uid":"x"},"intervalMs":15000,"maxDataPoints":900,
			"withStreaming":true,"kind":"sine","stepMs":250,"periodMs":5000,
			"amplitude":2.5,"offset":-3,"seed":7,"seriesCount":4,"flushMs":250}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(q).To(Equal(signals.Query{
			WithStreaming: true, Kind: signals.KindSine, StepMs: 250, PeriodMs: 5000,
			Amplitude: 2.5, Offset: -3, Seed: 7, SeriesCount: 4, FlushMs: 250,
		}))
	})

	It("accepts whole numbers written with a fraction of zero", func() {
		q, err := signals.ParseQuery([]byte(`{"stepMs":100.0}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(q.StepMs).To(BeEquivalentTo(100))
	})

	DescribeTable("refuses bad input with an error naming the field",
		func(body, field string, kind error) {
			_, err := signals.ParseQuery([]byte(body))
			Expect(err).To(HaveOccurred())
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue())
			Expect(fe.Field).To(Equal(field))
			Expect(errors.Is(err, kind)).To(BeTrue(), err.Error())
			Expect(err.Error()).To(HavePrefix(field + ": "))
		},
		Entry("malformed JSON", `{"kind":`, "query", streaming.ErrMalformed),
		Entry("not an object", `[1,2]`, "query", streaming.ErrMalformed),
		Entry("unknown kind", `{"kind":"triangle"}`, "kind", streaming.ErrMalformed),
		Entry("kind of the wrong type", `{"kind":3}`, "kind", streaming.ErrMalformed),
		Entry("withStreaming as a string", `{"withStreaming":"yes"}`, "withStreaming", streaming.ErrMalformed),
		Entry("stepMs as a string", `{"stepMs":"fast"}`, "stepMs", streaming.ErrMalformed),
		Entry("amplitude as a string", `{"amplitude":"1"}`, "amplitude", streaming.ErrMalformed),
		Entry("stepMs zero", `{"stepMs":0}`, "stepMs", streaming.ErrOutOfBounds),
		Entry("stepMs fractional", `{"stepMs":1.5}`, "stepMs", streaming.ErrOutOfBounds),
		Entry("stepMs above its bound", `{"stepMs":3600001}`, "stepMs", streaming.ErrOutOfBounds),
		Entry("stepMs beyond int64", `{"stepMs":1e300}`, "stepMs", streaming.ErrOutOfBounds),
		Entry("periodMs below its bound", `{"periodMs":9}`, "periodMs", streaming.ErrOutOfBounds),
		Entry("negative amplitude", `{"amplitude":-1}`, "amplitude", streaming.ErrOutOfBounds),
		Entry("huge offset", `{"offset":2e9}`, "offset", streaming.ErrOutOfBounds),
		Entry("negative seed", `{"seed":-1}`, "seed", streaming.ErrOutOfBounds),
		Entry("no series", `{"seriesCount":0}`, "seriesCount", streaming.ErrOutOfBounds),
		Entry("too many series", `{"seriesCount":17}`, "seriesCount", streaming.ErrOutOfBounds),
		Entry("series beyond int32", `{"seriesCount":99999999999}`, "seriesCount", streaming.ErrOutOfBounds),
		Entry("a number in quotes", `{"stepMs":"5"}`, "stepMs", streaming.ErrMalformed),
	)

	It("reads numbers in every form JSON allows, exponents included", func() {
		q, err := signals.ParseQuery([]byte(`{"stepMs":1e3,"amplitude":2.5E1,"offset":-1e-2}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(q.StepMs).To(BeEquivalentTo(1000))
		Expect(q.Amplitude).To(Equal(25.0))
		Expect(q.Offset).To(Equal(-0.01))
	})

	It("writes bounds and values in plain digits", func() {
		_, err := signals.ParseQuery([]byte(`{"stepMs":3600001}`))
		Expect(err).To(MatchError("stepMs: must be between 1 and 3600000, got 3600001"))
		_, err = signals.ParseQuery([]byte(`{"offset":-2e9}`))
		Expect(err).To(MatchError("offset: must be between -1000000000 and 1000000000, got -2000000000"))
	})

	It("quotes at most a short prefix of a huge value", func() {
		huge := strings.Repeat("x", 1<<20)
		for _, body := range []string{`{"kind":"` + huge + `"}`, `{"stepMs":"` + huge + `"}`} {
			_, err := signals.ParseQuery([]byte(body))
			Expect(err).To(HaveOccurred())
			Expect(len(err.Error())).To(BeNumerically("<", 200), "the error quotes a prefix")
			Expect(err.Error()).To(ContainSubstring("bytes)"), "and says how long the value was")
		}
	})

	It("gives -0 the one spelling of 0, so that it makes no second channel", func() {
		q, err := signals.ParseQuery([]byte(`{"offset":-0,"amplitude":-0.0,"withStreaming":true}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(math.Signbit(q.Offset)).To(BeFalse())
		Expect(math.Signbit(q.Amplitude)).To(BeFalse())
		Expect(q.Path()).To(Equal("v1/randomWalk/a=0"))
		minusZero := signals.DefaultQuery()
		minusZero.Offset = math.Copysign(0, -1)
		Expect(minusZero.Path()).To(Equal(signals.DefaultQuery().Path()), "a query built by hand too")
	})

	It("lists fields that are neither Pulse's nor Grafana's", func() {
		q, unknown, err := signals.ReadQuery([]byte(`{"refId":"A","datasource":{"uid":"x"},"intervalMs":1,"maxDataPoints":9,` +
			`"hide":false,"key":"k","queryType":"","datasourceId":1,"stepMS":5,"kind":"sine","zeta":null,"alpha":1}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(q.Kind).To(Equal(signals.KindSine))
		Expect(q.StepMs).To(BeEquivalentTo(signals.DefaultStepMs), "the misspelt field is not read")
		Expect(unknown).To(Equal([]string{"alpha", "stepMS", "zeta"}))
	})
})

var _ = Describe("Limits", func() {
	q := signals.DefaultQuery()

	It("allows everything in bounds when zero", func() {
		q := q
		q.StepMs, q.SeriesCount = signals.MinStepMs, signals.MaxSeriesCount
		Expect(signals.Limits{}.Check(q)).To(Succeed())
	})

	It("refuses steps below the minimum and too many series", func() {
		limits := signals.Limits{MinStepMs: 100, MaxSeriesCount: 2}
		fast, wide := q, q
		fast.StepMs = 99
		wide.SeriesCount = 3
		Expect(limits.Check(fast)).To(MatchError(streaming.ErrOutOfBounds))
		Expect(limits.Check(fast)).To(MatchError(ContainSubstring("100 ms or more")))
		Expect(limits.Check(wide)).To(MatchError(ContainSubstring("at most 2 series")))
		Expect(limits.Check(q)).To(Succeed())
	})
})
