package websocket

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/conf"
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

// ErrMessageNotAllowed marks a subscribeMessage that the data source's
// allowedSubscribeMessages does not list: a query's error, and
// PermissionDenied for a channel path that holds one.
var ErrMessageNotAllowed = fmt.Errorf("not in allowedSubscribeMessages: %w", streaming.ErrOutOfBounds)

// MaxAllowedSubscribeMessages is how many entries
// jsonData.allowedSubscribeMessages may list.
const MaxAllowedSubscribeMessages = 1000

// readAllowedSubscribeMessages reads jsonData.allowedSubscribeMessages:
// the subscribe messages queries may send, each checked as a query's is.
func readAllowedSubscribeMessages(jsonData []byte) ([]string, error) {
	list, err := conf.ReadStrings(jsonData, "allowedSubscribeMessages", "subscribe messages")
	if err != nil {
		return nil, err
	}
	if len(list) > MaxAllowedSubscribeMessages {
		return nil, streaming.OutOfBounds("allowedSubscribeMessages", "lists at most %d messages, got %d", MaxAllowedSubscribeMessages, len(list))
	}
	for i, m := range list {
		if err := CheckSubscribeMessage(m); err != nil {
			return nil, streaming.Malformed("allowedSubscribeMessages", "entry %d: %s", i+1, strings.TrimPrefix(err.Error(), ParamSubscribeMessage+": "))
		}
	}
	return list, nil
}

// subscribeMessageCheck is the check of a query's subscribeMessage for a
// data source whose allowedSubscribeMessages is allowed: a message the
// administrator did not list is refused (a viewer must not send the
// server any text with the data source's credentials); an empty list
// allows any.
func subscribeMessageCheck(allowed []string) func(string) error {
	return func(m string) error {
		if err := CheckSubscribeMessage(m); err != nil {
			return err
		}
		if len(allowed) > 0 && !slices.Contains(allowed, m) {
			return &streaming.FieldError{Field: ParamSubscribeMessage, Kind: ErrMessageNotAllowed,
				Reason: "is not one of this data source's allowedSubscribeMessages: " + streaming.Excerpt(m)}
		}
		return nil
	}
}
