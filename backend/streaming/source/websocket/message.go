package websocket

import (
	"unicode/utf8"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// ParamSubscribeMessage is the query field of the text a connection sends
// right after every connect, for servers that wait for a subscription
// request ({"op": "subscribe", "channel": "ticker"}). Empty sends
// nothing.
const ParamSubscribeMessage = "subscribeMessage"

// MaxSubscribeMessageBytes bounds subscribeMessage: 16 KiB.
const MaxSubscribeMessageBytes = 16 << 10

// CheckSubscribeMessage says what is wrong with a subscribeMessage: it must
// be valid UTF-8 (it goes out as a WebSocket text message) of at most
// MaxSubscribeMessageBytes. The error is a *streaming.FieldError wrapping
// streaming.ErrMalformed that names the field.
func CheckSubscribeMessage(m string) error {
	switch {
	case len(m) > MaxSubscribeMessageBytes:
		return streaming.Malformed(ParamSubscribeMessage, "is %d bytes, more than %d: %s", len(m), MaxSubscribeMessageBytes, streaming.Excerpt(m))
	case !utf8.ValidString(m):
		return streaming.Malformed(ParamSubscribeMessage, "must be valid UTF-8 text (it is sent as a WebSocket text message)")
	}
	return nil
}
