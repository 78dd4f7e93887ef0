package httpstream

import (
	"fmt"
	"mime"
	"strings"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Format is how a stream's body is read: the query field "format".
type Format string

// The formats.
const (
	// FormatAuto reads the body by its Content-Type: text/event-stream as
	// Server-Sent Events, NDJSON's types as NDJSON. It is the default (an
	// empty format).
	FormatAuto Format = "auto"
	// FormatSSE reads the body as Server-Sent Events, whatever its
	// Content-Type.
	FormatSSE Format = "sse"
	// FormatNDJSON reads the body as newline-delimited JSON, whatever its
	// Content-Type.
	FormatNDJSON Format = "ndjson"
)

// ndjsonTypes are the Content-Types FormatAuto reads as NDJSON.
var ndjsonTypes = map[string]bool{
	"application/x-ndjson": true, "application/ndjson": true, "application/jsonl": true,
	"application/x-jsonlines": true, "application/json": true, "text/plain": true,
}

// MaxEventName bounds the query field "event".
const MaxEventName = 256

// checkFormat checks the query field "format".
func checkFormat(v string) error {
	switch Format(v) {
	case FormatAuto, FormatSSE, FormatNDJSON:
		return nil
	}
	return streaming.Malformed("format", `must be "auto", "sse" or "ndjson", got %s`, streaming.Excerpt(v))
}

// checkEvent checks the query field "event": an event type, which cannot
// hold a line break.
func checkEvent(v string) error {
	switch {
	case len(v) > MaxEventName:
		return streaming.Malformed("event", "is an event type of at most %d bytes, got %d bytes", MaxEventName, len(v))
	case strings.ContainsAny(v, "\r\n"):
		return streaming.Malformed("event", "is an event type, which has no line break: %s", streaming.Excerpt(v))
	}
	return nil
}

// formatOf is the format of a subscription's params.
func formatOf(params map[string]string) Format {
	if f := Format(params["format"]); f != "" {
		return f
	}
	return FormatAuto
}

// accept is the Accept header a request in format f sends.
func (f Format) accept() string {
	switch f {
	case FormatSSE:
		return "text/event-stream"
	case FormatNDJSON:
		return "application/x-ndjson, application/jsonl;q=0.9, application/json;q=0.8"
	}
	return "text/event-stream, application/x-ndjson;q=0.9, application/jsonl;q=0.9, application/json;q=0.8"
}

// pick is the format a response's Content-Type names, for FormatAuto; the
// error says in plain words why it names none.
func pick(contentType string) (Format, error) {
	if strings.TrimSpace(contentType) == "" {
		return "", fmt.Errorf(`the server sent no Content-Type: set the query's format to "sse" or "ndjson"`)
	}
	media, _, err := mime.ParseMediaType(contentType)
	switch {
	case err != nil:
		return "", fmt.Errorf(`the server sent an unreadable Content-Type %s: set the query's format to "sse" or "ndjson"`, streaming.Excerpt(contentType))
	case media == "text/event-stream":
		return FormatSSE, nil
	case ndjsonTypes[media]:
		return FormatNDJSON, nil
	}
	return "", fmt.Errorf(`the server sent Content-Type %s, which is neither text/event-stream nor NDJSON (application/x-ndjson, application/jsonl, application/json, text/plain): check the path, or set the query's format to "sse" or "ndjson"`, streaming.Excerpt(media))
}
