package jsonframe_test

import (
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// decodeWith decodes one payload with a new Decoder of opts, arriving at
// arrival, and expects no error.
func decodeWith(opts jsonframe.Options, payload string) []jsonframe.Row {
	GinkgoHelper()
	d, err := jsonframe.NewDecoder(opts)
	Expect(err).NotTo(HaveOccurred())
	rows, err := d.Decode([]byte(payload), arrival)
	Expect(err).NotTo(HaveOccurred(), "%s", payload)
	return rows
}

// decode decodes one payload with the default options.
func decode(payload string) []jsonframe.Row {
	GinkgoHelper()
	return decodeWith(jsonframe.Options{}, payload)
}

// fields lists a row's fields as name → value, for matching.
func fields(r jsonframe.Row) map[string]jsonframe.Value {
	m := map[string]jsonframe.Value{}
	for _, f := range r.Fields {
		m[f.Name] = f.Value
	}
	return m
}

// names lists a row's field names in order.
func names(r jsonframe.Row) []string {
	var out []string
	for _, f := range r.Fields {
		out = append(out, f.Name)
	}
	return out
}

// at is the time of a Unix time in seconds and nanoseconds, in UTC.
func at(sec, nsec int64) time.Time { return time.Unix(sec, nsec).UTC() }
