package pluginhost

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Packet is one decoded RunStream packet.
type Packet struct {
	// Frame holds the packet's rows under the stream's schema: the packet's
	// own when it carried one, otherwise the last one seen.
	Frame *data.Frame
	// HasSchema says whether the packet carried a schema (data.IncludeAll or
	// data.IncludeSchemaOnly) rather than data only.
	HasSchema bool
	// Raw is the packet's JSON as it arrived.
	Raw []byte
}

// ErrNoSchema is returned for a data-only packet that arrives before any
// packet with a schema: such a packet cannot be read.
var ErrNoSchema = errors.New("a data-only frame arrived before any schema")

// FrameDecoder turns the JSON frames of a stream into frames. It remembers
// the schema of the last packet that carried one, so that it can read the
// data-only packets ({"data":{"values":[…]}}) that follow, as Grafana Live's
// clients do. The zero value is ready to use; it is not safe for concurrent
// use.
type FrameDecoder struct {
	schema *data.Frame
}

// Decode reads one packet.
func (d *FrameDecoder) Decode(raw []byte) (Packet, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return Packet{}, fmt.Errorf("stream packet is not a JSON object: %w", err)
	}
	for key := range top {
		if key != "schema" && key != "data" {
			return Packet{}, fmt.Errorf("stream packet has an unexpected key %q", key)
		}
	}
	if _, ok := top["schema"]; ok {
		frame := &data.Frame{}
		if err := json.Unmarshal(raw, frame); err != nil {
			return Packet{}, fmt.Errorf("decoding a stream frame with schema: %w", err)
		}
		d.schema = schemaOf(frame)
		return Packet{Frame: frame, HasSchema: true, Raw: raw}, nil
	}
	if d.schema == nil {
		return Packet{}, ErrNoSchema
	}
	frame := schemaOf(d.schema)
	if err := data.AppendJSONData(frame, raw); err != nil {
		return Packet{}, fmt.Errorf("decoding a data-only stream frame: %w", err)
	}
	return Packet{Frame: frame, Raw: raw}, nil
}

// Schema is the last schema seen, as a frame without rows, or nil.
func (d *FrameDecoder) Schema() *data.Frame {
	if d.schema == nil {
		return nil
	}
	return schemaOf(d.schema)
}

// schemaOf is an empty frame with f's name, refId, meta and fields.
func schemaOf(f *data.Frame) *data.Frame {
	empty := f.EmptyCopy()
	empty.Meta = f.Meta
	for i, field := range f.Fields {
		empty.Fields[i].Config = field.Config
	}
	return empty
}
