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
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/pulse-datasource/pulse/backend/streaming/source/mqtt/mqtttest"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// MQTTSide is one of the two stream handlers the MQTT section compares.
type MQTTSide string

// The sides.
const (
	// MQTTPulse is the real plugin with an MQTT data source.
	MQTTPulse MQTTSide = "pulse"
	// MQTTReferenceSide is the MQTT reference (MQTTReference) in the
	// reference plugin.
	MQTTReferenceSide MQTTSide = "reference"
	// MQTTFloor is the MQTT client floor (MQTTReference.RunFloor) in the
	// reference plugin: receiving messages and nothing more.
	MQTTFloor MQTTSide = "floor"
)

// MQTTSides lists the sides the targets compare, in the order the report
// shows them.
var MQTTSides = []MQTTSide{MQTTPulse, MQTTReferenceSide}

// MQTTSaturationSides are the sides of the saturation rounds: the floor
// shows what receiving alone costs.
var MQTTSaturationSides = []MQTTSide{MQTTPulse, MQTTReferenceSide, MQTTFloor}

// Title is the side's name in the report.
func (s MQTTSide) Title() string {
	switch s {
	case MQTTReferenceSide:
		return "reference"
	case MQTTFloor:
		return "MQTT client alone"
	}
	return "Pulse"
}

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

// publish sends one benchmark message at QoS 0 without waiting for it to
// be written.
func (r *MQTTRig) publish(topic string, v int64) paho.Token {
	return r.pub.Publish(topic, 0, false, MQTTPayload(time.Now(), v))
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

// pacer publishes to topics in turn at a fixed rate until stopped,
// counting the messages published and those published within a window.
type pacer struct {
	published  atomic.Int64
	inWindow   atomic.Int64
	start, end time.Time
	stopping   chan struct{}
	done       chan struct{}
	err        error
}

// startPacer publishes one message every interval, to topics[0],
// topics[1], … in turn, from now until stop; messages published at or
// after windowStart and before windowEnd are counted in inWindow (zero
// times count none).
func (r *MQTTRig) startPacer(topics []string, interval time.Duration, windowStart, windowEnd time.Time) *pacer {
	p := &pacer{start: windowStart, end: windowEnd, stopping: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		timer := time.NewTimer(time.Hour)
		defer timer.Stop()
		begin := time.Now()
		for i := int64(0); ; i++ {
			if wait := time.Until(begin.Add(time.Duration(i) * interval)); wait > 0 {
				timer.Reset(wait)
				select {
				case <-p.stopping:
					return
				case <-timer.C:
				}
			} else {
				select {
				case <-p.stopping:
					return
				default:
				}
			}
			now := time.Now()
			tok := r.publish(topics[i%int64(len(topics))], i)
			if i%1024 == 1023 {
				if err := waitToken(tok, "publishing"); err != nil {
					p.err = err
					return
				}
			}
			p.published.Add(1)
			if !now.Before(p.start) && now.Before(p.end) {
				p.inWindow.Add(1)
			}
		}
	}()
	return p
}

// stop ends the publishing and returns its error, if any.
func (p *pacer) stop() error {
	select {
	case <-p.stopping:
	default:
		close(p.stopping)
	}
	<-p.done
	return p.err
}

// MQTTEndpoint is where one side's streams run: a plugin process and the
// data source its requests name.
type MQTTEndpoint struct {
	Side MQTTSide
	Host *pluginhost.Host
	Inst pluginhost.Instance
}

// Endpoint is side's endpoint in host, on the rig's broker.
func (r *MQTTRig) Endpoint(side MQTTSide, host *pluginhost.Host) MQTTEndpoint {
	inst := MQTTPulseInstance(r.URL)
	if side != MQTTPulse {
		inst = MQTTReferenceInstance(r.URL)
	}
	return MQTTEndpoint{Side: side, Host: host, Inst: inst}
}

// Path is the channel path of topic on this side.
func (e MQTTEndpoint) Path(topic string) string {
	switch e.Side {
	case MQTTReferenceSide:
		return MQTTReferencePath(topic)
	case MQTTFloor:
		return MQTTFloorPath(topic)
	}
	return PulseMQTTPath(topic, MQTTFlushMs)
}

// rowCounter counts the rows of one stream's packets: CountRows, or for
// the floor the messages its frames count.
func (e MQTTEndpoint) rowCounter() func([]byte) (int, error) {
	if e.Side != MQTTFloor {
		return CountRows
	}
	var decoder pluginhost.FrameDecoder
	return func(packet []byte) (int, error) {
		p, err := decoder.Decode(packet)
		if err != nil {
			return 0, err
		}
		return int(FloorMessages(p.Frame)), nil
	}
}

// open admits a viewer of topic's channel and starts its stream, as
// Grafana does: SubscribeStream, then RunStream.
func (e MQTTEndpoint) open(ctx context.Context, topic string) (pluginv2.Stream_RunStreamClient, error) {
	return e.openPath(ctx, e.Path(topic))
}

// openPath is open for a channel path.
func (e MQTTEndpoint) openPath(ctx context.Context, path string) (pluginv2.Stream_RunStreamClient, error) {
	resp, err := e.Host.Stream.SubscribeStream(ctx, e.Inst.SubscribeStreamRequest(path))
	if err != nil {
		return nil, fmt.Errorf("%s: SubscribeStream %s: %w", e.Side.Title(), path, err)
	}
	if resp.GetStatus() != pluginv2.SubscribeStreamResponse_OK {
		return nil, fmt.Errorf("%s: SubscribeStream %s: %s", e.Side.Title(), path, resp.GetStatus())
	}
	call, err := e.Host.Stream.RunStream(ctx, e.Inst.RunStreamRequest(path))
	if err != nil {
		return nil, fmt.Errorf("%s: RunStream %s: %w", e.Side.Title(), path, err)
	}
	return call, nil
}

// CheckPulsePath asks the Pulse plugin behind e for a streaming query on a
// topic and checks that the channel it names is the one PulseMQTTPath
// writes, so that the benchmark opens the channels a panel would.
func (r *MQTTRig) CheckPulsePath(ctx context.Context, e MQTTEndpoint) error {
	topic := r.topic("path")
	resp, err := e.Host.Data.QueryData(ctx, e.Inst.QueryDataRequest(pluginhost.Query{
		JSON: fmt.Sprintf(`{"topic":%q,"withStreaming":true,"flushMs":%d}`, topic, MQTTFlushMs),
		From: time.Now().Add(-time.Minute), To: time.Now(), MaxDataPoints: 100,
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
	want := e.Inst.ChannelPrefix() + PulseMQTTPath(topic, MQTTFlushMs)
	if len(frames) == 0 || frames[0].Meta == nil || frames[0].Meta.Channel != want {
		got := "no channel"
		if len(frames) > 0 && frames[0].Meta != nil {
			got = frames[0].Meta.Channel
		}
		return fmt.Errorf("the plugin names the channel %q, the benchmark %q: PulseMQTTPath no longer writes Pulse's channel paths", got, want)
	}
	return nil
}

// streamCounter reads a stream, counting its rows (without decoding them,
// but for the floor's), until the stream ends.
type streamCounter struct {
	rows, packets, bytes atomic.Int64
	// lastRow is when the latest packet with rows arrived, in Unix ns.
	lastRow atomic.Int64
	mu      sync.Mutex
	err     error
	done    chan struct{}
}

// countStream starts reading call, counting rows with count.
func countStream(call pluginv2.Stream_RunStreamClient, count func([]byte) (int, error)) *streamCounter {
	c := &streamCounter{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for {
			packet, err := call.Recv()
			if err != nil {
				c.fail(err)
				return
			}
			rows, err := count(packet.GetData())
			if err != nil {
				c.fail(err)
				return
			}
			c.packets.Add(1)
			c.bytes.Add(int64(len(packet.GetData())))
			if rows > 0 {
				c.rows.Add(int64(rows))
				c.lastRow.Store(time.Now().UnixNano())
			}
		}
	}()
	return c
}

func (c *streamCounter) fail(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.err = err
}

// failure is the error that ended the stream before it was stopped, or nil.
func (c *streamCounter) failure() error {
	select {
	case <-c.done:
	default:
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// last is when the latest rows arrived; zero before any.
func (c *streamCounter) last() time.Time {
	ns := c.lastRow.Load()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// syncTopics publishes a probe message to each topic that has no row at
// the host yet, every 100 ms, until every topic has one: then each side
// has subscribed at the broker and its stream delivers. rows reports the
// rows topic i has delivered so far.
func (r *MQTTRig) syncTopics(ctx context.Context, topics []string, rows func(i int) int64, failure func() error) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		waiting := 0
		for i, t := range topics {
			if rows(i) == 0 {
				waiting++
				r.publish(t, -1)
			}
		}
		if waiting == 0 {
			return nil
		}
		if err := failure(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d topics delivered no row within 60 s of probe messages", waiting, len(topics))
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
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
