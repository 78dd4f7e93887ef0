package contract

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	. "github.com/onsi/ginkgo/v2"
)

// Feed is the server behind the data source that FeedSpecs drive (an MQTT
// broker, a NATS server, an HTTP or WebSocket server): the specs publish
// to it, as devices would, and watch what Pulse makes of it. A Feed is
// safe for concurrent use.
type Feed interface {
	// Address is the server's address as the data source's settings name
	// it, in the form Pulse writes it back: the health check names it.
	Address() string
	// Publish sends payload on series (a topic, a subject, a path) and
	// returns once the server has it, or, for a server that keeps nothing
	// (HTTP, WebSocket), once it wrote it to every client of series, after
	// waiting for one to connect. Messages published one after the other
	// reach a subscriber in that order.
	Publish(series, payload string) error
}

// FeedKind describes a push source to FeedSpecs: its names, wildcards and
// what its data source allows.
type FeedKind struct {
	// Source is jsonData.source, and the first segment of channel paths.
	Source string
	// Title names the source in spec texts ("MQTT").
	Title string
	// Target is the query field that names what to follow ("topic").
	Target string
	// Label is the label of a series' concrete target ("topic").
	Label string
	// Root starts every target the specs follow, and is within Allowed;
	// each spec adds a level of its own below it (Sep, then a unique
	// name), so that no other spec, and no earlier run, shares its series.
	Root string
	// Sep separates a target's levels ("/" or ".").
	Sep string
	// One and Many are the wildcards for one level and for the rest ("+"
	// and "#" for MQTT); empty when the source has none, and the specs
	// that need them are not registered.
	One, Many string
	// Params are the further query fields every query of the specs
	// carries, in the order the source encodes them in its channel paths.
	Params []Param
	// Allowed is the data source's allowedTopics setting, which the specs
	// need.
	Allowed []string
	// Outside are targets that allowedTopics does not cover.
	Outside []string
	// Invalid is a target the source refuses as malformed.
	Invalid string
	// Health is the start of an OK health message for a data source of a
	// server at address.
	Health func(address string) string
}

// Param is a query field of FeedKind.Params and its value.
type Param struct{ Name, Value string }

// StreamPublisher is a Driver that can also publish to a channel, as a
// viewer's Grafana Live client can try to. Drivers that cannot express it
// leave it out, and the specs that need it skip, saying so.
type StreamPublisher interface {
	// PublishStream asks the plugin to accept data published to a channel,
	// ds/<uid>/<path>, and returns its answer.
	PublishStream(ctx context.Context, channel string, data []byte) (backend.PublishStreamStatus, error)
}

// FeedAllowedTopics is the allowedTopics setting the MQTT data source of
// the feed specs must have (MQTTKind's Allowed).
var FeedAllowedTopics = []string{"pulse/#"}

// FeedTopicPrefix starts every MQTT topic the feed specs publish to.
const FeedTopicPrefix = "pulse/contract/"

// MQTTKind is the MQTT source (jsonData.source "mqtt") for FeedSpecs.
var MQTTKind = FeedKind{
	Source: "mqtt", Title: "MQTT", Target: "topic", Label: "topic",
	Root: FeedTopicPrefix, Sep: "/", One: "+", Many: "#",
	Allowed: FeedAllowedTopics, Outside: []string{"#", "elsewhere/+/temp", "puls/x"}, Invalid: "pulse/#/x",
	Health: func(address string) string { return "Connected to the MQTT broker at " + address + " (MQTT " },
}

// FeedSpecs registers the contract's specs for a data source of one of
// Pulse's push sources, described by kind, run through the Driver that
// driver returns, with the server that feed returns, when a spec runs (so
// both can be made in a BeforeSuite). The data source must reach the
// server and have allowedTopics kind.Allowed; its other settings keep
// their defaults. host names what the driver reaches; decorators (a
// Label, say) apply to every spec.
func FeedSpecs(host string, kind FeedKind, driver func() Driver, feed func() Feed, decorators ...any) bool {
	body := func() {
		describeFeedHealth(kind, driver, feed)
		describeFeedQueries(kind, driver, feed)
		describeFeedSubscriptions(kind, driver, feed)
		describeFeedStreams(kind, driver, feed)
	}
	return Describe("Pulse's streaming contract for "+kind.Title+" feeds, through "+host, append(decorators, body)...)
}

// ChannelPath is the channel path Pulse writes for a streaming query of a
// push source: "<source>/v1/<flushMs>/<query>", where <query> is the
// target, the values of the source's params, the time field and the
// selected fields joined by NUL bytes, in base64url without padding.
func ChannelPath(source string, flushMs int64, target string, params []string, timeField string, fields ...string) string {
	parts := append(append(append([]string{target}, params...), timeField), fields...)
	return source + "/v1/" + strconv.FormatInt(flushMs, 10) + "/" + base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, "\x00")))
}

// MQTTChannelPath is ChannelPath for the MQTT source, which has no params.
func MQTTChannelPath(flushMs int64, topic, timeField string, fields ...string) string {
	return ChannelPath("mqtt", flushMs, topic, nil, timeField, fields...)
}

// channelPath is ChannelPath for kind with its params' values.
func (k FeedKind) channelPath(flushMs int64, target, timeField string, fields ...string) string {
	return ChannelPath(k.Source, flushMs, target, k.paramValues(), timeField, fields...)
}

func (k FeedKind) paramValues() []string {
	out := make([]string, len(k.Params))
	for i, p := range k.Params {
		out[i] = p.Value
	}
	return out
}

// child is the target one level below target.
func (k FeedKind) child(target, name string) string { return target + k.Sep + name }

// followed is the target a spec follows below root to see the series
// named names, and those series: the one-level wildcard and every name
// when the source has one, otherwise the first name alone.
func (k FeedKind) followed(root string, names ...string) (string, []string) {
	if k.One == "" {
		s := k.child(root, names[0])
		return s, []string{s}
	}
	series := make([]string, len(names))
	for i, n := range names {
		series[i] = k.child(root, n)
	}
	return k.child(root, k.One), series
}

// wildcard reports whether target holds one of the kind's wildcards.
func (k FeedKind) wildcard(target string) bool {
	for _, level := range strings.Split(target, k.Sep) {
		if (k.One != "" && level == k.One) || (k.Many != "" && level == k.Many) {
			return true
		}
	}
	return false
}

// webAllowed are the allowedTopics of the HTTP and WebSocket data sources
// of the feed specs: paths under /pulse/.
var webAllowed = []string{"/pulse/*"}

// webOutside are paths outside webAllowed.
var webOutside = []string{"/elsewhere/x", "/puls/x"}

// SSEKind is the HTTP source (jsonData.source "http") reading Server-Sent
// Events, for FeedSpecs; its data source's url is the server's base.
var SSEKind = FeedKind{
	Source: "http", Title: "HTTP (Server-Sent Events)", Target: "path", Label: "path",
	Root: "/pulse/contract/", Sep: "/", Params: []Param{{"format", "sse"}, {"event", ""}},
	Allowed: webAllowed, Outside: webOutside, Invalid: "//elsewhere.example/x",
	Health: func(address string) string { return "Reached " + address },
}

// NDJSONKind is the HTTP source reading NDJSON, for FeedSpecs.
var NDJSONKind = FeedKind{
	Source: "http", Title: "HTTP (NDJSON)", Target: "path", Label: "path",
	Root: "/pulse/contract/", Sep: "/", Params: []Param{{"format", "ndjson"}, {"event", ""}},
	Allowed: webAllowed, Outside: webOutside, Invalid: "//elsewhere.example/x",
	Health: func(address string) string { return "Reached " + address },
}

// WebSocketKind is the WebSocket source (jsonData.source "websocket"),
// for FeedSpecs.
var WebSocketKind = FeedKind{
	Source: "websocket", Title: "WebSocket", Target: "path", Label: "path",
	Root: "/pulse/contract/", Sep: "/", Params: []Param{{"subscribeMessage", ""}},
	Allowed: webAllowed, Outside: webOutside, Invalid: "//elsewhere.example/x",
	Health: func(address string) string { return "Reached the WebSocket server at " + address },
}

// natsAllowed are the allowedTopics of the NATS data source of the feed
// specs: subjects under pulse.
var natsAllowed = []string{"pulse.>"}

// natsOutside are subjects outside natsAllowed.
var natsOutside = []string{">", "elsewhere.*.temp", "puls.x"}

// natsHealth starts an OK health message of the NATS source.
func natsHealth(address string) string { return "Connected to NATS at " + address }

// NATSKind is the NATS source (jsonData.source "nats") on subjects no
// JetStream stream stores, for FeedSpecs.
var NATSKind = FeedKind{
	Source: "nats", Title: "NATS", Target: "subject", Label: "subject",
	Root: "pulse.core.", Sep: ".", One: "*", Many: ">",
	Allowed: natsAllowed, Outside: natsOutside, Invalid: "pulse.>.x", Health: natsHealth,
}

// NATSStoredRoot starts the subjects of NATSStoredKind: the NATS server
// of the feed specs must store "pulse.stored.>" in a JetStream stream.
const NATSStoredRoot = "pulse.stored."

// NATSStoredKind is the NATS source on subjects a JetStream stream stores,
// which queries backfill from, for FeedSpecs.
var NATSStoredKind = FeedKind{
	Source: "nats", Title: "NATS with JetStream", Target: "subject", Label: "subject",
	Root: NATSStoredRoot, Sep: ".", One: "*", Many: ">",
	Allowed: natsAllowed, Outside: natsOutside, Invalid: "pulse.>.x", Health: natsHealth,
}
