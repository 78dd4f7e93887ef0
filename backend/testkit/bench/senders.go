package bench

import "github.com/grafana/grafana-plugin-sdk-go/data"

// FrameSender sends whole frames the way the SDK's *backend.StreamSender
// does: encoded with data.FrameToJSON, with the parts include asks for.
type FrameSender interface {
	SendFrame(frame *data.Frame, include data.FrameInclude) error
}
