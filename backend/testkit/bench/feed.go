package bench

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/pulse-datasource/pulse/backend/streaming/source/signals"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// This file holds what every push-source section (MQTT, NATS, SSE, NDJSON,
// WebSocket) measures the same way: a burst at saturation and the
// latency at a steady rate, on the channels of one side, through the
// server the section publishes to (feedServer).

// FeedSide is one of the stream handlers a push-source section compares.
type FeedSide string

// The sides.
const (
	// FeedPulse is the real plugin with a data source of the section's
	// source.
	FeedPulse FeedSide = "pulse"
	// FeedReferenceSide is the section's reference handler in the
	// reference plugin (MQTTReference, or FeedReference for the other
	// sources).
	FeedReferenceSide FeedSide = "reference"
	// FeedFloor is the MQTT client floor (MQTTReference.RunFloor) in the
	// reference plugin: receiving messages and nothing more. Only the MQTT
	// section has one.
	FeedFloor FeedSide = "floor"
)

// Title is the side's name in the report.
func (s FeedSide) Title() string {
	switch s {
	case FeedReferenceSide:
		return "reference"
	case FeedFloor:
		return "MQTT client alone"
	}
	return "Pulse"
}

// feedServer is the server a push-source section publishes through, as
// devices would: a broker, a NATS server, or an HTTP and WebSocket server
// that writes to its clients. Its methods may be called from any
// goroutine.
type feedServer interface {
	// series is a series name (a topic, a subject, a path) under part that
	// no measurement used before.
	series(part string) string
	// publish sends one benchmark message, MQTTPayload(now, v), to series.
	// It may return before the message is written (see flush); a server
	// that has no client on series yet may drop it or fail.
	publish(series string, v int64) error
	// flush waits until the messages publish handed over were written.
	flush() error
	// burst publishes n messages to series as fast as the server takes
	// them and returns how long handing them over took.
	burst(ctx context.Context, series string, n int) (time.Duration, error)
}

// droppedCounter is a feedServer that counts the messages it dropped for
// any subscriber (mosquitto's $SYS count); -1 while unknown.
type droppedCounter interface{ BrokerDropped() int64 }

// serverDropped is srv's count of dropped messages, -1 when it keeps none.
func serverDropped(srv feedServer) int64 {
	if d, ok := srv.(droppedCounter); ok {
		return d.BrokerDropped()
	}
	return -1
}

// FeedEndpoint is where one side's streams run: a plugin process, the
// data source its requests name, and how that side names a series'
// channel.
type FeedEndpoint struct {
	Side FeedSide
	Host *pluginhost.Host
	Inst pluginhost.Instance
	// path is the channel path of a series on this side.
	path func(series string) string
}

// Path is the channel path of series (a topic, a subject, a path) on
// this side.
func (e FeedEndpoint) Path(series string) string { return e.path(series) }

// rowCounter counts the rows of one stream's packets: CountRows, or for
// the floor the messages its frames count.
func (e FeedEndpoint) rowCounter() func([]byte) (int, error) {
	if e.Side != FeedFloor {
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

// open admits a viewer of series' channel and starts its stream, as
// Grafana does: SubscribeStream, then RunStream.
func (e FeedEndpoint) open(ctx context.Context, series string) (pluginv2.Stream_RunStreamClient, error) {
	return e.openPath(ctx, e.Path(series))
}

// openPath is open for a channel path.
func (e FeedEndpoint) openPath(ctx context.Context, path string) (pluginv2.Stream_RunStreamClient, error) {
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

// FeedSaturation is one saturation round of one side: a burst of messages
// on one series, published as fast as the server takes them, and what
// the host received of them.
type FeedSaturation struct {
	Side FeedSide
	// Published messages; PublishElapsed is how long handing them to the
	// server took (a connection's socket buffers, or a hub's client
	// queues, take a burst far faster than the server delivers it).
	Published      int64
	PublishElapsed time.Duration
	// Delivered rows reached the host, in Packets packets of Bytes bytes,
	// the last one Elapsed after the first message was published.
	Delivered, Packets, Bytes int64
	Elapsed                   time.Duration
	// TimedOut says the rows stopped short: the round gave up waiting.
	TimedOut bool
	// PluginCPU is the plugin's CPU time from the first message published
	// to the last row delivered.
	PluginCPU time.Duration
	// Received, QueueDropped and RowsSkipped are Pulse's counters over the
	// round (pluginMetrics); NaN for the reference.
	Received, QueueDropped, RowsSkipped float64
	// BrokerDropped is how many messages the server dropped over the
	// round, for any subscriber, as it counts them (mosquitto's $SYS
	// count); -1 when unknown, as for every server but mosquitto.
	BrokerDropped int64
}

// CPUPerRow is the plugin's CPU time per row delivered.
func (s FeedSaturation) CPUPerRow() time.Duration {
	if s.Delivered <= 0 {
		return 0
	}
	return s.PluginCPU / time.Duration(s.Delivered)
}

// DeliveryRate is the rows delivered per second, from the first message
// published to the last row.
func (s FeedSaturation) DeliveryRate() float64 { return float64(s.Delivered) / s.Elapsed.Seconds() }

// Lost is how many published messages reached the host as no row.
func (s FeedSaturation) Lost() int64 { return s.Published - s.Delivered }

// MedianFeedSaturation is the round with the median CPU per row among one
// side's rounds (the lower middle one of an even count). It panics on no
// rounds.
func MedianFeedSaturation(rounds []FeedSaturation) FeedSaturation {
	sorted := slices.Clone(rounds)
	slices.SortStableFunc(sorted, func(a, b FeedSaturation) int { return cmp.Compare(a.CPUPerRow(), b.CPUPerRow()) })
	return sorted[(len(sorted)-1)/2]
}

// probeSettle is how long a measurement waits after the probes' rows
// arrived before it starts: they arrive within the MQTT reference's tick
// or a flush window.
const probeSettle = 3 * MQTTReferenceTick

// latencyTail is how long a latency run waits after its publishing
// ended, for the last rows: within a tick or a flush window.
const latencyTail = time.Second + MQTTReferenceTick

// measureSaturation runs one saturation round of e through srv: it opens
// a stream on a new series, waits until it delivers, publishes messages
// as fast as the server takes them, and waits until every row reached
// the host or none came for a second after the publishing ended (at most
// drain after it).
func measureSaturation(ctx context.Context, srv feedServer, e FeedEndpoint, messages int, drain time.Duration) (FeedSaturation, error) {
	result := FeedSaturation{Side: e.Side, Published: int64(messages), BrokerDropped: -1}
	series := srv.series("saturation")
	streamCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	call, err := e.open(streamCtx, series)
	if err != nil {
		return result, err
	}
	counter := countStream(call, e.rowCounter())
	defer func() {
		cancel()
		<-counter.done
	}()
	if err := syncSeries(ctx, srv, []string{series}, func(int) int64 { return counter.rows.Load() }, counter.failure); err != nil {
		return result, fmt.Errorf("%s: %w", e.Side.Title(), err)
	}
	if err := sleep(ctx, probeSettle); err != nil {
		return result, err
	}
	before, err := readPluginMetrics(ctx, e.Host)
	if err != nil {
		return result, err
	}
	droppedBefore := serverDropped(srv)
	rows0, packets0, bytes0 := counter.rows.Load(), counter.packets.Load(), counter.bytes.Load()
	cpu0, err := ProcessCPU(e.Host.Pid())
	if err != nil {
		return result, err
	}
	start := time.Now()
	if result.PublishElapsed, err = srv.burst(ctx, series, messages); err != nil {
		return result, err
	}
	published := start.Add(result.PublishElapsed)
	want := rows0 + int64(messages)
	for {
		if err := sleep(ctx, 10*time.Millisecond); err != nil {
			return result, err
		}
		if counter.rows.Load() >= want {
			break
		}
		if err := counter.failure(); err != nil {
			return result, fmt.Errorf("%s: %w", e.Side.Title(), err)
		}
		quietSince := published
		if last := counter.last(); last.After(quietSince) {
			quietSince = last
		}
		if time.Since(quietSince) >= time.Second {
			break
		}
		if time.Since(published) >= drain {
			result.TimedOut = true
			break
		}
	}
	cpu1, err := ProcessCPU(e.Host.Pid())
	if err != nil {
		return result, err
	}
	result.PluginCPU = cpu1 - cpu0
	result.Delivered = counter.rows.Load() - rows0
	result.Packets = counter.packets.Load() - packets0
	result.Bytes = counter.bytes.Load() - bytes0
	result.Elapsed = counter.last().Sub(start)
	// Pulse counts the queue's drops, and mosquitto its own, once a
	// second.
	if err := sleep(ctx, 1500*time.Millisecond); err != nil {
		return result, err
	}
	after, err := readPluginMetrics(ctx, e.Host)
	if err != nil {
		return result, err
	}
	result.Received = after.Received - before.Received
	result.QueueDropped = after.QueueDropped - before.QueueDropped
	result.RowsSkipped = after.RowsSkipped - before.RowsSkipped
	if d := serverDropped(srv); d >= 0 && droppedBefore >= 0 {
		result.BrokerDropped = d - droppedBefore
	}
	return result, nil
}

// FeedLatency is how late one side's rows reached the host: for each
// message, the moment the host's Recv returned its packet less the moment
// it was published (carried in its payload).
type FeedLatency struct {
	Side FeedSide
	// Topics series (topics, subjects, paths) ran at once, each on a
	// channel of its own at Rate messages a second.
	Topics int
	Rate   float64
	// Published is how many messages were published in the window; All
	// summarises the rows of those that reached the host.
	Published int64
	All       Distribution
	// FirstQuarter and LastQuarter summarise the rows published in the
	// window's first and last quarter.
	FirstQuarter, LastQuarter Distribution
}

// TotalRate is the messages per second over all series.
func (l FeedLatency) TotalRate() float64 { return l.Rate * float64(l.Topics) }

// measureLatency publishes rate messages a second through srv to each of
// series new series, each on its own channel of e, spread evenly, and
// measures each row's latency over window, after warmup.
func measureLatency(ctx context.Context, srv feedServer, e FeedEndpoint, series int, rate float64, warmup, window time.Duration) (FeedLatency, error) {
	result := FeedLatency{Side: e.Side, Topics: series, Rate: rate}
	streamCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	names := make([]string, series)
	rows := make([]atomic.Int64, series)
	errs := make([]error, series)
	// Samples are kept once the window is set: until then it starts in a
	// future no message reaches.
	var mu sync.Mutex
	var samples []latencySample
	start := time.Now().Add(24 * time.Hour)
	end := start
	for i := range series {
		names[i] = srv.series("latency")
		call, err := e.open(streamCtx, names[i])
		if err != nil {
			return result, err
		}
		wg.Go(func() {
			var decoder pluginhost.FrameDecoder
			for {
				packet, err := call.Recv()
				arrival := time.Now()
				if err == nil {
					var p pluginhost.Packet
					if p, err = decoder.Decode(packet.GetData()); err == nil {
						sent := SentTimes(p.Frame)
						mu.Lock()
						for _, t := range sent {
							if !t.Before(start) && t.Before(end) {
								samples = append(samples, latencySample{t.Sub(start), arrival.Sub(t)})
							}
						}
						mu.Unlock()
						rows[i].Add(int64(len(sent)))
						continue
					}
				}
				if streamCtx.Err() == nil {
					mu.Lock()
					errs[i] = fmt.Errorf("%s: %s: %w", e.Side.Title(), names[i], err)
					mu.Unlock()
				}
				return
			}
		})
	}
	failure := func() error {
		mu.Lock()
		defer mu.Unlock()
		return errors.Join(errs...)
	}
	if err := syncSeries(ctx, srv, names, func(i int) int64 { return rows[i].Load() }, failure); err != nil {
		return result, fmt.Errorf("%s: %w", e.Side.Title(), err)
	}
	if err := sleep(ctx, probeSettle); err != nil {
		return result, err
	}
	mu.Lock()
	start = time.Now().Add(warmup)
	end = start.Add(window)
	windowStart, windowEnd := start, end
	mu.Unlock()
	interval := time.Duration(float64(time.Second) / (rate * float64(series)))
	p := startPacer(srv, names, interval, windowStart, windowEnd)
	if err := sleep(ctx, time.Until(windowEnd)); err != nil {
		_ = p.stop()
		return result, err
	}
	if err := p.stop(); err != nil {
		return result, err
	}
	if err := sleep(ctx, latencyTail); err != nil {
		return result, err
	}
	if err := failure(); err != nil {
		return result, err
	}
	result.Published = p.inWindow.Load()
	mu.Lock()
	kept := samples
	samples = nil
	mu.Unlock()
	l := summarizeLatency(signals.Query{}, series, window, kept)
	result.All, result.FirstQuarter, result.LastQuarter = l.All, l.FirstQuarter, l.LastQuarter
	return result, nil
}

// syncSeries publishes a probe message to each series that has no row at
// the host yet, every 100 ms, until every series has one: then each side
// has subscribed at the server and its stream delivers. rows reports the
// rows series i has delivered so far.
func syncSeries(ctx context.Context, srv feedServer, series []string, rows func(i int) int64, failure func() error) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		waiting := 0
		for i, s := range series {
			if rows(i) == 0 {
				waiting++
				_ = srv.publish(s, -1) // a probe may find no client yet
			}
		}
		if waiting == 0 {
			return nil
		}
		if err := failure(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d series delivered no row within 60 s of probe messages", waiting, len(series))
		}
		if err := sleep(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
}

// pacer publishes to series in turn at a fixed rate until stopped,
// counting the messages published and those published within a window.
type pacer struct {
	published  atomic.Int64
	inWindow   atomic.Int64
	start, end time.Time
	stopping   chan struct{}
	done       chan struct{}
	err        error
}

// startPacer publishes through srv one message every interval, to
// series[0], series[1], … in turn, from now until stop, and waits for the
// server to take them every 1 024 messages; messages published at or
// after windowStart and before windowEnd are counted in inWindow (zero
// times count none).
func startPacer(srv feedServer, series []string, interval time.Duration, windowStart, windowEnd time.Time) *pacer {
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
			if err := srv.publish(series[i%int64(len(series))], i); err != nil {
				p.err = fmt.Errorf("publishing: %w", err)
				return
			}
			if i%1024 == 1023 {
				if err := srv.flush(); err != nil {
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
