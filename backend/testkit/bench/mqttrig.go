package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"

	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// MQTTSide is a side of the MQTT section (see FeedSide).
type MQTTSide = FeedSide

// The sides of the MQTT section.
const (
	// MQTTPulse is the real plugin with an MQTT data source.
	MQTTPulse = FeedPulse
	// MQTTReferenceSide is the MQTT reference (MQTTReference) in the
	// reference plugin.
	MQTTReferenceSide = FeedReferenceSide
	// MQTTFloor is the MQTT client floor (MQTTReference.RunFloor) in the
	// reference plugin: receiving messages and nothing more.
	MQTTFloor = FeedFloor
)

// MQTTSides lists the sides the targets compare, in the order the report
// shows them.
var MQTTSides = []MQTTSide{MQTTPulse, MQTTReferenceSide}

// MQTTSaturationSides are the sides of the saturation rounds: the floor
// shows what receiving alone costs.
var MQTTSaturationSides = []MQTTSide{MQTTPulse, MQTTReferenceSide, MQTTFloor}

// brokerDroppedTopic is where mosquitto publishes, once a second (the
// brokers mqtttest starts set sys_interval 1), how many messages it
// dropped because a subscriber's queue was full.
const brokerDroppedTopic = "$SYS/broker/publish/messages/dropped"

// MQTTRig is the MQTT section's broker and publisher: one mosquitto
// (mqtttest), which both sides subscribe to, a publisher of the
// benchmark's own (paho, MQTT 3.1.1, QoS 0) and a client that follows the
// broker's count of dropped messages. Close it when done.
type MQTTRig struct {
	// URL is the broker's plain listener, tcp://127.0.0.1:<port>.
	URL string

	broker *mqtttest.Broker
	pub    paho.Client
	sys    paho.Client
	// dropped is the broker's count of dropped messages, -1 until known.
	dropped atomic.Int64
	topics  atomic.Int64
	// last is the publisher's latest token, which flush waits for.
	lastMu sync.Mutex
	last   paho.Token
}

// StartMQTTRig starts a mosquitto and connects the publisher and the
// follower of the broker's counters.
func StartMQTTRig() (*MQTTRig, error) {
	b, err := mqtttest.Start(mqtttest.Listeners{})
	if err != nil {
		return nil, err
	}
	r := &MQTTRig{URL: b.URL("plain"), broker: b}
	r.dropped.Store(-1)
	if r.pub, err = connectMQTT(r.URL, "pulse-bench-pub-"); err != nil {
		r.Close()
		return nil, err
	}
	if r.sys, err = connectMQTT(r.URL, "pulse-bench-sys-"); err != nil {
		r.Close()
		return nil, err
	}
	tok := r.sys.Subscribe(brokerDroppedTopic, 0, func(_ paho.Client, m paho.Message) {
		if n, err := strconv.ParseInt(strings.TrimSpace(string(m.Payload())), 10, 64); err == nil {
			r.dropped.Store(n)
		}
	})
	if err := waitToken(tok, "subscribing to the broker's counters"); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// connectMQTT connects a paho client with a fresh client ID to url.
func connectMQTT(url, prefix string) (paho.Client, error) {
	var id [8]byte
	_, _ = rand.Read(id[:]) // crypto/rand.Read never fails.
	opts := paho.NewClientOptions().AddBroker(url).SetClientID(prefix + hex.EncodeToString(id[:])).
		SetProtocolVersion(4).SetAutoReconnect(false).SetConnectTimeout(10 * time.Second)
	c := paho.NewClient(opts)
	if err := waitToken(c.Connect(), "connecting to "+url); err != nil {
		return nil, err
	}
	return c, nil
}

// waitToken waits for a paho token, at most 20 s.
func waitToken(tok paho.Token, what string) error {
	if !tok.WaitTimeout(20 * time.Second) {
		return fmt.Errorf("MQTT: %s: no answer within 20 s", what)
	}
	if err := tok.Error(); err != nil {
		return fmt.Errorf("MQTT: %s: %w", what, err)
	}
	return nil
}

// Close disconnects the clients and stops the broker.
func (r *MQTTRig) Close() {
	for _, c := range []paho.Client{r.pub, r.sys} {
		if c != nil {
			c.Disconnect(250)
		}
	}
	r.broker.Stop()
}

// BrokerDropped is the broker's count of dropped messages as last
// published, or -1 while unknown.
func (r *MQTTRig) BrokerDropped() int64 { return r.dropped.Load() }

// topic is a topic no measurement used before, under pulse-bench/<part>/.
func (r *MQTTRig) topic(part string) string {
	return fmt.Sprintf("pulse-bench/%s/%d", part, r.topics.Add(1))
}

// series is topic, for measureSaturation and measureLatency.
func (r *MQTTRig) series(part string) string { return r.topic(part) }

// publish sends one benchmark message at QoS 0 without waiting for it to
// be written (flush waits for it).
func (r *MQTTRig) publish(topic string, v int64) error {
	tok := r.pub.Publish(topic, 0, false, MQTTPayload(time.Now(), v))
	r.lastMu.Lock()
	r.last = tok
	r.lastMu.Unlock()
	return nil
}

// flush waits until the message published last, and with it those
// before, was written.
func (r *MQTTRig) flush() error {
	r.lastMu.Lock()
	tok := r.last
	r.lastMu.Unlock()
	if tok == nil {
		return nil
	}
	return waitToken(tok, "publishing")
}

// burst publishes n messages to topic at QoS 0 as fast as the broker
// takes them, over a connection of its own (rawPublisher), and returns how
// long it took until the last was handed to the kernel.
func (r *MQTTRig) burst(ctx context.Context, topic string, n int) (time.Duration, error) {
	start := time.Now()
	p, err := dialRawPublisher(r.URL)
	if err != nil {
		return 0, err
	}
	for i := range n {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				_ = p.close()
				return time.Since(start), err
			}
		}
		if err := p.publish(topic, MQTTPayload(time.Now(), int64(i))); err != nil {
			_ = p.close()
			return time.Since(start), fmt.Errorf("publishing to %s: %w", topic, err)
		}
	}
	if err := p.close(); err != nil {
		return time.Since(start), fmt.Errorf("publishing to %s: %w", topic, err)
	}
	return time.Since(start), nil
}

// MQTTEndpoint is an endpoint of the MQTT section: a plugin process and
// the data source its requests name, with the side's channel paths.
type MQTTEndpoint = FeedEndpoint

// Endpoint is side's endpoint in host, on the rig's broker. Its paths are
// PulseMQTTPath, MQTTReferencePath or MQTTFloorPath.
func (r *MQTTRig) Endpoint(side MQTTSide, host *pluginhost.Host) MQTTEndpoint {
	e := MQTTEndpoint{Side: side, Host: host, Inst: MQTTPulseInstance(r.URL)}
	switch side {
	case MQTTReferenceSide:
		e.Inst, e.path = MQTTReferenceInstance(r.URL), MQTTReferencePath
	case MQTTFloor:
		e.Inst, e.path = MQTTReferenceInstance(r.URL), MQTTFloorPath
	default:
		e.path = func(topic string) string { return PulseMQTTPath(topic, MQTTFlushMs) }
	}
	return e
}

// CheckPulsePath asks the Pulse plugin behind e for a streaming query on a
// topic and checks that the channel it names is the one PulseMQTTPath
// writes, so that the benchmark opens the channels a panel would.
func (r *MQTTRig) CheckPulsePath(ctx context.Context, e MQTTEndpoint) error {
	topic := r.topic("path")
	return checkPulseChannel(ctx, e, fmt.Sprintf(`{"topic":%q,"withStreaming":true,"flushMs":%d}`, topic, MQTTFlushMs),
		PulseMQTTPath(topic, MQTTFlushMs), "PulseMQTTPath no longer writes Pulse's channel paths")
}

// checkPulseChannel asks the Pulse plugin behind e for the streaming
// query query and checks that the channel its answer names is path (under
// e's prefix); stale says what a mismatch means.
func checkPulseChannel(ctx context.Context, e FeedEndpoint, query, path, stale string) error {
	resp, err := e.Host.Data.QueryData(ctx, e.Inst.QueryDataRequest(pluginhost.Query{
		JSON: query, From: time.Now().Add(-time.Minute), To: time.Now(), MaxDataPoints: 100,
	}))
	if err != nil {
		return fmt.Errorf("QueryData: %w", err)
	}
	answer := resp.GetResponses()["A"]
	if answer.GetError() != "" {
		return fmt.Errorf("QueryData: %s", answer.GetError())
	}
	frames, err := pluginhost.Frames(answer)
	if err != nil {
		return err
	}
	want := e.Inst.ChannelPrefix() + path
	if len(frames) == 0 || frames[0].Meta == nil || frames[0].Meta.Channel != want {
		got := "no channel"
		if len(frames) > 0 && frames[0].Meta != nil {
			got = frames[0].Meta.Channel
		}
		return fmt.Errorf("the plugin names the channel %q, the benchmark %q: %s", got, want, stale)
	}
	return nil
}

// pluginMetrics are the Pulse feed's counters at one moment, from the
// plugin's metrics; each is NaN when the plugin does not report it.
type pluginMetrics struct {
	// Received counts messages handed to taps (pulse_feed_messages_total).
	Received float64
	// QueueDropped counts messages the connection dropped because a tap's
	// queue was full (pulse_feed_messages_dropped_total).
	QueueDropped float64
	// RowsSkipped counts rows streams skipped because the ring evicted
	// them first (pulse_stream_rows_dropped_total).
	RowsSkipped float64
	// DecodeErrors counts payloads that were not JSON
	// (pulse_feed_decode_errors_total).
	DecodeErrors float64
	// FieldsDropped counts values dropped because their tap's frames had
	// no room for another field (pulse_feed_fields_dropped_total).
	FieldsDropped float64
	// HistoryRows and HistoryBytes are what the taps keep
	// (pulse_history_rows, pulse_history_bytes).
	HistoryRows, HistoryBytes float64
	Runtime                   Runtime
}

// readPluginMetrics reads host's metrics. A side that does not report
// Pulse's (the reference) gets NaN, or zero for a counter not yet touched
// by a plugin that reports the others.
func readPluginMetrics(ctx context.Context, host *pluginhost.Host) (pluginMetrics, error) {
	text, err := collectMetrics(ctx, host)
	if err != nil {
		return pluginMetrics{}, err
	}
	m := pluginMetrics{Runtime: runtimeOf(text)}
	_, pulse := PromValue(text, "pulse_stream_active")
	for name, dst := range map[string]*float64{
		"pulse_feed_messages_total":         &m.Received,
		"pulse_feed_messages_dropped_total": &m.QueueDropped,
		"pulse_stream_rows_dropped_total":   &m.RowsSkipped,
		"pulse_feed_decode_errors_total":    &m.DecodeErrors,
		"pulse_feed_fields_dropped_total":   &m.FieldsDropped,
		"pulse_history_rows":                &m.HistoryRows,
		"pulse_history_bytes":               &m.HistoryBytes,
	} {
		v, ok := PromSum(text, name)
		switch {
		case ok:
			*dst = v
		case pulse:
			*dst = 0
		default:
			*dst = nan
		}
	}
	return m, nil
}
