package jsonframe_test

import (
	"errors"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

var _ = Describe("Decoding a payload", func() {
	num, str, boolean, null := jsonframe.Number, jsonframe.String, jsonframe.Bool, jsonframe.Null

	It("makes one row of an object, its fields typed and in payload order", func() {
		rows := decode(`{"temp":21.5,"device":"k1","online":true,"error":null,"count":-3e2}`)
		Expect(rows).To(HaveLen(1))
		Expect(rows[0].Time).To(Equal(arrival))
		Expect(rows[0].TimeSource).To(Equal(jsonframe.TimeArrival))
		Expect(names(rows[0])).To(Equal([]string{"temp", "device", "online", "error", "count"}))
		Expect(fields(rows[0])).To(Equal(map[string]jsonframe.Value{
			"temp": num(21.5), "device": str("k1"), "online": boolean(true), "error": null(), "count": num(-300),
		}))
	})

	It("makes a row of each element of an array of objects", func() {
		rows := decodeWith(jsonframe.Options{TimeField: "t"}, `[{"t":1,"v":1},{"t":2,"v":2},{"t":3}]`)
		Expect(rows).To(HaveLen(3))
		for i, r := range rows {
			Expect(r.Time).To(Equal(at(int64(i+1), 0)))
		}
		Expect(fields(rows[1])).To(Equal(map[string]jsonframe.Value{"v": num(2)}))
		Expect(rows[2].Fields).To(BeEmpty())
	})

	It("makes a row of each scalar of an array, in the field value, and none of its nulls", func() {
		rows := decode(`[1, "two", true, null]`)
		Expect(rows).To(HaveLen(3))
		Expect(fields(rows[0])).To(Equal(map[string]jsonframe.Value{"value": num(1)}))
		Expect(fields(rows[1])).To(Equal(map[string]jsonframe.Value{"value": str("two")}))
		Expect(fields(rows[2])).To(Equal(map[string]jsonframe.Value{"value": boolean(true)}))
	})

	It("makes one row of an array inside a batch, its elements value.0, value.1, …", func() {
		rows := decode(`[[1,2],[[3]]]`)
		Expect(rows).To(HaveLen(2))
		Expect(names(rows[0])).To(Equal([]string{"value.0", "value.1"}))
		Expect(names(rows[1])).To(Equal([]string{"value.0.0"}))
	})

	It("makes one row of a bare number, string or bool, in the field value", func() {
		Expect(fields(decode(`  21.5 `)[0])).To(Equal(map[string]jsonframe.Value{"value": num(21.5)}))
		Expect(fields(decode(`"on"`)[0])).To(Equal(map[string]jsonframe.Value{"value": str("on")}))
		Expect(fields(decode(`false`)[0])).To(Equal(map[string]jsonframe.Value{"value": boolean(false)}))
	})

	It("makes no row of null or an empty array, and no error", func() {
		Expect(decode(`null`)).To(BeEmpty())
		Expect(decode(` [ ] `)).To(BeEmpty())
		Expect(decode(`[null,null]`)).To(BeEmpty())
		Expect(decode(`{}`)).To(HaveLen(1), "an empty object is a row without values")
	})

	It("joins nested keys with dots and names array elements by index", func() {
		rows := decode(`{"sensor":{"temp":21.5,"pos":{"x":1}},"a":[1,[2,{"b":3}]],"":{"e":1}}`)
		Expect(names(rows[0])).To(Equal([]string{"sensor.temp", "sensor.pos.x", "a.0", "a.1.0", "a.1.1.b", ".e"}))
	})

	It("gives empty objects and arrays no field", func() {
		Expect(names(decode(`{"a":{},"b":[],"c":{"d":[]},"e":1}`)[0])).To(Equal([]string{"e"}))
	})

	It("keeps keys with dots as they are: the later of two equal names wins, in the earlier one's place", func() {
		rows := decode(`{"a.b":1,"x":0,"a":{"b":2},"k":"first","k":"second"}`)
		Expect(names(rows[0])).To(Equal([]string{"a.b", "x", "k"}))
		Expect(fields(rows[0])).To(Equal(map[string]jsonframe.Value{"a.b": num(2), "x": num(0), "k": str("second")}))
	})

	It("finds equal names in wide rows too", func() {
		var b strings.Builder
		b.WriteString(`{`)
		for i := range 40 {
			b.WriteString(`"f` + streaming.FormatNumber(float64(i)) + `":1,`)
		}
		b.WriteString(`"f3":"again","f39":"last"}`)
		rows := decode(b.String())
		Expect(rows[0].Fields).To(HaveLen(40))
		Expect(rows[0].Fields[3]).To(Equal(jsonframe.Field{Name: "f3", Value: str("again")}))
		Expect(rows[0].Fields[39]).To(Equal(jsonframe.Field{Name: "f39", Value: str("last")}))
		// The next row starts afresh.
		d := &jsonframe.Decoder{}
		_, err := d.Decode([]byte(b.String()), arrival)
		Expect(err).NotTo(HaveOccurred())
		rows, err = d.Decode([]byte(`{"f3":1,"f3":2}`), arrival)
		Expect(err).NotTo(HaveOccurred())
		Expect(rows[0].Fields).To(Equal([]jsonframe.Field{{Name: "f3", Value: num(2)}}))
	})

	It("keeps objects and arrays at MaxDepth as their compact JSON text", func() {
		payload := `{"a":{"b":{"c":[1, 2]}}, "l":[[ 1 ,{"s":"x y"}]], "t":"keep  spaces"}`
		rows := decodeWith(jsonframe.Options{MaxDepth: 2}, payload)
		Expect(fields(rows[0])).To(Equal(map[string]jsonframe.Value{
			"a.b": str(`{"c":[1,2]}`), "l.0": str(`[1,{"s":"x y"}]`), "t": str("keep  spaces"),
		}))
		rows = decodeWith(jsonframe.Options{MaxDepth: 1}, payload)
		Expect(names(rows[0])).To(Equal([]string{"a", "l", "t"}))
		Expect(fields(rows[0])["a"]).To(Equal(str(`{"b":{"c":[1,2]}}`)))
		Expect(names(decode(`{"1":{"2":{"3":{"4":{"5":{"6":{"7":{"8":{"9":1}}}}}}}}}`)[0])).To(Equal([]string{"1.2.3.4.5.6.7.8"}),
			"8 segments by default")
	})

	It("keeps at most MaxFields fields in a row and counts the values dropped", func() {
		d, err := jsonframe.NewDecoder(jsonframe.Options{MaxFields: 2})
		Expect(err).NotTo(HaveOccurred())
		rows, err := d.Decode([]byte(`{"a":1,"b":2,"c":3,"d":{"e":4,"f":5},"a":6}`), arrival)
		Expect(err).NotTo(HaveOccurred())
		Expect(fields(rows[0])).To(Equal(map[string]jsonframe.Value{"a": num(6), "b": num(2)}))
		Expect(d.Stats().FieldsDropped).To(BeEquivalentTo(3))
	})

	It("drops and counts values whose names are longer than MaxNameBytes", func() {
		long := strings.Repeat("k", jsonframe.MaxNameBytes)
		d := &jsonframe.Decoder{}
		rows, err := d.Decode([]byte(`{"`+long+`":1,"`+long+`x":2,"`+long+`y":{"a":1,"b":2},"ok":3}`), arrival)
		Expect(err).NotTo(HaveOccurred())
		Expect(names(rows[0])).To(Equal([]string{long, "ok"}))
		Expect(d.Stats().FieldsDropped).To(BeEquivalentTo(2), "the object counts once")
	})

	It("keeps only the values at Fields, flattened under their paths, in gjson's syntax", func() {
		opts := jsonframe.Options{Fields: []string{"sensor", "readings.1", `a\.b`, "nope", "status"}, TimeField: "ts"}
		rows := decodeWith(opts, `{"ts":5,"sensor":{"temp":21.5,"ts":1},"readings":[1,2],"a.b":true,"status":"ok","other":1}`)
		Expect(rows[0].Time).To(Equal(at(5, 0)))
		Expect(names(rows[0])).To(Equal([]string{"sensor.temp", "sensor.ts", "readings.1", `a\.b`, "status"}))
		Expect(fields(rows[0])["a\\.b"]).To(Equal(boolean(true)))

		Expect(decodeWith(opts, `{"other":1}`)[0].Fields).To(BeEmpty(), "a row without values")
		Expect(decodeWith(opts, `42`)[0].Fields).To(BeEmpty(), "paths apply to objects and arrays only")
	})

	It("never makes the time's value a value field, wherever it is", func() {
		opts := jsonframe.Options{TimeField: "meta.ts"}
		rows := decodeWith(opts, `{"meta":{"ts":"2026-11-24T12:00:00Z","seq":1},"ts":2}`)
		Expect(names(rows[0])).To(Equal([]string{"meta.seq", "ts"}))
		rows = decodeWith(jsonframe.Options{TimeField: "meta.ts", Fields: []string{"meta"}}, `{"meta":{"ts":3,"seq":1}}`)
		Expect(names(rows[0])).To(Equal([]string{"meta.seq"}))
		rows = decodeWith(jsonframe.Options{TimeField: "ts"}, `{"ts":"not a time","v":1}`)
		Expect(rows[0].TimeSource).To(Equal(jsonframe.TimeUnreadable))
		Expect(names(rows[0])).To(Equal([]string{"v"}), "unreadable, yet the time's field")
		rows = decodeWith(jsonframe.Options{TimeField: "0"}, `[[7,8]]`)
		Expect(rows[0].Time).To(Equal(at(7, 0)))
		Expect(names(rows[0])).To(Equal([]string{"value.1"}))
	})

	It("gives rows without a readable time their arrival time, and says and counts why", func() {
		d, err := jsonframe.NewDecoder(jsonframe.Options{TimeField: "ts"})
		Expect(err).NotTo(HaveOccurred())
		rows, err := d.Decode([]byte(`[{"ts":1},{"v":1},{"ts":null},{"ts":"soon"},{"ts":[1]},7]`), arrival)
		Expect(err).NotTo(HaveOccurred())
		var sources []jsonframe.TimeSource
		for _, r := range rows {
			sources = append(sources, r.TimeSource)
			if r.TimeSource.Fallback() {
				Expect(r.Time).To(Equal(arrival))
			}
		}
		Expect(sources).To(Equal([]jsonframe.TimeSource{
			jsonframe.TimePayload, jsonframe.TimeMissing, jsonframe.TimeMissing,
			jsonframe.TimeUnreadable, jsonframe.TimeUnreadable, jsonframe.TimeMissing,
		}))
		Expect(d.Stats()).To(Equal(jsonframe.DecodeStats{Payloads: 1, Rows: 6, TimeMissing: 3, TimeUnreadable: 2}))
	})

	It("refuses what is not JSON with one error type, quoting a short excerpt, and counts it", func() {
		d := &jsonframe.Decoder{}
		bad := []string{"", " ", "{", `{"a":}`, "[1,]", "01", "'a'", "NaN", "{} x", "1 2", `{"a" 1}`, "tru", `"\x"`, "\x00",
			"\"a\x01\"", "-", "1.", ".5", "+1", `{"a":1,}`, strings.Repeat("x", 5000)}
		for _, p := range bad {
			rows, err := d.Decode([]byte(p), arrival)
			Expect(rows).To(BeNil())
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue(), "%q", p)
			Expect(fe.Field).To(Equal("payload"))
			Expect(err).To(MatchError(streaming.ErrMalformed))
			Expect(len(err.Error())).To(BeNumerically("<", 120), "%q", p)
		}
		Expect(d.Stats().NotJSON).To(BeEquivalentTo(len(bad)))
		Expect(d.Stats().TooLarge).To(BeZero())
	})

	It("refuses payloads larger than MaxPayloadBytes, and counts them", func() {
		d, err := jsonframe.NewDecoder(jsonframe.Options{MaxPayloadBytes: 10})
		Expect(err).NotTo(HaveOccurred())
		_, err = d.Decode([]byte(`{"a":12345}`), arrival)
		Expect(err).To(MatchError(streaming.ErrOutOfBounds))
		Expect(err).To(MatchError(ContainSubstring("at most 10 bytes, got 11")))
		rows, err := d.Decode([]byte(`{"a":1234}`), arrival)
		Expect(err).NotTo(HaveOccurred())
		Expect(rows).To(HaveLen(1))
		Expect(d.Stats().TooLarge).To(BeEquivalentTo(1))

		_, err = (&jsonframe.Decoder{}).Decode(make([]byte, jsonframe.DefaultMaxPayloadBytes+1), arrival)
		Expect(err).To(MatchError(streaming.ErrOutOfBounds), "1 MiB by default")
	})

	It("refuses payloads nested deeper than MaxNesting, and reads one nested that deep", func() {
		deep := func(n int) []byte {
			return []byte(strings.Repeat(`{"a":[`, n/2) + strings.Repeat(`]}`, n/2))
		}
		d := &jsonframe.Decoder{}
		_, err := d.Decode(deep(jsonframe.MaxNesting+2), arrival)
		Expect(err).To(MatchError(streaming.ErrOutOfBounds))
		Expect(err).To(MatchError(ContainSubstring("nested")))
		Expect(d.Stats().TooLarge).To(BeEquivalentTo(1))
		rows, err := d.Decode(deep(jsonframe.MaxNesting), arrival)
		Expect(err).NotTo(HaveOccurred())
		Expect(names(rows[0])).To(Equal([]string{"a.0.a.0.a.0.a.0"}))
		Expect(fields(rows[0])["a.0.a.0.a.0.a.0"].Str).To(HavePrefix(`{"a":[{"a":[`))
		// Brackets in strings do not count.
		rows, err = d.Decode([]byte(`{"s":"`+strings.Repeat("[", 2*jsonframe.MaxNesting)+`"}`), arrival)
		Expect(err).NotTo(HaveOccurred())
		Expect(rows).To(HaveLen(1))
	})

	It("replaces bytes that are not UTF-8 in keys and strings", func() {
		rows := decode("{\"k\xff\":\"v\xfe\xfd\",\"d\":{\"x\":\"\xc3\"}}")
		Expect(fields(rows[0])).To(Equal(map[string]jsonframe.Value{"k\uFFFD": str("v\uFFFD"), "d.x": str("\uFFFD")}))
		rows = decodeWith(jsonframe.Options{MaxDepth: 1}, "{\"d\":{\"x\":\"\xc3\"}}")
		Expect(fields(rows[0])).To(Equal(map[string]jsonframe.Value{"d": str("{\"x\":\"\uFFFD\"}")}))
	})

	It("returns rows that share nothing with the payload or with later payloads", func() {
		d := &jsonframe.Decoder{}
		payload := []byte(`{"name":"kitchen","n":{"s":"deep"}}`)
		first, err := d.Decode(payload, arrival)
		Expect(err).NotTo(HaveOccurred())
		for i := range payload {
			payload[i] = ' '
		}
		_, err = d.Decode([]byte(`{"name":"cellar","n":{"s":"other"}}`), arrival)
		Expect(err).NotTo(HaveOccurred())
		Expect(fields(first[0])).To(Equal(map[string]jsonframe.Value{"name": str("kitchen"), "n.s": str("deep")}))
	})

	It("keeps the strings of a payload within a budget when Fields select its text again and again", func() {
		long := strings.Repeat("x", 10_000)
		d, err := jsonframe.NewDecoder(jsonframe.Options{Fields: []string{"a", "@this.a", "@this|a", "a|@this"}})
		Expect(err).NotTo(HaveOccurred())
		rows, err := d.Decode([]byte(`{"a":"`+long+`"}`), arrival)
		Expect(err).NotTo(HaveOccurred())
		Expect(names(rows[0])).To(Equal([]string{"a", "@this.a"}))
		Expect(d.Stats().FieldsDropped).To(BeEquivalentTo(2))
	})

	It("counts payloads and rows; the zero Decoder has the default options", func() {
		d := &jsonframe.Decoder{}
		for _, p := range []string{`[1,2,3]`, `null`, `{"a":1}`} {
			_, err := d.Decode([]byte(p), arrival)
			Expect(err).NotTo(HaveOccurred())
		}
		Expect(d.Stats()).To(Equal(jsonframe.DecodeStats{Payloads: 3, Rows: 4}))
		Expect(d.Options()).To(Equal(jsonframe.Options{MaxDepth: 8, MaxFields: 256, MaxPayloadBytes: 1 << 20}))
	})

	It("let a row's value be looked up by name, and name types and time sources", func() {
		r := decode(`{"a":{"b":"x"},"n":null}`)[0]
		v, ok := r.Get("a.b")
		Expect(ok).To(BeTrue())
		Expect(v).To(Equal(str("x")))
		v, ok = r.Get("n")
		Expect([]any{v, ok}).To(Equal([]any{null(), true}))
		_, ok = r.Get("a")
		Expect(ok).To(BeFalse())
		Expect([]string{jsonframe.TypeNull.String(), jsonframe.TypeNumber.String(), jsonframe.TypeString.String(), jsonframe.TypeBool.String()}).
			To(Equal([]string{"null", "number", "string", "bool"}))
		Expect([]string{jsonframe.TimeArrival.String(), jsonframe.TimePayload.String(), jsonframe.TimeMissing.String(), jsonframe.TimeUnreadable.String()}).
			To(Equal([]string{"arrival", "payload", "missing", "unreadable"}))
		Expect([]bool{jsonframe.TimeArrival.Fallback(), jsonframe.TimePayload.Fallback(), jsonframe.TimeMissing.Fallback(), jsonframe.TimeUnreadable.Fallback()}).
			To(Equal([]bool{false, false, true, true}))
	})

	It("stamps a payload's rows with the arrival time given, not the clock's", func() {
		then := time.Date(2001, 2, 3, 4, 5, 6, 7, time.UTC)
		d := &jsonframe.Decoder{}
		rows, err := d.Decode([]byte(`[1,2]`), then)
		Expect(err).NotTo(HaveOccurred())
		Expect(rows[0].Time).To(Equal(then))
		Expect(rows[1].Time).To(Equal(then))
	})
})

var _ = Describe("Options", func() {
	It("accept zero values, meaning the defaults, and values up to the ceilings", func() {
		Expect(jsonframe.Options{}.Validate()).To(Succeed())
		Expect(jsonframe.Options{
			MaxDepth: jsonframe.DepthCeiling, MaxFields: jsonframe.FieldsCeiling, MaxPayloadBytes: jsonframe.PayloadCeiling,
			TimeField: strings.Repeat("a", jsonframe.MaxPathBytes), Fields: make([]string, 0, jsonframe.MaxPaths),
		}.Validate()).To(Succeed())
	})

	DescribeTable("refuse values out of bounds, naming the option",
		func(opts jsonframe.Options, field string) {
			err := opts.Validate()
			Expect(err).To(MatchError(streaming.ErrOutOfBounds))
			var fe *streaming.FieldError
			Expect(errors.As(err, &fe)).To(BeTrue())
			Expect(fe.Field).To(Equal(field))
			_, err = jsonframe.NewDecoder(opts)
			Expect(err).To(MatchError(streaming.ErrOutOfBounds))
		},
		Entry("negative depth", jsonframe.Options{MaxDepth: -1}, "maxDepth"),
		Entry("depth above the ceiling", jsonframe.Options{MaxDepth: jsonframe.DepthCeiling + 1}, "maxDepth"),
		Entry("negative fields", jsonframe.Options{MaxFields: -1}, "maxFields"),
		Entry("fields above the ceiling", jsonframe.Options{MaxFields: jsonframe.FieldsCeiling + 1}, "maxFields"),
		Entry("payload above the ceiling", jsonframe.Options{MaxPayloadBytes: jsonframe.PayloadCeiling + 1}, "maxPayloadBytes"),
		Entry("a long time path", jsonframe.Options{TimeField: strings.Repeat("a", jsonframe.MaxPathBytes+1)}, "timeField"),
		Entry("too many paths", jsonframe.Options{Fields: make([]string, jsonframe.MaxPaths+1)}, "fields"),
		Entry("an empty path", jsonframe.Options{Fields: []string{"a", ""}}, "fields"),
	)
})
