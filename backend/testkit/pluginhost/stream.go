package pluginhost

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// Stream reads a running RunStream call packet by packet, decoding each with
// a FrameDecoder. It is not safe for concurrent use.
type Stream struct {
	call    pluginv2.Stream_RunStreamClient
	decoder FrameDecoder
}

// RunStream starts the plugin's stream for req, as Grafana does for the
// first subscriber of a channel. Cancelling ctx ends the stream, as Grafana
// does after the last subscriber left.
func (h *Host) RunStream(ctx context.Context, req *pluginv2.RunStreamRequest) (*Stream, error) {
	call, err := h.Stream.RunStream(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("RunStream %q: %w", req.GetPath(), err)
	}
	return &Stream{call: call}, nil
}

// Next waits for the next packet and decodes it. When the stream ended it
// returns the gRPC status error the call ended with (codes.Canceled after
// the context was cancelled; io.EOF when the plugin returned nil).
func (s *Stream) Next() (Packet, error) {
	raw, err := s.Recv()
	if err != nil {
		return Packet{}, err
	}
	return s.decoder.Decode(raw)
}

// Recv waits for the next packet and returns its JSON as the plugin sent
// it, undecoded, as Grafana passes it on to a channel's subscribers. It ends
// as Next does. Use either Recv or Next on a Stream, not both: Recv does not
// teach Next's decoder the schemas it passes by.
func (s *Stream) Recv() ([]byte, error) {
	p, err := s.call.Recv()
	if err != nil {
		return nil, err
	}
	return p.GetData(), nil
}
