package streaming

import (
	"bytes"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Encoder turns one stream's frames into the JSON packets Grafana Live
// expects. The schema travels with the first frame and with any frame whose
// schema differs from the one before; every other frame is data only, which
// is what keeps a busy stream small on the wire. An Encoder serves one
// stream and is not safe for concurrent use.
type Encoder struct {
	// schema is the JSON schema of the last frame, as the SDK writes it.
	schema []byte
}

// Encode returns f's packet and whether it carries the schema.
func (e *Encoder) Encode(f *data.Frame) ([]byte, data.FrameInclude, error) {
	// The schema alone is small: comparing its JSON is cheap next to the
	// data, and it is the SDK's own notion of "same schema".
	schema, err := data.FrameToJSON(f, data.IncludeSchemaOnly)
	if err != nil {
		return nil, 0, fmt.Errorf("encoding frame schema: %w", err)
	}
	include := data.IncludeDataOnly
	if e.schema == nil || !bytes.Equal(schema, e.schema) {
		include = data.IncludeAll
		e.schema = schema
	}
	packet, err := data.FrameToJSON(f, include)
	if err != nil {
		return nil, 0, fmt.Errorf("encoding frame: %w", err)
	}
	return packet, include, nil
}
