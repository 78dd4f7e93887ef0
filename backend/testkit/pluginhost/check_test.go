package pluginhost_test

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

var _ = Describe("CheckGrid", func() {
	at := func(ms ...int64) []pluginhost.Row {
		rows := make([]pluginhost.Row, len(ms))
		for i, m := range ms {
			rows[i] = pluginhost.Row{Time: time.UnixMilli(m).UTC()}
		}
		return rows
	}

	It("accepts rows one step apart on the grid", func() {
		Expect(pluginhost.CheckGrid(at(100, 200, 300), 100)).To(Succeed())
		Expect(pluginhost.CheckGrid(nil, 100)).To(Succeed())
	})

	DescribeTable("names the row that breaks the grid",
		func(rows []pluginhost.Row, mention string) {
			Expect(pluginhost.CheckGrid(rows, 100)).To(MatchError(ContainSubstring(mention)))
		},
		Entry("off the grid", at(100, 250), "row 1 at"),
		Entry("a gap", at(100, 200, 400), "rows 1 ("),
		Entry("a repeat", at(100, 100), "rows 0 ("),
		Entry("out of order", at(200, 100), "not one step apart"),
	)
})

var _ = Describe("CheckSameFields", func() {
	frame := func(name string, labels data.Labels, values any) *data.Frame {
		return data.NewFrame("", data.NewField("time", nil, []time.Time{}), data.NewField(name, labels, values))
	}

	It("accepts frames with the same fields, whatever their rows", func() {
		a := frame("value", data.Labels{"series": "1"}, []float64{})
		b := frame("value", data.Labels{"series": "1"}, []float64{})
		b.Fields[1].Append(1.5)
		b.Fields[0].Append(time.Now())
		Expect(pluginhost.CheckSameFields(a, b)).To(Succeed())
	})

	DescribeTable("says how the fields differ",
		func(got *data.Frame, mention string) {
			want := frame("value", data.Labels{"series": "1"}, []float64{})
			Expect(pluginhost.CheckSameFields(got, want)).To(MatchError(ContainSubstring(mention)))
		},
		Entry("a name", frame("other", data.Labels{"series": "1"}, []float64{}), `named "other"`),
		Entry("labels", frame("value", data.Labels{"series": "2"}, []float64{}), "labels"),
		Entry("a type", frame("value", data.Labels{"series": "1"}, []int64{}), "is a []int64"),
		Entry("a count", data.NewFrame("", data.NewField("time", nil, []time.Time{})), "1 fields, want 2"),
	)
})
