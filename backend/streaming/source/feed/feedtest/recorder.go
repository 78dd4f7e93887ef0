package feedtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Recorder keeps every packet sent to it, and can be stalled. It is safe
// for concurrent use.
type Recorder struct {
	mu      sync.Mutex
	packets [][]byte
	gate    chan struct{}
}

// SendBytes keeps a copy of packet; while the Recorder is stalled it first
// waits for the release.
func (r *Recorder) SendBytes(packet []byte) error {
	r.mu.Lock()
	gate := r.gate
	r.mu.Unlock()
	if gate != nil {
		<-gate
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.packets = append(r.packets, bytes.Clone(packet))
	return nil
}

// Stall makes sends wait until release is called.
func (r *Recorder) Stall() (release func()) {
	gate := make(chan struct{})
	r.mu.Lock()
	r.gate = gate
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		r.gate = nil
		r.mu.Unlock()
		close(gate)
	}
}

// Count is how many packets were sent.
func (r *Recorder) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.packets)
}

// Packets returns copies of the packets sent so far.
func (r *Recorder) Packets() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([][]byte, len(r.packets))
	for i, p := range r.packets {
		out[i] = bytes.Clone(p)
	}
	return out
}

// Frames reads the packets as Grafana's frontend does: a packet with a
// schema replaces the schema, a data-only packet is read with the last
// one. It fails when a packet has data before any schema, or a data-only
// packet has another field count than the last schema (Grafana's "push
// message mismatch"), naming the packet.
func (r *Recorder) Frames() ([]*data.Frame, error) {
	var out []*data.Frame
	var schema json.RawMessage
	for i, p := range r.Packets() {
		var msg struct {
			Schema json.RawMessage `json:"schema"`
			Data   json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(p, &msg); err != nil {
			return nil, fmt.Errorf("packet %d: %w", i, err)
		}
		if msg.Schema != nil {
			schema = msg.Schema
		}
		if schema == nil {
			return nil, fmt.Errorf("packet %d has data before any schema", i)
		}
		var s struct {
			Fields []json.RawMessage `json:"fields"`
		}
		var d struct {
			Values []json.RawMessage `json:"values"`
		}
		if err := json.Unmarshal(schema, &s); err != nil {
			return nil, fmt.Errorf("packet %d: schema: %w", i, err)
		}
		if err := json.Unmarshal(msg.Data, &d); err != nil {
			return nil, fmt.Errorf("packet %d: data: %w", i, err)
		}
		if len(d.Values) != len(s.Fields) {
			return nil, fmt.Errorf("packet %d: push message mismatch: the schema has %d fields, the data %d", i, len(s.Fields), len(d.Values))
		}
		// The SDK reads the schema first, then the data.
		f := &data.Frame{}
		if err := json.Unmarshal([]byte(`{"schema":`+string(schema)+`,"data":`+string(msg.Data)+`}`), f); err != nil {
			return nil, fmt.Errorf("packet %d: %w", i, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// Values lists, over every packet, the non-null values of the fields named
// name, as text (fmt.Sprint); nil when the packets cannot be read.
func (r *Recorder) Values(name string) []string {
	frames, err := r.Frames()
	if err != nil {
		return nil
	}
	var out []string
	for _, f := range frames {
		out = append(out, Values(f, name)...)
	}
	return out
}

// Values lists the non-null values of the fields of f named name, as text
// (fmt.Sprint); nil for a nil f.
func Values(f *data.Frame, name string) []string {
	if f == nil {
		return nil
	}
	var out []string
	for _, field := range f.Fields {
		if field.Name != name {
			continue
		}
		for i := range field.Len() {
			if v, ok := field.ConcreteAt(i); ok {
				out = append(out, fmt.Sprint(v))
			}
		}
	}
	return out
}

// Text is the values of a field as text, nulls as "null".
func Text(f *data.Field) []string {
	out := make([]string, f.Len())
	for i := range out {
		if v, ok := f.ConcreteAt(i); ok {
			out[i] = fmt.Sprint(v)
		} else {
			out[i] = "null"
		}
	}
	return out
}
