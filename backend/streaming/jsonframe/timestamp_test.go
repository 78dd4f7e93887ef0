package jsonframe_test

import (
	"math"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

var _ = Describe("Payload times", func() {
	// 1e11 s, ms and µs are past 2262: the largest value of each unit is
	// unreadable, the next power of ten the next unit's 1973-03-03.
	in1973 := at(100_000_000, 0)

	DescribeTable("read numbers as seconds, milliseconds, microseconds or nanoseconds by magnitude",
		func(text string, want time.Time) {
			t, ok := jsonframe.ParseTime(text)
			Expect(ok).To(BeTrue(), text)
			Expect(t).To(Equal(want))
			Expect(t.Location()).To(Equal(time.UTC))
		},
		Entry("seconds", "1795521600", at(1795521600, 0)),
		Entry("seconds with a fraction", "1795521600.25", at(1795521600, 250_000_000)),
		Entry("seconds with more digits than nanoseconds, cut", "1795521600.1234567899", at(1795521600, 123_456_789)),
		Entry("seconds in exponent form", "1.7955216e9", at(1795521600, 0)),
		Entry("zero", "0", at(0, 0)),
		Entry("negative seconds", "-1.5", at(-2, 500_000_000)),
		Entry("tiny seconds", "1e-9", at(0, 1)),
		Entry("milliseconds from 1e11", "100000000000", in1973),
		Entry("milliseconds", "1795521600123", at(1795521600, 123_000_000)),
		Entry("milliseconds with a fraction", "1795521600123.456", at(1795521600, 123_456_000)),
		Entry("milliseconds in exponent form", "1795521600e3", at(1795521600, 0)),
		Entry("microseconds from 1e14", "1e14", in1973),
		Entry("microseconds", "1795521600123456", at(1795521600, 123_456_000)),
		Entry("nanoseconds from 1e17", "100000000000000000", in1973),
		Entry("nanoseconds, exactly though a float64 cannot hold them", "1795521600123456789", at(1795521600, 123_456_789)),
		Entry("the last nanosecond a frame holds", "9223372036854775807", time.Unix(0, math.MaxInt64).UTC()),
		Entry("the first", "-9223372036854775808", time.Unix(0, math.MinInt64).UTC()),
		Entry("a decimal string", `"1795521600123"`, at(1795521600, 123_000_000)),
		Entry("a decimal string with a fraction", `"1795521600.5"`, at(1795521600, 500_000_000)),
		Entry("RFC 3339 in UTC", `"2026-11-24T12:00:00Z"`, at(1795521600, 0)),
		Entry("RFC 3339 with an offset and a fraction", `"2026-11-24T13:00:00.125+01:00"`, at(1795521600, 125_000_000)),
		Entry("RFC 3339 with nanoseconds and a negative offset", `"2026-11-24T06:30:00.123456789-05:30"`, at(1795521600, 123_456_789)),
		Entry("RFC 3339 in lowercase", `"2026-11-24t12:00:00z"`, at(1795521600, 0)),
		Entry("RFC 3339 with a space", `"2026-11-24 12:00:00Z"`, at(1795521600, 0)),
	)

	It("switch units exactly at the documented thresholds", func() {
		for _, threshold := range []float64{jsonframe.EpochSeconds, jsonframe.EpochMillis, jsonframe.EpochMicros} {
			t, ok := jsonframe.ParseTime(streaming.FormatNumber(threshold))
			Expect(ok).To(BeTrue())
			Expect(t).To(Equal(in1973), "%v is the next unit's 1e11", threshold)
			below := strconv.FormatInt(int64(threshold)-1, 10)
			_, ok = jsonframe.ParseTime(below)
			Expect(ok).To(BeFalse(), "%s is the unit's largest, past 2262", below)
		}
	})

	DescribeTable("find other values unreadable",
		func(text string) {
			_, ok := jsonframe.ParseTime(text)
			Expect(ok).To(BeFalse(), text)
		},
		Entry("seconds just below 1e11, past 2262", "99999999999"),
		Entry("milliseconds just below 1e14, past 2262", "99999999999999"),
		Entry("microseconds just below 1e17, past 2262", "99999999999999999"),
		Entry("nanoseconds past 2262", "9223372036854775808"),
		Entry("nanoseconds before 1677", "-9223372036854775809"),
		Entry("a huge number", "1e300"),
		Entry("a number too large for a float64", "1e400"),
		Entry("null", "null"),
		Entry("a bool", "true"),
		Entry("an object", `{"s":1}`),
		Entry("an array", `[1]`),
		Entry("a word", `"yesterday"`),
		Entry("an empty string", `""`),
		Entry("a number with a plus", `"+1795521600"`),
		Entry("a number with spaces", `" 1795521600"`),
		Entry("a number ending in a point", `"1795521600."`),
		Entry("a hexadecimal number", `"0x10"`),
		Entry("a number with leading zeros", `"01795521600"`),
		Entry("a time without a zone", `"2026-11-24T12:00:00"`),
		Entry("a date", `"2026-11-24"`),
		Entry("an hour out of range", `"2026-11-24T24:00:00Z"`),
		Entry("a time past 2262", `"2262-04-12T00:00:00Z"`),
		Entry("a time before 1677", `"1677-09-21T00:00:00Z"`),
		Entry("no JSON", `17955216 00`),
	)
})
