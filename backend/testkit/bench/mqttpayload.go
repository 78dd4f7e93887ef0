package bench

import (
	"encoding/base64"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// MQTTSentField is the payload key that carries a message's publish time,
// in Unix nanoseconds: the host reads it back from the frames to time the
// trip from publisher to host.
const MQTTSentField = "sent"

// MQTTPayload is a benchmark message: {"sent":<sent in Unix ns>,"v":<v>}.
func MQTTPayload(sent time.Time, v int64) []byte {
	b := make([]byte, 0, 48)
	b = append(b, `{"`+MQTTSentField+`":`...)
	b = strconv.AppendInt(b, sent.UnixNano(), 10)
	b = append(b, `,"v":`...)
	b = strconv.AppendInt(b, v, 10)
	return append(b, '}')
}

// SentTimes reads the publish times a stream frame's rows carry: the
// number field MQTTSentField, or "sent <topic>" as Pulse names it on a
// channel with wildcards. Rows without one (null) are skipped; a frame
// without such a field has none. Both Pulse and the MQTT reference carry
// the value as a float64, so a time is exact to 256 ns.
func SentTimes(f *data.Frame) []time.Time {
	if f == nil {
		return nil
	}
	var times []time.Time
	for _, field := range f.Fields {
		if field.Name != MQTTSentField && !strings.HasPrefix(field.Name, MQTTSentField+" ") {
			continue
		}
		if !field.Type().Numeric() {
			continue
		}
		for i := range field.Len() {
			v, err := field.FloatAt(i)
			if err != nil || math.IsNaN(v) {
				continue
			}
			times = append(times, time.Unix(0, int64(v)))
		}
	}
	return times
}

// MQTTFlushMs is the flush window of Pulse's MQTT channels in the
// benchmark: the default, and the reference's tick.
const MQTTFlushMs = 100

// PulseMQTTPath is the channel path Pulse writes for a streaming MQTT
// query on topic with flushMs, no timeField and the given fields:
// "mqtt/v1/<flushMs>/<base64url(topic NUL [NUL field]…)>", the format
// package feed documents. MQTTRig.CheckPulsePath checks it against the
// plugin's own answer to a query before the section relies on it.
func PulseMQTTPath(topic string, flushMs int64, fields ...string) string {
	query := topic + "\x00"
	for _, f := range fields {
		query += "\x00" + f
	}
	return "mqtt/v1/" + strconv.FormatInt(flushMs, 10) + "/" + base64.RawURLEncoding.EncodeToString([]byte(query))
}

// MQTTPulseInstance is the Pulse data source of the MQTT section: an MQTT
// data source on the broker at uri, with the default history and limits.
func MQTTPulseInstance(uri string) pluginhost.Instance {
	return pluginhost.Instance{UID: "bench-mqtt", Name: "Pulse benchmarks, MQTT", JSONData: []byte(fmt.Sprintf(`{"source":"mqtt","uri":%q}`, uri))}
}

// MQTTReferenceInstance is the reference plugin's data source of the MQTT
// section: the broker at uri, under grafana/mqtt-datasource's setting name.
func MQTTReferenceInstance(uri string) pluginhost.Instance {
	return pluginhost.Instance{UID: "bench-mqtt-reference", Name: "MQTT reference", JSONData: []byte(fmt.Sprintf(`{"uri":%q}`, uri))}
}

// PromSum adds up every sample of metric name, whatever its labels, in
// Prometheus text exposition; false when there is none. Pulse's feed
// metrics carry labels (source, datasource), which PromValue does not
// read.
func PromSum(text, name string) (float64, bool) {
	var sum float64
	found := false
	for line := range strings.Lines(text) {
		rest, ok := strings.CutPrefix(line, name)
		if !ok || rest == "" {
			continue
		}
		switch rest[0] {
		case ' ':
		case '{':
			end := strings.LastIndexByte(rest, '}')
			if end < 0 {
				continue
			}
			rest = rest[end+1:]
		default:
			continue // another metric whose name starts with name
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			continue
		}
		v, err := strconv.ParseFloat(fields[0], 64)
		if err != nil {
			continue
		}
		sum += v
		found = true
	}
	return sum, found
}
