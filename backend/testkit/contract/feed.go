package contract

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	. "github.com/onsi/ginkgo/v2"
)

// Feed is the MQTT broker behind the data source that FeedSpecs drive: the
// specs publish to it, as devices would, and watch what Pulse makes of it.
// A Feed is safe for concurrent use.
type Feed interface {
	// BrokerURI is the broker's address as the data source's settings
	// name it, in the form Pulse writes it back (tcp://host:port): the
	// health check names it.
	BrokerURI() string
	// Publish publishes payload to topic at QoS 1, not retained, and
	// returns once the broker has it. Messages published one after the
	// other reach a subscriber in that order.
	Publish(topic, payload string) error
}

// StreamPublisher is a Driver that can also publish to a channel, as a
// viewer's Grafana Live client can try to. Drivers that cannot express it
// leave it out, and the specs that need it skip, saying so.
type StreamPublisher interface {
	// PublishStream asks the plugin to accept data published to a channel,
	// ds/<uid>/<path>, and returns its answer.
	PublishStream(ctx context.Context, channel string, data []byte) (backend.PublishStreamStatus, error)
}

// FeedAllowedTopics is the allowedTopics setting the data source of the
// feed specs must have: the specs publish under FeedTopicPrefix, and expect
// every topic outside it to be refused.
var FeedAllowedTopics = []string{"pulse/#"}

// FeedTopicPrefix starts every topic the feed specs publish to; each spec
// adds a level of its own below it, so that no other spec, and no earlier
// run against the same broker, shares its topics.
const FeedTopicPrefix = "pulse/contract/"

// FeedSpecs registers the contract's specs for a data source of Pulse's
// MQTT source (jsonData.source "mqtt"), run through the Driver that driver
// returns, with the broker that feed returns, when a spec runs (so both
// can be made in a BeforeSuite). The data source must reach the broker
// and have allowedTopics FeedAllowedTopics; its other settings keep their
// defaults. host names what the driver reaches; decorators (a Label, say)
// apply to every spec.
func FeedSpecs(host string, driver func() Driver, feed func() Feed, decorators ...any) bool {
	body := func() {
		describeFeedHealth(driver, feed)
		describeFeedQueries(driver, feed)
		describeFeedSubscriptions(driver, feed)
		describeFeedStreams(driver, feed)
	}
	return Describe("Pulse's streaming contract for MQTT feeds, through "+host, append(decorators, body)...)
}

// MQTTChannelPath is the channel path Pulse writes for a streaming MQTT
// query: "mqtt/v1/<flushMs>/<query>", where <query> is the topic filter,
// the time field and the selected fields joined by NUL bytes, in base64url
// without padding.
func MQTTChannelPath(flushMs int64, topic, timeField string, fields ...string) string {
	query := strings.Join(append([]string{topic, timeField}, fields...), "\x00")
	return "mqtt/v1/" + strconv.FormatInt(flushMs, 10) + "/" + base64.RawURLEncoding.EncodeToString([]byte(query))
}
