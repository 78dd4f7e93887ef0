package streaming

import (
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/data"
)

// Encoder turns one stream's frames into the JSON packets Grafana Live
// expects. The schema travels with the first frame and with any frame whose
// schema differs from the one before; every other frame is data only, which
// is what keeps a busy stream small on the wire. An Encoder serves one
// stream and is not safe for concurrent use.
type Encoder struct {
	last *data.FrameJSONCache
}

// Encode returns f's packet and whether it carries the schema.
func (e *Encoder) Encode(f *data.Frame) ([]byte, data.FrameInclude, error) {
	cache, err := data.FrameToJSONCache(f)
	if err != nil {
		return nil, 0, fmt.Errorf("encoding frame: %w", err)
	}
	include := data.IncludeDataOnly
	if !e.last.SameSchema(&cache) {
		include = data.IncludeAll
	}
	e.last = &cache
	return cache.Bytes(include), include, nil
}
