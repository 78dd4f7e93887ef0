package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	jsoniter "github.com/json-iterator/go"
)

// MQTTReferenceTick is the MQTT reference's query interval: every tick it
// sends one frame holding the messages that came since the tick before.
const MQTTReferenceTick = 100 * time.Millisecond

// The reference plugin's paths that run the MQTT reference, "mqtt/<topic>",
// and the MQTT client floor, "mqtt-floor/<topic>".
const (
	mqttReferencePrefix = "mqtt/"
	mqttFloorPrefix     = "mqtt-floor/"
)

// MQTTReferencePath is the reference plugin's channel path that streams
// topic with the MQTT reference.
func MQTTReferencePath(topic string) string { return mqttReferencePrefix + topic }

// MQTTFloorPath is the reference plugin's channel path that runs the MQTT
// client floor on topic (MQTTReference.RunFloor).
func MQTTFloorPath(topic string) string { return mqttFloorPrefix + topic }

// ParseMQTTReferencePath returns the topic of an MQTT reference or floor
// path, whether it is the floor's, and whether path is either.
func ParseMQTTReferencePath(path string) (topic string, floor, ok bool) {
	if topic, ok := strings.CutPrefix(path, mqttFloorPrefix); ok {
		return topic, true, topic != ""
	}
	topic, ok = strings.CutPrefix(path, mqttReferencePrefix)
	return topic, false, ok && topic != ""
}

// MQTTReference is the benchmarks' reference for streaming MQTT: a stream
// handler that works the way grafana/mqtt-datasource does, written here
// for the comparison (none of its code is that project's). One paho
// (MQTT 3.1.1) connection per broker serves every stream of the process;
// a stream subscribes to its topic with QoS 0, and the subscription's
// callback appends each message, with its arrival time, to a slice that
// nothing bounds. Every MQTTReferenceTick the stream takes the slice,
// builds one frame from it (a time field, the arrival times, and one
// nullable number field per top-level numeric key of the JSON payloads)
// and sends it with its schema (data.IncludeAll) through the SDK's
// StreamSender, which encodes it with data.FrameToJSON, empty or not. Its
// defining traits are kept on purpose: the slice grows without bound while
// a send waits, and every frame carries its schema.
//
// It differs from grafana/mqtt-datasource in two details: the slice is
// appended to under a mutex (the original appends without one, a data
// race; the lock costs tens of nanoseconds a message), and a message finds
// its streams by a map lookup rather than a scan of every subscribed topic
// (which makes the reference cheaper than the original with many topics).
type MQTTReference struct {
	mu      sync.Mutex
	clients map[string]*refClient
}

// NewMQTTReference makes an MQTT reference with no connection yet; each
// broker is connected on its first stream.
func NewMQTTReference() *MQTTReference {
	return &MQTTReference{clients: map[string]*refClient{}}
}

// refClient is one broker connection and the sinks of its streams.
type refClient struct {
	paho paho.Client

	mu    sync.Mutex
	sinks map[string][]refSink // by topic
}

// refSink is where one stream's messages go.
type refSink interface{ add(MQTTReferenceMessage) }

// refBuffer is one stream's messages since its last tick: a slice that
// nothing bounds.
type refBuffer struct {
	mu       sync.Mutex
	messages []MQTTReferenceMessage
}

// MQTTReferenceMessage is a message as the MQTT reference keeps it: when
// it arrived and its payload.
type MQTTReferenceMessage struct {
	Arrival time.Time
	Payload []byte
}

func (b *refBuffer) add(m MQTTReferenceMessage) {
	b.mu.Lock()
	b.messages = append(b.messages, m)
	b.mu.Unlock()
}

// take returns the messages since the last take and starts a new slice.
func (b *refBuffer) take() []MQTTReferenceMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	messages := b.messages
	b.messages = []MQTTReferenceMessage{}
	return messages
}

// mqttReferenceSettings are the reference data source's jsonData: the
// broker's uri, under grafana/mqtt-datasource's name.
type mqttReferenceSettings struct {
	URI string `json:"uri"`
}

// clientOf is the connection to the broker jsonData names.
func (r *MQTTReference) clientOf(jsonData []byte) (*refClient, error) {
	var s mqttReferenceSettings
	if err := json.Unmarshal(jsonData, &s); err != nil || s.URI == "" {
		return nil, fmt.Errorf("MQTT reference: jsonData needs a uri: %s", jsonData)
	}
	return r.client(s.URI)
}

// RunStream streams topic from the broker jsonData names, one frame per
// tick, until ctx ends (then it returns ctx's error) or a send fails.
func (r *MQTTReference) RunStream(ctx context.Context, jsonData []byte, topic string, sender FrameSender) error {
	buf := &refBuffer{}
	return r.tick(ctx, jsonData, topic, buf, sender, func(time.Time) *data.Frame { return MQTTReferenceFrame(buf.take()) })
}

// tick subscribes sink to topic on the broker jsonData names and, every
// MQTTReferenceTick, sends the frame frame makes with its schema, until ctx
// ends (then it returns ctx's error) or a send fails.
func (r *MQTTReference) tick(ctx context.Context, jsonData []byte, topic string, sink refSink, sender FrameSender, frame func(now time.Time) *data.Frame) error {
	c, err := r.clientOf(jsonData)
	if err != nil {
		return err
	}
	unsubscribe, err := c.subscribe(topic, sink)
	if err != nil {
		return err
	}
	defer unsubscribe()
	ticker := time.NewTicker(MQTTReferenceTick)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case now := <-ticker.C:
			if err := sender.SendFrame(frame(now), data.IncludeAll); err != nil {
				return err
			}
		}
	}
}

// client is the connection to uri, made on first use.
func (r *MQTTReference) client(uri string) (*refClient, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.clients[uri]; ok {
		return c, nil
	}
	var id [8]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails.
	opts := paho.NewClientOptions().AddBroker(uri).SetClientID("pulse-bench-ref-" + hex.EncodeToString(id[:])).
		SetProtocolVersion(4).SetAutoReconnect(true).SetConnectTimeout(10 * time.Second)
	p := paho.NewClient(opts)
	tok := p.Connect()
	if !tok.WaitTimeout(20 * time.Second) {
		p.Disconnect(0)
		return nil, fmt.Errorf("MQTT reference: no CONNACK from %s", uri)
	}
	if err := tok.Error(); err != nil {
		return nil, fmt.Errorf("MQTT reference: connecting to %s: %w", uri, err)
	}
	c := &refClient{paho: p, sinks: map[string][]refSink{}}
	r.clients[uri] = c
	return c, nil
}

// subscribe sends topic's messages to sink until unsubscribe, subscribing
// the topic at QoS 0 when no other stream has it.
func (c *refClient) subscribe(topic string, sink refSink) (unsubscribe func(), err error) {
	c.mu.Lock()
	first := len(c.sinks[topic]) == 0
	c.sinks[topic] = append(c.sinks[topic], sink)
	c.mu.Unlock()
	unsubscribe = func() {
		c.mu.Lock()
		sinks := c.sinks[topic]
		for i, s := range sinks {
			if s == sink {
				sinks = append(sinks[:i:i], sinks[i+1:]...)
				break
			}
		}
		last := len(sinks) == 0
		if last {
			delete(c.sinks, topic)
		} else {
			c.sinks[topic] = sinks
		}
		c.mu.Unlock()
		if last {
			c.paho.Unsubscribe(topic).WaitTimeout(10 * time.Second)
		}
	}
	if first {
		tok := c.paho.Subscribe(topic, 0, func(_ paho.Client, m paho.Message) {
			msg := MQTTReferenceMessage{Arrival: time.Now(), Payload: m.Payload()}
			c.mu.Lock()
			sinks := c.sinks[topic] // the filter subscribed, wildcards and all
			c.mu.Unlock()
			for _, s := range sinks {
				s.add(msg)
			}
		})
		if !tok.WaitTimeout(20 * time.Second) {
			unsubscribe()
			return nil, errors.New("MQTT reference: no SUBACK for " + topic)
		}
		if err := tok.Error(); err != nil {
			unsubscribe()
			return nil, fmt.Errorf("MQTT reference: subscribing to %s: %w", topic, err)
		}
	}
	return unsubscribe, nil
}

// MQTTFloorField is the one value field of the floor's frames: the
// messages received since the tick before.
const MQTTFloorField = "messages"

// floorCounter counts a floor stream's messages.
type floorCounter struct{ n atomic.Int64 }

func (f *floorCounter) add(MQTTReferenceMessage) { f.n.Add(1) }

// RunFloor is the MQTT client floor: the MQTT reference's connection and
// subscription (the same paho client, QoS 0, the same callback taking the
// arrival time), whose stream only counts the messages and sends, every
// MQTTReferenceTick, a one-row frame with their number (MQTTFloorField).
// What it costs per message is what receiving a message costs any design
// built on paho.mqtt.golang: the least a Pulse row can cost.
func (r *MQTTReference) RunFloor(ctx context.Context, jsonData []byte, topic string, sender FrameSender) error {
	counter := &floorCounter{}
	return r.tick(ctx, jsonData, topic, counter, sender, func(now time.Time) *data.Frame {
		return data.NewFrame("floor", data.NewField("Time", nil, []time.Time{now}),
			data.NewField(MQTTFloorField, nil, []int64{counter.n.Swap(0)}))
	})
}

// FloorMessages is the number of messages a floor frame counts, 0 for any
// other frame.
func FloorMessages(f *data.Frame) int64 {
	if f == nil {
		return 0
	}
	var n int64
	for _, field := range f.Fields {
		if field.Name != MQTTFloorField || field.Type() != data.FieldTypeInt64 {
			continue
		}
		for i := range field.Len() {
			n += field.At(i).(int64)
		}
	}
	return n
}

// MQTTReferenceFrame is the frame the MQTT reference builds from one
// tick's messages: "Time", their arrival times, then one nullable number
// field per top-level key whose value is a JSON number, in order of first
// appearance, null in the rows that lack it. A payload that is not a JSON
// object still gives its row a time. No messages give a frame of a time
// field and no rows.
func MQTTReferenceFrame(messages []MQTTReferenceMessage) *data.Frame {
	return referenceFrame("mqtt", messages)
}

// referenceFrame is MQTTReferenceFrame under the frame name name.
func referenceFrame(name string, messages []MQTTReferenceMessage) *data.Frame {
	timeField := data.NewFieldFromFieldType(data.FieldTypeTime, 0)
	timeField.Name = "Time"
	fields := []*data.Field{timeField}
	index := map[string]*data.Field{}
	for row, m := range messages {
		iter := jsoniter.ParseBytes(jsoniter.ConfigDefault, m.Payload)
		if iter.WhatIsNext() == jsoniter.ObjectValue {
			for key := iter.ReadObject(); key != ""; key = iter.ReadObject() {
				if iter.WhatIsNext() != jsoniter.NumberValue {
					iter.Skip()
					continue
				}
				v := iter.ReadFloat64()
				f, ok := index[key]
				if !ok {
					f = data.NewFieldFromFieldType(data.FieldTypeNullableFloat64, 0)
					f.Name = key
					index[key] = f
					fields = append(fields, f)
				}
				if f.Len() < row {
					f.Extend(row - f.Len())
				}
				if f.Len() == row { // a key repeated in one payload counts once
					f.Append(&v)
				}
			}
		}
		timeField.Append(m.Arrival)
		for _, f := range fields[1:] {
			if f.Len() <= row {
				f.Extend(row + 1 - f.Len())
			}
		}
	}
	return data.NewFrame(name, fields...)
}
