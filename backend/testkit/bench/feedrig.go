package bench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/pulse-datasource/pulse/backend/streaming/source/nats/natstest"
	"github.com/pulse-datasource/pulse/backend/testkit/feedhub"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// FeedSource is one of the push-source sections beside MQTT, by its name
// in -sections.
type FeedSource string

// The sections.
const (
	// FeedNATS is Pulse's NATS source (jsonData.source "nats") on a
	// nats-server.
	FeedNATS FeedSource = "nats"
	// FeedSSE is Pulse's HTTP source (jsonData.source "http") reading
	// Server-Sent Events ("format": "sse") from a feedhub.
	FeedSSE FeedSource = "sse"
	// FeedNDJSON is Pulse's HTTP source reading NDJSON ("format":
	// "ndjson") from a feedhub.
	FeedNDJSON FeedSource = "ndjson"
	// FeedWebSocket is Pulse's WebSocket source (jsonData.source
	// "websocket") on a feedhub.
	FeedWebSocket FeedSource = "websocket"
)

// FeedSources are the sections, in the order they run.
var FeedSources = []FeedSource{FeedNATS, FeedSSE, FeedNDJSON, FeedWebSocket}

// FeedSides lists the sides every feed section compares, in the order the
// report shows them.
var FeedSides = []FeedSide{FeedPulse, FeedReferenceSide}

// Title is the section's name in the report.
func (s FeedSource) Title() string {
	switch s {
	case FeedNATS:
		return "NATS"
	case FeedSSE:
		return "HTTP Server-Sent Events"
	case FeedNDJSON:
		return "HTTP NDJSON"
	case FeedWebSocket:
		return "WebSocket"
	}
	return string(s)
}

// PulseSource is the section's source in Pulse's jsonData.source, and the
// first segment of its channel paths.
func (s FeedSource) PulseSource() string {
	switch s {
	case FeedSSE, FeedNDJSON:
		return "http"
	}
	return string(s)
}

// targetField is the query field that names a series: "subject" or
// "path"; the report calls a series so too.
func (s FeedSource) targetField() string {
	if s == FeedNATS {
		return "subject"
	}
	return "path"
}

// params are the source's query params and their values in the
// benchmark's queries, in the order Pulse encodes them in a channel path:
// "format" and "event" for HTTP, "subscribeMessage" for WebSocket, none
// for NATS.
func (s FeedSource) params() [][2]string {
	switch s {
	case FeedSSE:
		return [][2]string{{"format", "sse"}, {"event", ""}}
	case FeedNDJSON:
		return [][2]string{{"format", "ndjson"}, {"event", ""}}
	case FeedWebSocket:
		return [][2]string{{"subscribeMessage", ""}}
	}
	return nil
}

// referenceKind is the FeedReference kind that reads the section's
// server.
func (s FeedSource) referenceKind() FeedReferenceKind {
	switch s {
	case FeedSSE:
		return FeedReferenceSSE
	case FeedNDJSON:
		return FeedReferenceNDJSON
	case FeedWebSocket:
		return FeedReferenceWebSocket
	}
	return FeedReferenceNATS
}

// FeedFlushMs is the flush window of Pulse's channels in the feed
// sections: the default, as in the MQTT section.
const FeedFlushMs = MQTTFlushMs

// PulseFeedPath is the channel path Pulse writes for a streaming query of
// the push source source (jsonData.source) on target with the values of
// the source's params, timeField and fields:
// "<source>/v1/<flushMs>/<base64url(target NUL param… NUL timeField NUL
// field…)>", the format package feed documents. FeedRig.CheckPulsePath
// checks it against the plugin's own answer to a query.
func PulseFeedPath(source string, flushMs int64, target string, params []string, timeField string, fields ...string) string {
	parts := append(append(append([]string{target}, params...), timeField), fields...)
	return source + "/v1/" + strconv.FormatInt(flushMs, 10) + "/" + base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
}

// FeedPulseInstance is the Pulse data source of a feed section: source's
// server at url, with the default history and limits.
func FeedPulseInstance(source FeedSource, url string) pluginhost.Instance {
	return pluginhost.Instance{UID: "bench-" + string(source), Name: "Pulse benchmarks, " + source.Title(),
		JSONData: []byte(fmt.Sprintf(`{"source":%q,"url":%q}`, source.PulseSource(), url))}
}

// FeedReferenceInstance is the reference plugin's data source of a feed
// section: the server at url.
func FeedReferenceInstance(source FeedSource, url string) pluginhost.Instance {
	return pluginhost.Instance{UID: "bench-" + string(source) + "-reference", Name: source.Title() + " reference",
		JSONData: []byte(fmt.Sprintf(`{"url":%q}`, url))}
}

// FeedOptions configure a feed section. The zero value of each field
// means its default.
type FeedOptions struct {
	// Messages is how many messages each saturation round publishes. Zero
	// means DefaultFeedMessages.
	Messages int
	// Rounds is how many saturation rounds each side runs, taking turns;
	// the median round by CPU per row counts. Zero means 3.
	Rounds int
	// LatencyTopics is how many series at the quiet rate run at once,
	// each on its own channel. Zero means 10.
	LatencyTopics int
	// Warmup is how long the latency publishing runs before samples are
	// kept. Zero means 500 ms.
	Warmup time.Duration
	// Window is how long latency samples are kept. Zero means
	// DefaultFeedWindow.
	Window time.Duration
	// DrainTimeout bounds how long a saturation round waits for its rows
	// after the publishing ended. Zero means 60 s.
	DrainTimeout time.Duration
}

// Defaults of the feed sections, smaller than the MQTT section's so that
// each takes about a minute: the reference sends a gRPC message per
// message, and there are four sections.
const (
	// DefaultFeedMessages is the messages of a saturation round: fewer
	// than nats.go's 65 536 pending messages, past which a subscriber
	// that falls behind (the reference) drops them.
	DefaultFeedMessages = 50_000
	// DefaultFeedWindow is the latency window.
	DefaultFeedWindow = 5 * time.Second
)

func (o FeedOptions) withDefaults() FeedOptions {
	for _, n := range []struct {
		field *int
		def   int
	}{{&o.Messages, DefaultFeedMessages}, {&o.Rounds, 3}, {&o.LatencyTopics, 10}} {
		if *n.field <= 0 {
			*n.field = n.def
		}
	}
	for _, d := range []struct {
		field *time.Duration
		def   time.Duration
	}{{&o.Warmup, 500 * time.Millisecond}, {&o.Window, DefaultFeedWindow}, {&o.DrainTimeout, time.Minute}} {
		if *d.field <= 0 {
			*d.field = d.def
		}
	}
	return o
}

// FeedRig is a feed section's server, which both sides read, and the
// benchmark's publisher: a nats-server (package natstest) for NATS, a
// feedhub for SSE, NDJSON and WebSocket. Close it when done.
type FeedRig struct {
	Source FeedSource
	// URL is the server's address as both data sources name it:
	// nats://127.0.0.1:<port>, http://… or ws://….
	URL string

	server feedServer
	close  func()
}

// StartFeedRig starts the server of source's section: a nats-server with
// JetStream, or a feedhub whose clients may fall behind by a saturation
// round's messages (opts.Messages) without being dropped.
func StartFeedRig(source FeedSource, opts FeedOptions) (*FeedRig, error) {
	opts = opts.withDefaults()
	r := &FeedRig{Source: source}
	switch source {
	case FeedNATS:
		s, err := startNATSServer()
		if err != nil {
			return nil, err
		}
		r.URL, r.server, r.close = s.srv.URL(), s, s.close
	case FeedSSE, FeedNDJSON, FeedWebSocket:
		h := startHubServer(opts.Messages)
		r.URL, r.server, r.close = h.hub.URL(), h, h.hub.Close
		if source == FeedWebSocket {
			r.URL = h.hub.WebSocketURL()
		}
	default:
		return nil, fmt.Errorf("unknown feed section %q", source)
	}
	return r, nil
}

// Close stops the server.
func (r *FeedRig) Close() { r.close() }

// Endpoint is side's endpoint in host, on the rig's server. Pulse's paths
// are PulseFeedPath with the section's params, the reference's
// FeedReferencePath.
func (r *FeedRig) Endpoint(side FeedSide, host *pluginhost.Host) FeedEndpoint {
	e := FeedEndpoint{Side: side, Host: host}
	switch side {
	case FeedPulse:
		e.Inst = FeedPulseInstance(r.Source, r.URL)
		e.path = r.PulsePath
	default:
		e.Inst = FeedReferenceInstance(r.Source, r.URL)
		kind := r.Source.referenceKind()
		e.path = func(series string) string { return FeedReferencePath(kind, series) }
	}
	return e
}

// PulsePath is the channel path of Pulse's query on series in this
// section: no timeField, no fields, a flush window of FeedFlushMs.
func (r *FeedRig) PulsePath(series string) string {
	var values []string
	for _, p := range r.Source.params() {
		values = append(values, p[1])
	}
	return PulseFeedPath(r.Source.PulseSource(), FeedFlushMs, series, values, "")
}

// pulseQuery is the streaming query of Pulse's panel on series.
func (r *FeedRig) pulseQuery(series string) string {
	q := map[string]any{r.Source.targetField(): series, "withStreaming": true, "flushMs": FeedFlushMs}
	for _, p := range r.Source.params() {
		if p[1] != "" {
			q[p[0]] = p[1]
		}
	}
	b, _ := json.Marshal(q) // a map of strings, a bool and a number
	return string(b)
}

// CheckPulsePath asks the Pulse plugin behind e for a streaming query on
// a series and checks that the channel it names is the one PulsePath
// writes, so that the section opens the channels a panel would.
func (r *FeedRig) CheckPulsePath(ctx context.Context, e FeedEndpoint) error {
	series := r.server.series("path")
	return checkPulseChannel(ctx, e, r.pulseQuery(series), r.PulsePath(series),
		fmt.Sprintf("PulseFeedPath no longer writes Pulse's %s channel paths", r.Source.PulseSource()))
}

// Saturation runs one saturation round on e: it opens a stream on a new
// series, waits until it delivers, publishes messages as fast as the
// server takes them, and waits until every row reached the host or none
// came for a second after the publishing ended.
func (r *FeedRig) Saturation(ctx context.Context, e FeedEndpoint, messages int, opts FeedOptions) (FeedSaturation, error) {
	opts = opts.withDefaults()
	return measureSaturation(ctx, r.server, e, messages, opts.DrainTimeout)
}

// Latency publishes rate messages a second to each of series new series,
// each on its own channel of e, spread evenly, and measures each row's
// latency over opts.Window, after opts.Warmup.
func (r *FeedRig) Latency(ctx context.Context, e FeedEndpoint, series int, rate float64, opts FeedOptions) (FeedLatency, error) {
	opts = opts.withDefaults()
	return measureLatency(ctx, r.server, e, series, rate, opts.Warmup, opts.Window)
}

// natsServer is a nats-server of natstest and the benchmark's publisher
// on it, core NATS.
type natsServer struct {
	srv     *natstest.Server
	pub     *nats.Conn
	subject atomic.Int64
}

// startNATSServer starts a nats-server with JetStream (as the brief's
// servers have it) and connects the publisher.
func startNATSServer() (*natsServer, error) {
	srv, err := natstest.Start(natstest.Config{})
	if err != nil {
		return nil, err
	}
	pub, err := srv.Connect(nats.Name("pulse-bench-publisher"))
	if err != nil {
		srv.Stop()
		return nil, err
	}
	return &natsServer{srv: srv, pub: pub}, nil
}

func (s *natsServer) close() {
	s.pub.Close()
	s.srv.Stop()
}

// series is a subject pulse-bench.<part>.<n>.
func (s *natsServer) series(part string) string {
	return fmt.Sprintf("pulse-bench.%s.%d", part, s.subject.Add(1))
}

// publish hands one message to the publisher's connection, which writes
// it soon after.
func (s *natsServer) publish(subject string, v int64) error {
	return s.pub.Publish(subject, MQTTPayload(time.Now(), v))
}

// flush waits until the server has read what was published.
func (s *natsServer) flush() error { return s.pub.FlushTimeout(20 * time.Second) }

// burst publishes n messages over a connection of its own, through
// nats.go's write buffer, and waits until the server has read them.
func (s *natsServer) burst(ctx context.Context, subject string, n int) (time.Duration, error) {
	start := time.Now()
	nc, err := s.srv.Connect(nats.Name("pulse-bench-burst"))
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	for i := range n {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return time.Since(start), err
			}
		}
		if err := nc.Publish(subject, MQTTPayload(time.Now(), int64(i))); err != nil {
			return time.Since(start), fmt.Errorf("publishing to %s: %w", subject, err)
		}
	}
	if err := nc.FlushTimeout(time.Minute); err != nil {
		return time.Since(start), fmt.Errorf("publishing to %s: %w", subject, err)
	}
	return time.Since(start), nil
}

// hubServer is a feedhub, which serves every path as SSE, NDJSON or
// WebSocket, as its clients ask.
type hubServer struct {
	hub  *feedhub.Hub
	path atomic.Int64
}

// errNoClient is a probe's message to a path no client reads yet.
var errNoClient = errors.New("no client reads the path yet")

// startHubServer starts a feedhub whose clients may fall behind by
// messages, and some, before it drops them.
func startHubServer(messages int) *hubServer {
	return &hubServer{hub: feedhub.Start(feedhub.Options{WaitForClient: 2 * time.Second, Backlog: 1, Queue: messages + 4096})}
}

// series is a path /pulse-bench/<part>/<n>.
func (h *hubServer) series(part string) string {
	return fmt.Sprintf("/pulse-bench/%s/%d", part, h.path.Add(1))
}

// publish writes one message to the clients of path, or fails at once
// when it has none.
func (h *hubServer) publish(path string, v int64) error {
	if h.hub.Clients(path) == 0 {
		return errNoClient
	}
	return h.hub.Publish(path, string(MQTTPayload(time.Now(), v)))
}

// flush does nothing: Publish has queued the message for every client.
func (h *hubServer) flush() error { return nil }

// burst queues n messages for the clients of path, as fast as the hub
// takes them.
func (h *hubServer) burst(ctx context.Context, path string, n int) (time.Duration, error) {
	start := time.Now()
	for i := range n {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return time.Since(start), err
			}
		}
		if err := h.hub.Publish(path, string(MQTTPayload(time.Now(), int64(i)))); err != nil {
			return time.Since(start), fmt.Errorf("publishing to %s: %w", path, err)
		}
	}
	return time.Since(start), nil
}
