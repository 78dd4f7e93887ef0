package jsonframe_test

import (
	"testing"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// sensorPayload is a typical sensor's message: ten fields, its time in
// milliseconds.
var sensorPayload = []byte(`{"ts":1795521600123,"device":"kitchen-1","temp":21.5,"humidity":48.2,"pressure":1013.25,` +
	`"battery":87,"rssi":-67,"online":true,"co2":412,"voc":0.31}`)

// nestedPayload is a sensor's message with nested objects and an array.
var nestedPayload = []byte(`{"ts":"2026-11-24T12:00:00.123Z","device":{"id":"kitchen-1","fw":"1.4.2"},` +
	`"env":{"temp":21.5,"humidity":48.2,"pressure":1013.25},"power":{"battery":87,"charging":false},"accel":[0.01,-0.02,9.81]}`)

func benchDecode(b *testing.B, payload []byte) {
	d, err := jsonframe.NewDecoder(jsonframe.Options{TimeField: "ts"})
	if err != nil {
		b.Fatal(err)
	}
	arrival := time.Now()
	b.ReportAllocs()
	b.SetBytes(int64(len(payload)))
	for b.Loop() {
		rows, err := d.Decode(payload, arrival)
		if err != nil || len(rows) != 1 || rows[0].TimeSource != jsonframe.TimePayload {
			b.Fatal(rows, err)
		}
	}
}

// BenchmarkDecode is one typical 10-field sensor payload into its row.
func BenchmarkDecode(b *testing.B) { benchDecode(b, sensorPayload) }

// BenchmarkDecodeNested is a nested payload of 11 fields, its time in RFC
// 3339.
func BenchmarkDecodeNested(b *testing.B) { benchDecode(b, nestedPayload) }

// BenchmarkObserve is a schema observing a known row.
func BenchmarkObserve(b *testing.B) {
	rows, err := (&jsonframe.Decoder{}).Decode(sensorPayload, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	var s jsonframe.Schema
	s.Observe(rows)
	b.ReportAllocs()
	for b.Loop() {
		s.Observe(rows)
	}
}

// BenchmarkColumns is a 100-row frame of sensor rows from reused columns:
// a flush window's frame of a busy topic.
func BenchmarkColumns(b *testing.B) {
	d := &jsonframe.Decoder{}
	var rows []jsonframe.Row
	for range 100 {
		r, err := d.Decode(sensorPayload, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		rows = append(rows, r...)
	}
	var s jsonframe.Schema
	s.Observe(rows)
	var c jsonframe.Columns
	labels := data.Labels{"topic": "home/kitchen"}
	b.ReportAllocs()
	for b.Loop() {
		c.Frame(&s, rows, labels)
	}
}
