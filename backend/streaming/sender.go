package streaming

// PacketSender is where a stream sends encoded frames; the SDK's
// *backend.StreamSender is one. SendBytes rather than SendJSON: the Encoder
// writes valid JSON, so checking it again would only cost time.
type PacketSender interface {
	SendBytes(packet []byte) error
}

// DefaultMaxFrameBytes is the most a frame's data takes by default: 28 KiB,
// so that a frame with its schema and the gRPC message around it stays
// within 32 KiB. gRPC-Go takes each message's buffer from a pool whose
// sizes are 256 B, 4, 16 and 32 KiB and then 1 MiB: a stalled stream keeps
// its queued messages' buffers, and one of more than 32 KiB would pin a
// whole MiB.
const DefaultMaxFrameBytes = 28 << 10
