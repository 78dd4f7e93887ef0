package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	"github.com/nats-io/nats.go"
)

// FeedReferenceKind is what a FeedReference stream reads: the first
// segment of its channel path, "ref-<kind>/…".
type FeedReferenceKind string

// The kinds.
const (
	// FeedReferenceNATS subscribes to a NATS subject.
	FeedReferenceNATS FeedReferenceKind = "nats"
	// FeedReferenceSSE reads a path's Server-Sent Events.
	FeedReferenceSSE FeedReferenceKind = "sse"
	// FeedReferenceNDJSON reads a path's newline-delimited JSON.
	FeedReferenceNDJSON FeedReferenceKind = "ndjson"
	// FeedReferenceWebSocket reads a path's WebSocket messages.
	FeedReferenceWebSocket FeedReferenceKind = "ws"
)

// feedReferenceKinds are the kinds, for parsing paths.
var feedReferenceKinds = []FeedReferenceKind{FeedReferenceNATS, FeedReferenceSSE, FeedReferenceNDJSON, FeedReferenceWebSocket}

// feedReferencePrefix starts every FeedReference path.
const feedReferencePrefix = "ref-"

// FeedReferencePath is the reference plugin's channel path that streams
// target (a subject, or a path under the data source's URL, with or
// without its leading slash) with a FeedReference of kind:
// "ref-<kind>/<target>".
func FeedReferencePath(kind FeedReferenceKind, target string) string {
	return feedReferencePrefix + string(kind) + "/" + strings.TrimPrefix(target, "/")
}

// ParseFeedReferencePath returns the kind and target of a FeedReference
// path, and whether path is one.
func ParseFeedReferencePath(path string) (FeedReferenceKind, string, bool) {
	rest, ok := strings.CutPrefix(path, feedReferencePrefix)
	if !ok {
		return "", "", false
	}
	name, target, ok := strings.Cut(rest, "/")
	if !ok || target == "" {
		return "", "", false
	}
	for _, k := range feedReferenceKinds {
		if string(k) == name {
			return k, target, true
		}
	}
	return "", "", false
}

// FeedReference is the benchmarks' reference for Pulse's NATS, HTTP (SSE
// and NDJSON) and WebSocket sources: a stream handler that works the way
// the simple streaming plugins for these protocols do, the WebSocket data
// source plugins of today among them, written here for the comparison
// (none of its code is another project's). Each stream opens a client of
// its own to the server the data source's jsonData names ({"url": …}): a
// NATS connection with a subscription to its subject, read one message
// at a time (nats.go, SubscribeSync); an HTTP GET of its path whose body
// is read line by line (bufio), each SSE "data:" line or each NDJSON line
// a message; or a WebSocket connection to its path (gorilla/websocket),
// each text or binary message a message. For every message, at once, it
// builds one frame (FeedReferenceFrame: a time field holding the arrival
// time and one nullable number field per top-level numeric key of the
// JSON payload) and sends it with its schema (data.IncludeAll) through
// the SDK's StreamSender, which encodes it with data.FrameToJSON.
//
// Its defining traits are kept on purpose: a connection per stream, no
// batching (one frame, one gRPC message per message), and every frame
// carrying its schema. Reading runs on the stream's goroutine, so a send
// that waits holds up the reading, and the server's or the client
// library's buffers fill instead (nats.go's pending limits drop messages
// past 65 536 waiting; a hub drops a client too far behind). It keeps
// none of what production plugins add and the benchmark does not need:
// reconnecting, authentication, SSE events of several data lines or
// event types, WebSocket subscribe messages.
type FeedReference struct {
	client *http.Client
}

// NewFeedReference makes a FeedReference; its HTTP streams share one
// http.Client without a timeout (a stream ends with its context).
func NewFeedReference() *FeedReference { return &FeedReference{client: &http.Client{}} }

// feedReferenceSettings are the reference data source's jsonData: the
// server's URL (nats://, http:// or ws://).
type feedReferenceSettings struct {
	URL string `json:"url"`
}

// RunStream streams target from the server jsonData names, one frame per
// message, until ctx ends (then it returns ctx's error), the server ends
// the stream, or a send fails.
func (r *FeedReference) RunStream(ctx context.Context, jsonData []byte, kind FeedReferenceKind, target string, sender FrameSender) error {
	var s feedReferenceSettings
	if err := json.Unmarshal(jsonData, &s); err != nil || s.URL == "" {
		return fmt.Errorf("feed reference: jsonData needs a url: %s", jsonData)
	}
	send := func(payload []byte) error {
		return sender.SendFrame(FeedReferenceFrame(kind, time.Now(), payload), data.IncludeAll)
	}
	var err error
	switch kind {
	case FeedReferenceNATS:
		err = runNATSReference(ctx, s.URL, target, send)
	case FeedReferenceSSE, FeedReferenceNDJSON:
		err = r.runHTTPReference(ctx, joinURL(s.URL, target), kind == FeedReferenceSSE, send)
	case FeedReferenceWebSocket:
		err = runWebSocketReference(ctx, joinURL(s.URL, target), send)
	default:
		err = fmt.Errorf("feed reference: unknown kind %q", kind)
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// FeedReferenceFrame is the frame a FeedReference sends for one message:
// "Time", its arrival, then one nullable number field per top-level key
// of payload whose value is a JSON number, in the payload's order (see
// MQTTReferenceFrame), named after kind.
func FeedReferenceFrame(kind FeedReferenceKind, arrival time.Time, payload []byte) *data.Frame {
	return referenceFrame(string(kind), []MQTTReferenceMessage{{Arrival: arrival, Payload: payload}})
}

// joinURL puts target under base, with one slash between.
func joinURL(base, target string) string {
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(target, "/")
}

// runNATSReference subscribes to subject on its own connection to url
// and hands each message to send.
func runNATSReference(ctx context.Context, url, subject string, send func([]byte) error) error {
	nc, err := nats.Connect(url, nats.Name("pulse-bench-reference"), nats.Timeout(10*time.Second))
	if err != nil {
		return fmt.Errorf("feed reference: connecting to %s: %w", url, err)
	}
	defer nc.Close()
	sub, err := nc.SubscribeSync(subject)
	if err != nil {
		return fmt.Errorf("feed reference: subscribing to %s: %w", subject, err)
	}
	for {
		msg, err := sub.NextMsgWithContext(ctx)
		if err != nil {
			return fmt.Errorf("feed reference: %s: %w", subject, err)
		}
		if err := send(msg.Data); err != nil {
			return err
		}
	}
}

// runHTTPReference GETs url and hands each message of its body to send:
// each "data:" line of an event stream (sse), else each line that is not
// blank.
func (r *FeedReference) runHTTPReference(ctx context.Context, url string, sse bool, send func([]byte) error) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("feed reference: %w", err)
	}
	accept := "application/x-ndjson"
	if sse {
		accept = "text/event-stream"
	}
	req.Header.Set("Accept", accept)
	resp, err := r.client.Do(req)
	if err != nil {
		return fmt.Errorf("feed reference: GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("feed reference: GET %s: %s", url, resp.Status)
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for lines.Scan() {
		line := lines.Bytes()
		if sse {
			payload, ok := bytes.CutPrefix(line, []byte("data:"))
			if !ok {
				continue
			}
			line = bytes.TrimPrefix(payload, []byte(" "))
		} else if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := send(line); err != nil {
			return err
		}
	}
	if err := lines.Err(); err != nil {
		return fmt.Errorf("feed reference: reading %s: %w", url, err)
	}
	return fmt.Errorf("feed reference: %s ended the stream", url)
}

// runWebSocketReference dials url and hands each message to send.
func runWebSocketReference(ctx context.Context, url string, send func([]byte) error) error {
	conn, _, err := websocket.DefaultDialer.DialContext(ctx, url, nil)
	if err != nil {
		return fmt.Errorf("feed reference: dialling %s: %w", url, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer func() {
		stop()
		_ = conn.Close()
	}()
	for {
		_, msg, err := conn.ReadMessage()
		if err != nil {
			return fmt.Errorf("feed reference: reading %s: %w", url, err)
		}
		if err := send(msg); err != nil {
			return err
		}
	}
}
