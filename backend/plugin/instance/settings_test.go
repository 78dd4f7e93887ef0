package instance_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/plugin/instance"
)

var _ = Describe("Settings", func() {
	It("defaults to allowing every in-bounds query", func() {
		for _, body := range []string{``, `{}`, `{"minStepMs":null}`, ` `} {
			s, err := instance.ParseSettings([]byte(body))
			Expect(err).NotTo(HaveOccurred(), body)
			Expect(s).To(Equal(instance.DefaultSettings()))
		}
		Expect(instance.DefaultSettings()).To(Equal(instance.Settings{MinStepMs: 1, MaxSeries: 16}))
	})

	It("reads both fields, ignoring others", func() {
		s, err := instance.ParseSettings([]byte(`{"minStepMs":100,"maxSeries":4,"other":true}`))
		Expect(err).NotTo(HaveOccurred())
		Expect(s).To(Equal(instance.Settings{MinStepMs: 100, MaxSeries: 4}))
	})

	DescribeTable("names the field that is wrong",
		func(body, message string) {
			_, err := instance.ParseSettings([]byte(body))
			Expect(err).To(MatchError(ContainSubstring(message)))
		},
		Entry("not JSON", `{`, "not a JSON object"),
		Entry("an array", `[]`, "not a JSON object"),
		Entry("minStepMs as a word", `{"minStepMs":"fast"}`, `minStepMs must be a whole number from 1 to 3600000, got "fast"`),
		Entry("minStepMs zero", `{"minStepMs":0}`, "minStepMs must be a whole number from 1 to 3600000, got 0"),
		Entry("minStepMs fractional", `{"minStepMs":1.5}`, "minStepMs must be"),
		Entry("maxSeries too large", `{"maxSeries":99}`, "maxSeries must be a whole number from 1 to 16, got 99"),
		Entry("maxSeries an object", `{"maxSeries":{}}`, "maxSeries must be"),
	)
})
