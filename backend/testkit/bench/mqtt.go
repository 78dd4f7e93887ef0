package bench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc"

	"github.com/pulse-datasource/pulse/backend/streaming/history"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// nan marks a figure a side does not report.
var nan = math.NaN()

// MQTTOptions configure the MQTT section. The zero value of each field
// means its default.
type MQTTOptions struct {
	// Messages is how many messages each saturation round publishes. Zero
	// means 200 000.
	Messages int
	// Rounds is how many saturation rounds each side runs, taking turns;
	// the median round by CPU per row counts. Zero means 3.
	Rounds int
	// LatencyTopics is how many topics at 10 msg/s run at once, each on its
	// own channel. Zero means 10.
	LatencyTopics int
	// Warmup is how long the latency publishing runs before samples are
	// kept. Zero means 500 ms.
	Warmup time.Duration
	// Window is how long latency samples are kept, and how long CPU is
	// counted with many topics. Zero means 10 s.
	Window time.Duration
	// StalledMessages is how many messages are published while the
	// receiver is stalled. Zero means 1 000 000.
	StalledMessages int
	// Topics is how many topics at 1 msg/s one connection follows. Zero
	// means 1 000.
	Topics int
	// Settle is how long an idle plugin runs before its baseline is read,
	// and how long many topics run before their window. Zero means 2 s.
	Settle time.Duration
	// Quiet is how long resident memory must hold still after a stall's
	// publishing ended to count as settled (see Settler). Zero means 3 s.
	Quiet time.Duration
	// MaxWait bounds the wait for that. Zero means 60 s.
	MaxWait time.Duration
	// Sample is how often resident memory is read during a stall. Zero
	// means 250 ms.
	Sample time.Duration
	// DrainTimeout bounds how long a saturation round waits for its rows
	// after the publishing ended. Zero means 60 s.
	DrainTimeout time.Duration
	// Host is how the plugins are started (where their logs go).
	Host pluginhost.Options
}

func (o MQTTOptions) withDefaults() MQTTOptions {
	for _, n := range []struct {
		field *int
		def   int
	}{{&o.Messages, 200_000}, {&o.Rounds, 3}, {&o.LatencyTopics, 10}, {&o.StalledMessages, TargetMQTTStalledMessages}, {&o.Topics, TargetMQTTTopics}} {
		if *n.field <= 0 {
			*n.field = n.def
		}
	}
	for _, d := range []struct {
		field *time.Duration
		def   time.Duration
	}{{&o.Warmup, 500 * time.Millisecond}, {&o.Window, 10 * time.Second}, {&o.Settle, 2 * time.Second}, {&o.Quiet, 3 * time.Second},
		{&o.MaxWait, time.Minute}, {&o.Sample, 250 * time.Millisecond}, {&o.DrainTimeout, time.Minute}} {
		if *d.field <= 0 {
			*d.field = d.def
		}
	}
	return o
}

// MQTT is what the MQTT section measured: both sides against one broker
// in one run.
type MQTT struct {
	Options MQTTOptions
	// Saturation holds every round of both sides.
	Saturation []MQTTSaturation
	Latency    []MQTTLatency
	Stalled    []MQTTStalled
	Topics     []MQTTTopics
	// Cadence explains the latency: a feed stream alone, in process.
	Cadence []FeedCadence
}

// MQTTSaturation is a saturation round of the MQTT section (see
// FeedSaturation); BrokerDropped is mosquitto's count.
type MQTTSaturation = FeedSaturation

// MedianMQTTSaturation is MedianFeedSaturation, under the name the MQTT
// section has used.
func MedianMQTTSaturation(rounds []MQTTSaturation) MQTTSaturation {
	return MedianFeedSaturation(rounds)
}

// Saturation runs one saturation round on e: it opens a stream on a new
// topic, waits until it delivers, publishes messages as fast as the
// broker takes them, and waits until every row reached the host or none
// came for a second after the publishing ended.
func (r *MQTTRig) Saturation(ctx context.Context, e MQTTEndpoint, messages int, opts MQTTOptions) (MQTTSaturation, error) {
	opts = opts.withDefaults()
	return measureSaturation(ctx, r, e, messages, opts.DrainTimeout)
}

// MQTTLatency is a latency run of the MQTT section (see FeedLatency): its
// series are topics.
type MQTTLatency = FeedLatency

// Latency publishes rate messages a second to each of topics new topics,
// each on its own channel of e, spread evenly, and measures each row's
// latency over opts.Window, after opts.Warmup.
func (r *MQTTRig) Latency(ctx context.Context, e MQTTEndpoint, topics int, rate float64, opts MQTTOptions) (MQTTLatency, error) {
	opts = opts.withDefaults()
	return measureLatency(ctx, r, e, topics, rate, opts.Warmup, opts.Window)
}

// MQTTStalled is what a stream whose receiver stopped reading cost one
// side while many messages were published to its topic.
type MQTTStalled struct {
	Side      MQTTSide
	Published int64
	// PublishElapsed is how long handing the messages to the connection
	// took.
	PublishElapsed time.Duration
	// BaselineRSS is the idle plugin's resident memory (its data source
	// made); PeakRSS the largest sample from the stall to the end, and
	// LevelRSS the level it settled at after the publishing (or its last
	// sample, when it did not settle within MaxWait).
	BaselineRSS, PeakRSS, LevelRSS int64
	Settled                        bool
	// HWM is the plugin's VmHWM at the end.
	HWM int64
	// BaselineRuntime and LoadedRuntime are the plugin runtime's figures at
	// the baseline and at the end.
	BaselineRuntime, LoadedRuntime Runtime
	// HistoryRows and HistoryBytes are Pulse's history gauges at the end;
	// Received, QueueDropped and RowsSkipped its counters over the run; all
	// NaN for the reference.
	HistoryRows, HistoryBytes           float64
	Received, QueueDropped, RowsSkipped float64
}

// Growth is the largest resident memory the stall added.
func (s MQTTStalled) Growth() int64 { return s.PeakRSS - s.BaselineRSS }

// mqttStalledPart is the part of the topics the stalled runs publish to.
const mqttStalledPart = "stalled"

// Stalled starts binary (side's plugin) afresh with the host's
// flow-control windows fixed at StalledWindow, opens a stream on a new
// topic and reads it until its first row, then stops reading, as a
// Grafana that stalled, publishes messages to the topic as fast as the
// broker takes them, and follows the plugin's resident memory until it
// settles.
func (r *MQTTRig) Stalled(ctx context.Context, side MQTTSide, binary string, messages int, opts MQTTOptions) (MQTTStalled, error) {
	opts = opts.withDefaults()
	result := MQTTStalled{Side: side, Published: int64(messages)}
	start := opts.Host
	start.Binary = binary
	start.GRPCDialOptions = append(append([]grpc.DialOption(nil), start.GRPCDialOptions...),
		grpc.WithInitialWindowSize(StalledWindow), grpc.WithInitialConnWindowSize(StalledWindow))
	host, err := pluginhost.Start(ctx, start)
	if err != nil {
		return result, err
	}
	defer host.Close()
	e := r.Endpoint(side, host)
	if result.BaselineRSS, result.BaselineRuntime, err = idleBaseline(ctx, host, e.Inst, opts.Settle); err != nil {
		return result, err
	}
	before, err := readPluginMetrics(ctx, host)
	if err != nil {
		return result, err
	}

	topic := r.topic(mqttStalledPart)
	streamCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	call, err := e.open(streamCtx, topic)
	if err != nil {
		return result, err
	}
	// Read until the first row, probing the topic meanwhile; then stall.
	probing := make(chan struct{})
	probed := make(chan struct{})
	go func() {
		defer close(probed)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		timeout := time.NewTimer(60 * time.Second)
		defer timeout.Stop()
		for {
			_ = r.publish(topic, -1)
			select {
			case <-probing:
				return
			case <-timeout.C:
				cancel() // Recv fails
				return
			case <-tick.C:
			}
		}
	}()
	for {
		packet, err := call.Recv()
		if err != nil {
			close(probing)
			<-probed
			return result, fmt.Errorf("%s: no row before the stall: %w", side.Title(), err)
		}
		if rows, err := CountRows(packet.GetData()); err == nil && rows > 0 {
			break
		}
	}
	close(probing)
	<-probed

	var peak sync.Mutex
	sampleErr := make(chan error, 1)
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			rss, err := ProcessRSS(host.Pid())
			if err != nil {
				sampleErr <- err
				return
			}
			peak.Lock()
			result.PeakRSS = max(result.PeakRSS, rss)
			peak.Unlock()
			select {
			case <-stopSampling:
				return
			case <-time.After(opts.Sample):
			}
		}
	}()
	stop := func() {
		close(stopSampling)
		<-sampled
	}
	result.PublishElapsed, err = r.burst(ctx, topic, messages)
	if err != nil {
		stop()
		return result, err
	}
	settler := Settler{Quiet: opts.Quiet}
	published := time.Now()
	for {
		if err := sleep(ctx, opts.Sample); err != nil {
			stop()
			return result, err
		}
		rss, err := ProcessRSS(host.Pid())
		if err != nil {
			stop()
			return result, err
		}
		result.Settled = settler.Add(time.Now(), rss)
		if result.Settled || time.Since(published) >= opts.MaxWait {
			break
		}
	}
	stop()
	select {
	case err := <-sampleErr:
		return result, err
	default:
	}
	result.LevelRSS = settler.Level()
	if !result.Settled {
		result.LevelRSS = settler.Last()
	}
	// Pulse updates its history gauges once a second.
	if err := sleep(ctx, 1200*time.Millisecond); err != nil {
		return result, err
	}
	mem, err := ProcessMemory(host.Pid())
	if err != nil {
		return result, err
	}
	result.HWM = mem.HWM
	result.PeakRSS = max(result.PeakRSS, mem.RSS)
	after, err := readPluginMetrics(ctx, host)
	if err != nil {
		return result, err
	}
	result.LoadedRuntime = after.Runtime
	result.HistoryRows, result.HistoryBytes = after.HistoryRows, after.HistoryBytes
	result.Received = after.Received - before.Received
	result.QueueDropped = after.QueueDropped - before.QueueDropped
	result.RowsSkipped = after.RowsSkipped - before.RowsSkipped
	return result, nil
}

// MQTTTopics is what many topics at 1 msg/s each on one connection cost
// one side: one channel per topic, or for Pulse one channel on a wildcard
// filter that matches them all.
type MQTTTopics struct {
	Side   MQTTSide
	Topics int
	// Wildcard says the topics were read through one channel on
	// "<prefix>/+" (Pulse's with fields ["v"]), rather than a channel each.
	Wildcard bool
	// FieldsDropped counts the values Pulse dropped in the window because
	// the wildcard channel's frames had no room for more fields; NaN for
	// the reference.
	FieldsDropped float64
	// BaselineRSS is the idle plugin's resident memory, RSS the largest
	// sampled in the window.
	BaselineRSS, RSS int64
	// PluginCPU is the plugin's CPU time in the window of length Elapsed.
	PluginCPU, Elapsed time.Duration
	// Published messages in the window; Rows reached the host in it, and
	// MinTopicRows is the fewest one topic delivered (-1 on a wildcard
	// channel, whose rows are not told apart).
	Published, Rows, MinTopicRows int64
}

// CPUShare is the plugin's CPU time over the window: 1 is one core busy.
func (t MQTTTopics) CPUShare() float64 {
	if t.Elapsed <= 0 {
		return 0
	}
	return t.PluginCPU.Seconds() / t.Elapsed.Seconds()
}

// CPUPerMessage is the plugin's CPU time per message published in the
// window.
func (t MQTTTopics) CPUPerMessage() time.Duration {
	if t.Published <= 0 {
		return 0
	}
	return t.PluginCPU / time.Duration(t.Published)
}

// Topics starts binary (side's plugin) afresh, opens one channel on each
// of topics new topics (SubscribeStream, then RunStream), or with wildcard
// one channel on a filter that matches them all (Pulse's with fields
// ["v"]; the floor has no other way), publishes
// one message a second to each, spread evenly over the second, and once
// every channel delivered and opts.Settle passed, measures the plugin's
// CPU and memory over opts.Window.
func (r *MQTTRig) Topics(ctx context.Context, side MQTTSide, binary string, topics int, wildcard bool, opts MQTTOptions) (MQTTTopics, error) {
	opts = opts.withDefaults()
	result := MQTTTopics{Side: side, Topics: topics, Wildcard: wildcard, FieldsDropped: nan}
	if !wildcard && side == MQTTFloor {
		return result, errors.New("the MQTT client floor reads many topics through one wildcard subscription only")
	}
	start := opts.Host
	start.Binary = binary
	host, err := pluginhost.Start(ctx, start)
	if err != nil {
		return result, err
	}
	defer host.Close()
	e := r.Endpoint(side, host)
	if result.BaselineRSS, _, err = idleBaseline(ctx, host, e.Inst, opts.Settle); err != nil {
		return result, err
	}
	streamCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	part := "topics-" + strconv.FormatInt(r.topics.Add(1), 10)
	names := make([]string, topics)
	counters := make([]*streamCounter, 0, topics)
	defer func() {
		cancel()
		for _, c := range counters {
			<-c.done
		}
	}()
	for i := range topics {
		names[i] = fmt.Sprintf("pulse-bench/%s/%d", part, i)
	}
	paths := make([]string, topics)
	for i, name := range names {
		paths[i] = e.Path(name)
	}
	if wildcard {
		paths = []string{PulseMQTTPath(MQTTWildcard(part), MQTTFlushMs, "v")}
		if side != MQTTPulse {
			paths = []string{e.Path(MQTTWildcard(part))}
		}
	}
	for _, path := range paths {
		call, err := e.openPath(streamCtx, path)
		if err != nil {
			return result, err
		}
		counters = append(counters, countStream(call, e.rowCounter()))
	}
	failure := func() error {
		for _, c := range counters {
			if err := c.failure(); err != nil {
				return fmt.Errorf("%s: %w", side.Title(), err)
			}
		}
		return nil
	}
	p := startPacer(r, names, time.Second/time.Duration(topics), time.Time{}, time.Time{})
	defer func() { _ = p.stop() }()
	deadline := time.Now().Add(30*time.Second + time.Duration(topics)*10*time.Millisecond)
	for {
		waiting := 0
		for _, c := range counters {
			if c.rows.Load() == 0 {
				waiting++
			}
		}
		if waiting == 0 {
			break
		}
		if err := failure(); err != nil {
			return result, err
		}
		if time.Now().After(deadline) {
			return result, fmt.Errorf("%s: %d of %d channels delivered no row by %s", side.Title(), waiting, len(counters), deadline.Format(time.TimeOnly))
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return result, err
		}
	}
	if err := sleep(ctx, opts.Settle); err != nil {
		return result, err
	}
	rows0 := make([]int64, len(counters))
	for i, c := range counters {
		rows0[i] = c.rows.Load()
	}
	published0 := p.published.Load()
	before, err := readPluginMetrics(ctx, host)
	if err != nil {
		return result, err
	}
	cpu0, err := ProcessCPU(host.Pid())
	if err != nil {
		return result, err
	}
	opened := time.Now()
	for elapsed := time.Duration(0); elapsed < opts.Window; elapsed = time.Since(opened) {
		if err := sleep(ctx, min(time.Second, opts.Window-elapsed)); err != nil {
			return result, err
		}
		rss, err := ProcessRSS(host.Pid())
		if err != nil {
			return result, err
		}
		result.RSS = max(result.RSS, rss)
		if err := failure(); err != nil {
			return result, err
		}
	}
	cpu1, err := ProcessCPU(host.Pid())
	if err != nil {
		return result, err
	}
	result.Elapsed = time.Since(opened)
	result.PluginCPU = cpu1 - cpu0
	result.Published = p.published.Load() - published0
	result.MinTopicRows = -1
	for i, c := range counters {
		delivered := c.rows.Load() - rows0[i]
		result.Rows += delivered
		if !wildcard && (result.MinTopicRows < 0 || delivered < result.MinTopicRows) {
			result.MinTopicRows = delivered
		}
	}
	after, err := readPluginMetrics(ctx, host)
	if err != nil {
		return result, err
	}
	result.FieldsDropped = after.FieldsDropped - before.FieldsDropped
	return result, p.stop()
}

// MQTTWildcard is the filter of the wildcard channel on the topics of
// part: "pulse-bench/<part>/+".
func MQTTWildcard(part string) string { return "pulse-bench/" + part + "/+" }

// The targets of issue #12.
const (
	// TargetMQTTCPUVsReference is the most Pulse's plugin CPU per
	// delivered row may be at saturation, as a share of the reference's.
	TargetMQTTCPUVsReference = 1.0 / 5
	// TargetMQTTQuietLatency is the most the p99 latency may be at
	// TargetMQTTQuietRate: a message after a quiet window goes out at once.
	TargetMQTTQuietLatency = 10 * time.Millisecond
	// TargetMQTTQuietRate and TargetMQTTBusyRate are the message rates of
	// the latency targets, per topic.
	TargetMQTTQuietRate = 10.0
	TargetMQTTBusyRate  = 1000.0
	// TargetMQTTStalledMessages is how many messages the stalled-receiver
	// target publishes.
	TargetMQTTStalledMessages = 1_000_000
	// TargetMQTTTopics is how many topics at 1 msg/s the CPU target
	// applies to.
	TargetMQTTTopics = 1000
	// TargetMQTTTopicsCPU is the CPU those may cost, in cores.
	TargetMQTTTopicsCPU = 0.2
	// MQTTQueueBytes is the documented bound of the messages waiting for
	// one tap: 1 MiB (mqtt.DefaultQueueBytes).
	MQTTQueueBytes = 1 << 20
	// MQTTHistoryMaxBytes and MQTTHistoryMaxRows are the default history
	// bounds of one tap (historyMaxBytes, historyMaxRows).
	MQTTHistoryMaxBytes = history.DefaultMaxBytes
	MQTTHistoryMaxRows  = history.DefaultMaxRows
)
