package pluginhost

import (
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// Frames decodes the Arrow-encoded frames of one query's response.
func Frames(resp *pluginv2.DataResponse) (data.Frames, error) {
	if resp == nil {
		return nil, nil
	}
	if resp.Format != pluginv2.DataFrameFormat_ARROW {
		return nil, fmt.Errorf("frames are in format %v, not Arrow", resp.Format)
	}
	frames, err := data.UnmarshalArrowFrames(resp.Frames)
	if err != nil {
		return nil, fmt.Errorf("decoding Arrow frames: %w", err)
	}
	return frames, nil
}
