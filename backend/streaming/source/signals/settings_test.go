package signals_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
)

var _ = Describe("Settings", func() {
	It("defaults to allowing every in-bounds query", func() {
		for _, body := range []string{``, `{}`, `{"minStepMs":null}`, ` `} {
			s, err := signals.ParseSettings([]byte(body))
			Expect(err).NotTo(HaveOccurred(), body)
			Expect(s).To(Equal(signals.DefaultSettings()))
		}
		Expect(signals.DefaultSettings()).To(Equal(signals.Settings{MinStepMs: 1, MaxSeries: 16, MaxStreams: 1000}))
	})

	It("reads every field, ignoring others", func() {
		s, err := signals.ParseSettings([]byte(`{"minStepMs":100,"maxSeries":4,"maxStreams":20,"other":true}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(s).To(Equal(signals.Settings{MinStepMs: 100, MaxSeries: 4, MaxStreams: 20}))
	})

	It("reads numbers as queries do: exponents allowed, quotes not", func() {
		s, err := signals.ParseSettings([]byte(`{"minStepMs":1e3,"maxStreams":1E1}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(s.MinStepMs).To(BeEquivalentTo(1000))
		Expect(s.MaxStreams).To(Equal(10))
		_, err = signals.ParseSettings([]byte(`{"minStepMs":"5"}`))
		Expect(err).To(MatchError(`minStepMs: must be a whole number, got "5"`))
	})

	DescribeTable("names the field that is wrong",
		func(body, message string) {
			_, err := signals.ParseSettings([]byte(body))
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("not JSON", `{`, "not a JSON object"),
		Entry("an array", `[]`, "not a JSON object"),
		Entry("minStepMs as a word", `{"minStepMs":"fast"}`, `minStepMs: must be a whole number, got "fast"`),
		Entry("minStepMs zero", `{"minStepMs":0}`, "minStepMs: must be between 1 and 3600000, got 0"),
		Entry("minStepMs fractional", `{"minStepMs":1.5}`, "minStepMs: must be a whole number"),
		Entry("maxSeries too large", `{"maxSeries":99}`, "maxSeries: must be between 1 and 16, got 99"),
		Entry("maxSeries an object", `{"maxSeries":{}}`, "maxSeries: must be"),
		Entry("maxStreams zero", `{"maxStreams":0}`, "maxStreams: must be between 1 and 10000, got 0"),
		Entry("maxStreams past the process cap", `{"maxStreams":10001}`, "maxStreams: must be between 1 and 10000, got 10001"),
	)
})
