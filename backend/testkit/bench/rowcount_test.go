package bench_test

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/bench"
)

var _ = Describe("CountRows", func() {
	encode := func(f *data.Frame, include data.FrameInclude) []byte {
		GinkgoHelper()
		b, err := data.FrameToJSON(f, include)
		Expect(err).NotTo(HaveOccurred())
		return b
	}
	q := fastQuery(3)
	frame := q.Frame(1000, 1006, 1)

	It("counts the rows of frames as the SDK encodes them, with and without schema", func() {
		Expect(bench.CountRows(encode(frame, data.IncludeAll))).To(Equal(7))
		Expect(bench.CountRows(encode(frame, data.IncludeDataOnly))).To(Equal(7))
		Expect(bench.CountRows(encode(q.Frame(5, 5, 1), data.IncludeAll))).To(Equal(1))
	})

	It("reads no further than the first field's values", func() {
		Expect(bench.CountRows([]byte(`{"data":{"values":[[1,2],[3,4]]},"extra":`))).To(Equal(2))
	})

	It("counts no rows in a schema-only packet or an empty frame", func() {
		Expect(bench.CountRows(encode(frame, data.IncludeSchemaOnly))).To(Equal(0))
		Expect(bench.CountRows(encode(q.Frame(1, 0, 1), data.IncludeAll))).To(Equal(0))
		Expect(bench.CountRows([]byte(`{"data":{"values":[]}}`))).To(Equal(0))
	})

	It("is not misled by brackets, commas and quotes inside strings, nor by nulls and spacing", func() {
		text := data.NewFrame(`a "],[" frame`,
			data.NewField("time", data.Labels{"x": `]],{"data":`}, []time.Time{time.UnixMilli(1), time.UnixMilli(2)}),
			data.NewField("note", nil, []*string{nil, ptr(`[1,2,3]`)}))
		Expect(bench.CountRows(encode(text, data.IncludeAll))).To(Equal(2))
		Expect(bench.CountRows([]byte(" {\n \"data\" : { \"values\" : [ [ 1 , null , 3 ] , [ \"a\\\"]\" , 2, 3 ] ] } } "))).To(Equal(3))
	})

	It("refuses what is not a frame packet, as far as it reads", func() {
		for _, bad := range []string{``, `[]`, `{"schema":[}`, `{"data":"open`, `{"data":{"values":[[1,2}}`, `{"data":{"values":[[1 2]]}}`, `{"data":{"values":[[,]]}}`} {
			_, err := bench.CountRows([]byte(bad))
			Expect(err).To(HaveOccurred(), bad)
		}
	})
})

func ptr[T any](v T) *T { return &v }
