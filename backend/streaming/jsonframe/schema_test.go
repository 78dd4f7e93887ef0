package jsonframe_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

var _ = Describe("Schemas", func() {
	number, str, boolean := jsonframe.TypeNumber, jsonframe.TypeString, jsonframe.TypeBool

	It("keep fields in order of first appearance and report each change", func() {
		s := jsonframe.NewSchema(jsonframe.Options{})
		Expect(s.Observe(decode(`{"b":1,"a":"x"}`))).To(BeTrue())
		Expect(s.Observe(decode(`{"a":"y","b":2}`))).To(BeFalse(), "the same fields in another order")
		Expect(s.Observe(nil)).To(BeFalse())
		Expect(s.Observe(decode(`{"c":true}`))).To(BeTrue(), "a new field")
		Expect(s.Observe(decode(`{"c":false,"a":"z"}`))).To(BeFalse())
		Expect(s.Fields()).To(Equal([]jsonframe.SchemaField{{Name: "b", Type: number}, {Name: "a", Type: str}, {Name: "c", Type: boolean}}))
		Expect(s.Len()).To(Equal(3))
		Expect(s.Field(2)).To(Equal(jsonframe.SchemaField{Name: "c", Type: boolean}))
		i, t, ok := s.Lookup("a")
		Expect([]any{i, t, ok}).To(Equal([]any{1, str, true}))
		_, _, ok = s.Lookup("nope")
		Expect(ok).To(BeFalse())
	})

	It("widen a field to string when a value of another type comes, once, and report it", func() {
		s := &jsonframe.Schema{}
		Expect(s.Observe(decode(`{"v":1,"w":true}`))).To(BeTrue())
		Expect(s.Observe(decode(`{"v":"high"}`))).To(BeTrue(), "number to string")
		Expect(s.Observe(decode(`{"v":false}`))).To(BeFalse(), "already a string field")
		Expect(s.Observe(decode(`{"w":3}`))).To(BeTrue(), "bool to string")
		Expect(s.Fields()).To(Equal([]jsonframe.SchemaField{{Name: "v", Type: str}, {Name: "w", Type: str}}))
		Expect(s.Stats()).To(Equal(jsonframe.SchemaStats{TypeChanges: 2}))

		s = &jsonframe.Schema{}
		s.Observe(decode(`{"s":"text"}`))
		Expect(s.Observe(decode(`{"s":1}`))).To(BeFalse(), "a string field takes a number as text")
		Expect(s.Stats().TypeChanges).To(BeZero())
	})

	It("widen within one batch of rows too", func() {
		s := &jsonframe.Schema{}
		Expect(s.Observe(decode(`[1,"two",3]`))).To(BeTrue())
		Expect(s.Fields()).To(Equal([]jsonframe.SchemaField{{Name: "value", Type: str}}))
	})

	It("never add or change a field for a null value", func() {
		s := &jsonframe.Schema{}
		Expect(s.Observe(decode(`{"a":null}`))).To(BeFalse())
		Expect(s.Len()).To(BeZero())
		Expect(s.Observe(decode(`{"a":1}`))).To(BeTrue())
		Expect(s.Observe(decode(`{"a":null}`))).To(BeFalse())
		Expect(s.Fields()).To(Equal([]jsonframe.SchemaField{{Name: "a", Type: number}}))
	})

	It("keep at most MaxFields fields, counting the values dropped, and never let a dropped field in later", func() {
		s := jsonframe.NewSchema(jsonframe.Options{MaxFields: 2})
		Expect(s.Observe(decode(`{"a":1,"b":2,"c":3}`))).To(BeTrue())
		Expect(s.Observe(decode(`{"c":4,"d":5}`))).To(BeFalse())
		Expect(s.Observe(decode(`{"a":"x"}`))).To(BeTrue(), "fields in still widen")
		Expect(s.Fields()).To(Equal([]jsonframe.SchemaField{{Name: "a", Type: str}, {Name: "b", Type: number}}))
		Expect(s.Stats()).To(Equal(jsonframe.SchemaStats{FieldsDropped: 3, TypeChanges: 1}))
	})

	It("keep DefaultMaxFields fields when zero", func() {
		s := &jsonframe.Schema{}
		var rows []jsonframe.Row
		for i := range jsonframe.DefaultMaxFields + 10 {
			rows = append(rows, jsonframe.Row{Fields: []jsonframe.Field{{Name: string(rune('a'+i%26)) + string(rune('0'+i/26)), Value: jsonframe.Number(1)}}})
		}
		s.Observe(rows)
		Expect(s.Len()).To(Equal(jsonframe.DefaultMaxFields))
		Expect(s.Stats().FieldsDropped).To(BeEquivalentTo(10))
	})

	It("give a copy of their fields", func() {
		s := &jsonframe.Schema{}
		s.Observe(decode(`{"a":1}`))
		f := s.Fields()
		f[0].Name = "changed"
		Expect(s.Field(0).Name).To(Equal("a"))
	})
})
