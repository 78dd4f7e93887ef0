package bench

import (
	"fmt"
	"math"
	"strings"
	"time"
)

func (m *MQTT) stalledOf(side MQTTSide) (MQTTStalled, bool) {
	for _, s := range m.Stalled {
		if s.Side == side {
			return s, true
		}
	}
	return MQTTStalled{}, false
}

func (m *MQTT) topicsOf(side MQTTSide, wildcard bool) (MQTTTopics, bool) {
	for _, t := range m.Topics {
		if t.Side == side && t.Wildcard == wildcard {
			return t, true
		}
	}
	return MQTTTopics{}, false
}

// mqttLatencyLimit is the target for Pulse's p99 at l's rate: 10 ms at
// the quiet rate, a flush window and TargetLatencySlack at the busy one.
func mqttLatencyLimit(l MQTTLatency) (time.Duration, bool) {
	switch l.Rate {
	case TargetMQTTQuietRate:
		return TargetMQTTQuietLatency, true
	case TargetMQTTBusyRate:
		return MQTTFlushMs*time.Millisecond + TargetLatencySlack, true
	}
	return 0, false
}

// mqttLatencyVerdict compares Pulse's run l with its target.
func mqttLatencyVerdict(l MQTTLatency) (Verdict, bool) {
	limit, ok := mqttLatencyLimit(l)
	if !ok || l.Side != MQTTPulse {
		return Miss, false
	}
	return Verdict(l.All.Count > 0 && l.All.P99 <= limit), true
}

// mqttRateName is a rate per topic: "10 msg/s".
func mqttRateName(rate float64) string { return FormatCount(rate) + " msg/s" }

// MQTTGRPCAllowance is what a stalled stream's gRPC queue and state may
// hold in the MQTT stall's bound: the largest memory per stream the
// stalled section measured in the same run, or, when it did not run, that
// section's target; and where the figure comes from.
func (r Report) MQTTGRPCAllowance() (float64, string) {
	var most float64
	for _, s := range r.Stalled {
		most = max(most, s.BytesPerStream())
	}
	if most > 0 {
		return most, "the most a stalled stream cost in this run's stalled-streams section"
	}
	return TargetStalledBytesPerStream, "the stalled-streams section's target per stream, as that section did not run"
}

// MQTTStallBound is the documented bound of Pulse's memory for one stalled
// stream on one busy topic: the tap's history (historyMaxBytes, default
// 4 MiB), the messages waiting for it (1 MiB), and the gRPC allowance.
func (r Report) MQTTStallBound() float64 {
	grpc, _ := r.MQTTGRPCAllowance()
	return MQTTHistoryMaxBytes + MQTTQueueBytes + grpc
}

func (r Report) mqttChecks() []Check {
	m := r.MQTT
	if m == nil {
		return nil
	}
	var checks []Check
	if c, ok := cpuCheck("MQTT", m.Saturation, func(ratio float64, pulse, ref MQTTSaturation) string {
		floor, okF := saturationOf(m.Saturation, MQTTFloor)
		return whyMQTTCPU(ratio, pulse, ref, floor, okF)
	}); ok {
		checks = append(checks, c)
	}
	checks = append(checks, latencyChecks("MQTT", "topic", m.Latency, func(l MQTTLatency, limit time.Duration, ref MQTTLatency, haveRef bool) string {
		return whyMQTTLate(l, limit, ref, haveRef, m.Cadence)
	})...)
	if s, ok := m.stalledOf(MQTTPulse); ok {
		bound := r.MQTTStallBound()
		measured := FormatMiB(s.Growth())
		if ref, ok := m.stalledOf(MQTTReferenceSide); ok {
			measured += fmt.Sprintf(" (the reference: %s)", FormatMiB(ref.Growth()))
		}
		c := Check{
			Target: fmt.Sprintf("MQTT, receiver stalled while %s messages are published: Pulse's resident memory grows ≤ the documented bound, %s",
				FormatCount(float64(s.Published)), FormatMiB(int64(bound))),
			Measured: measured,
			Verdict:  Verdict(float64(s.Growth()) <= bound),
		}
		if c.Verdict == Miss {
			c.Why = r.whyMQTTStallHeavy(s, bound)
		}
		checks = append(checks, c)
	}
	if t, ok := m.topicsOf(MQTTPulse, false); ok {
		c := Check{
			Target:   fmt.Sprintf("MQTT, %s topics at 1 msg/s each on one connection, a channel each: Pulse under %.1f of a core", FormatCount(float64(t.Topics)), TargetMQTTTopicsCPU),
			Measured: fmt.Sprintf("%.2f of a core", t.CPUShare()),
			Verdict:  Verdict(t.CPUShare() < TargetMQTTTopicsCPU),
		}
		if c.Verdict == Miss {
			c.Why = whyMQTTTopicsBusy(t, m)
		}
		checks = append(checks, c)
	}
	return checks
}

// whyMQTTCPU explains Pulse's CPU per row at saturation against the
// reference's, with the floor: what receiving alone costs.
func whyMQTTCPU(ratio float64, pulse, ref, floor MQTTSaturation, haveFloor bool) string {
	why := excess(ratio, TargetMQTTCPUVsReference) + ". "
	limit := time.Duration(float64(ref.CPUPerRow()) * TargetMQTTCPUVsReference)
	if haveFloor && floor.Delivered > 0 {
		why += fmt.Sprintf("Receiving alone — the reference's MQTT connection, subscription and callback, counting the messages and sending ten one-row frames a second — "+
			"cost %s of plugin CPU per message in the same run, %.0f %% of the reference's whole cost per row; the target asks Pulse for at most %s per row. ",
			FormatMicros(floor.CPUPerRow()), 100*float64(floor.CPUPerRow())/float64(ref.CPUPerRow()), FormatMicros(limit))
		if floor.CPUPerRow() >= limit {
			why += "No design that receives through paho.mqtt.golang, as both Pulse's MQTT 3.1.1 connection and the reference do, can meet it here: " +
				"the client reads each message from its socket with separate read(2) calls (the fixed header's first byte, the remaining length byte by byte, then the body) " +
				"and hands it from its reading goroutine through two more (its comms and its router) before the callback runs; at the rate the broker delivers here each message wakes those goroutines on its own. "
		}
		own, refOwn := pulse.CPUPerRow()-floor.CPUPerRow(), ref.CPUPerRow()-floor.CPUPerRow()
		why += fmt.Sprintf("Beyond receiving, Pulse spent %s per row, the reference %s: ", FormatMicros(max(own, 0)), FormatMicros(max(refOwn, 0)))
		why += "Pulse decodes each message as it comes (on its subscription's own goroutine, behind a queue) into its history and wakes the stream, which sends frames of up to 1 000 rows or 28 KiB, " +
			"while the reference only appends to a slice in the callback and decodes and encodes once per 100 ms tick, in one large frame. "
	} else {
		why += cpuUsedText(pulse, ref, limit)
	}
	if lost := pulse.Lost(); lost > 0 {
		why += deliveredText(pulse) + ". "
	}
	return strings.TrimSpace(why)
}

// lossReasons says where a round's lost messages went, as far as the
// counters tell.
func lossReasons(s MQTTSaturation) string {
	lost := s.Lost()
	if lost <= 0 {
		return "none lost"
	}
	var parts []string
	explained := 0.0
	add := func(n float64, what string) {
		if n > 0 && !math.IsNaN(n) {
			parts = append(parts, FormatCount(n)+" "+what)
			explained += n
		}
	}
	add(s.QueueDropped, "dropped by Pulse's queue")
	add(s.RowsSkipped, "evicted before the stream sent them")
	if s.BrokerDropped > 0 {
		add(float64(s.BrokerDropped), "dropped by the broker")
	}
	if rest := float64(lost) - explained; rest > 0 {
		what := "not accounted for"
		if s.TimedOut {
			what = "not delivered when the round gave up"
		}
		add(rest, what)
	}
	return strings.Join(parts, ", ")
}

// whyMQTTLate explains a latency miss.
func whyMQTTLate(l MQTTLatency, limit time.Duration, ref MQTTLatency, haveRef bool, cadence []FeedCadence) string {
	why, arrived := lateText(l, limit)
	if !arrived {
		return why
	}
	period := time.Duration(float64(time.Second) / l.Rate)
	window := MQTTFlushMs * time.Millisecond
	switch {
	case period >= window-time.Millisecond && period <= window+time.Millisecond:
		why += fmt.Sprintf("At %s each topic's messages come one flush window (%s) apart. A Pulse stream sends a row at once only when its previous frame went out at least a flush window earlier, "+
			"counted from the end of that send; a row that comes sooner waits for the rest of the window. So each message inherits the lateness of the one before "+
			"plus that send's own time, and the latency wanders between nothing and the window instead of staying near the trip's. ",
			mqttRateName(l.Rate), FormatSpan(window))
		for i, c := range cadence {
			if i == 0 {
				why += "Timed in the benchmark process without MQTT or gRPC, a feed stream "
			} else {
				why += "; "
			}
			why += fmt.Sprintf("given a row every %s sent them with a median latency of %s (p99 %s; median %s in the first tenth, %s in the last)",
				FormatSpan(c.Period), FormatMs(c.All.P50), FormatMs(c.All.P99), FormatMs(c.FirstTenth.P50), FormatMs(c.LastTenth.P50))
			if i == len(cadence)-1 {
				why += ". "
			}
		}
	case period < window:
		why += busyWindowText(window) + driftText(l)
	}
	if haveRef {
		why += fmt.Sprintf("The reference, which sends once per 100 ms tick, had a median of %s and a p99 of %s.", FormatMs(ref.All.P50), FormatMs(ref.All.P99))
	}
	return strings.TrimSpace(why)
}

// whyMQTTStallHeavy explains a stalled-receiver memory miss.
func (r Report) whyMQTTStallHeavy(s MQTTStalled, bound float64) string {
	why := excess(float64(s.Growth()), bound) + ". "
	if !math.IsNaN(s.HistoryRows) {
		why += fmt.Sprintf("Pulse's history held %s rows, %s by its own estimate (the %s-row bound is reached long before historyMaxBytes with these small rows); ",
			FormatCount(s.HistoryRows), FormatMiB(int64(s.HistoryBytes)), FormatCount(MQTTHistoryMaxRows))
	}
	if b, l := s.BaselineRuntime, s.LoadedRuntime; b.HeapBytes >= 0 && l.HeapBytes >= 0 {
		heap := l.HeapBytes - b.HeapBytes
		why += fmt.Sprintf("the runtime's heap in use grew by %s, and the rest of the growth, %s, is memory the Go runtime keeps for reuse: ", FormatMiB(int64(heap)), FormatMiB(s.Growth()-int64(heap)))
		why += "decoding a message allocates, so the collector runs often, and it lets the heap grow to about twice the live data between collections (GOGC=100), and keeps freed pages resident until its scavenger returns them. "
	}
	why += fmt.Sprintf("The memory settled at %s above the baseline once the publishing ended and did not follow the messages: ", FormatMiB(s.LevelRSS-s.BaselineRSS))
	if ref, ok := r.MQTT.stalledOf(MQTTReferenceSide); ok {
		why += fmt.Sprintf("the reference, which keeps every message for its blocked send, grew by %s. ", FormatMiB(ref.Growth()))
	}
	why += "The documented bound counts the history's rows and the queue, not the collector's headroom."
	return why
}

// whyMQTTTopicsBusy explains a many-topics CPU miss.
func whyMQTTTopicsBusy(t MQTTTopics, m *MQTT) string {
	why := fmt.Sprintf("%s. That is %s of CPU per message. ", excess(t.CPUShare(), TargetMQTTTopicsCPU), FormatMicros(t.CPUPerMessage()))
	why += "At 1 msg/s a channel is always quiet, so Pulse sends each message at once as a frame of its own: each costs a frame, a gRPC message and its write, " +
		"and wakes in turn the MQTT client's reading and routing goroutines, the tap's queue, the stream and gRPC's writer, on a plugin otherwise idle between messages. "
	if f, ok := m.topicsOf(MQTTFloor, true); ok {
		why += fmt.Sprintf("Receiving alone, the same messages through the reference's MQTT connection on one wildcard subscription, cost %.2f of a core (%s per message). ",
			f.CPUShare(), FormatMicros(f.CPUPerMessage()))
	}
	if w, ok := m.topicsOf(MQTTPulse, true); ok {
		why += fmt.Sprintf("Pulse reading the topics through one wildcard channel, whose frames hold a flush window of messages, cost %.2f of a core", w.CPUShare())
		if !math.IsNaN(w.FieldsDropped) && w.FieldsDropped > 0 {
			why += fmt.Sprintf(", but a channel's frames have room for 256 fields, so the values of most topics were dropped (%s in the window)", FormatCount(w.FieldsDropped))
		}
		why += ". "
	}
	if ref, ok := m.topicsOf(MQTTReferenceSide, false); ok {
		why += fmt.Sprintf("The reference, which sends a frame per channel every 100 ms whether or not a message came, used %.2f of a core.", ref.CPUShare())
	}
	return strings.TrimSpace(why)
}

func (r Report) mqttSection() string {
	m := r.MQTT
	if m == nil {
		return ""
	}
	o := m.Options.withDefaults()
	var b strings.Builder
	b.WriteString("## MQTT\n\n")
	b.WriteString("How measured: one mosquitto (Debian's, started by `mqtttest` on a loopback port) serves both sides in one run. " +
		"**Pulse** is the real plugin binary with an MQTT data source (`{\"source\":\"mqtt\",\"uri\":\"tcp://127.0.0.1:<port>\"}`, the default history: 10 000 rows or 4 MiB per topic filter); " +
		"its channels are admitted and started as Grafana does, `SubscribeStream` then `RunStream`, each on a query `{\"topic\": <topic>, \"withStreaming\": true, \"flushMs\": 100}`, " +
		"whose channel path the plugin's own QueryData answer is checked against first. " +
		"The **reference** is a stream handler kept in the benchmark's reference plugin (`bench/refplugin`) that works like grafana/mqtt-datasource: " +
		"one paho.mqtt.golang connection (MQTT 3.1.1) per broker, a QoS 0 subscription per topic whose callback appends each message and its arrival time to a slice nothing bounds, " +
		"and every 100 ms one frame built from that slice (a time field and one field per top-level numeric JSON key) sent with its schema (`data.IncludeAll`) through the SDK's StreamSender, then a new slice. " +
		"Pulse's connection is paho.mqtt.golang in MQTT 3.1.1 too (it subscribes with QoS 1). " +
		"Messages are published at QoS 0, so both sides receive them at QoS 0; each is `{\"sent\":<publish time, Unix ns>,\"v\":<n>}`. " +
		"Plugin CPU is the plugin process's user and system time (the sum of its threads' run times in `/proc/<pid>/task/*/schedstat`, in nanoseconds); resident memory is `VmRSS`. " +
		"The machine's other work adds noise to every figure; each comparison is between figures of the same run.\n\n")

	if len(m.Saturation) > 0 {
		fmt.Fprintf(&b, "### Saturation\n\n"+
			"Each round opens a stream on a new topic, waits until a probe message arrives at the host, then publishes %s messages as fast as the broker takes them, "+
			"over a connection of the benchmark's own that writes the PUBLISH packets back to back (64 KiB at a time), and waits until every row arrived at the host "+
			"or none came for a second. The host counts each packet's rows without decoding it. Plugin CPU is counted from the first message published to the last row delivered. "+
			"The **MQTT client alone** is the reference's connection, subscription and callback with nothing behind them but a count, sent ten times a second as a one-row frame: "+
			"what receiving a message through paho.mqtt.golang costs any design. %d round%s, the sides taking turns; each row of the table is the side's median round by CPU per row; "+
			"rows/s is the rows delivered over the time from the first message published to the last row delivered (the broker delivers them as fast as it can; the publisher's socket buffers take a burst far faster). "+
			"Lost messages are told apart by Pulse's counters (`pulse_feed_messages_dropped_total`: dropped by a topic filter's queue; `pulse_stream_rows_dropped_total`: evicted before the stream sent them) "+
			"and the broker's (`$SYS/broker/publish/messages/dropped`).\n\n", FormatCount(float64(o.Messages)), o.Rounds, plural(o.Rounds))
		b.WriteString(saturationTable(m.Saturation, MQTTSaturationSides))
		if _, _, ref, ok := saturationCPURatio(m.Saturation); ok {
			floorRatio := "–"
			if f, ok := saturationOf(m.Saturation, MQTTFloor); ok {
				floorRatio = fmt.Sprintf("%.2f", float64(f.CPUPerRow())/float64(ref.CPUPerRow()))
			}
			b.WriteString(ratioTable(m.Saturation, "Ratios of CPU per row", "Pulse ÷ reference", "MQTT client alone ÷ reference", floorRatio))
		}
	}

	if len(m.Latency) > 0 {
		b.WriteString(latencyIntro("topic", o.Window, o.Warmup, "", "once per 100 ms tick"))
		b.WriteString(latencyTable(m.Latency, "topic"))
		if len(m.Cadence) > 0 {
			b.WriteString("\nWhere the latency comes from, timed in the benchmark process without MQTT or gRPC (it explains the figures; it is not part of them): " +
				"a Pulse feed (package `feed`, as the MQTT source builds it) over an in-memory upstream, one stream with a 100 ms flush window, " +
				"given one row at a steady period; a row's latency runs from its hand-over to the end of the send that carried it.\n\n")
			ct := Table{Columns: []Column{{Title: "a row every", Right: true}, {Title: "rows", Right: true}, {Title: "p50", Right: true}, {Title: "p99", Right: true},
				{Title: "median, first → last tenth"}}}
			for _, c := range m.Cadence {
				ct.Add(FormatSpan(c.Period), FormatCount(float64(c.Rows)), FormatMs(c.All.P50), FormatMs(c.All.P99), FormatMs(c.FirstTenth.P50)+" → "+FormatMs(c.LastTenth.P50))
			}
			b.WriteString(ct.Markdown())
		}
	}

	if len(m.Stalled) > 0 {
		grpc, from := r.MQTTGRPCAllowance()
		fmt.Fprintf(&b, "\n### Stalled receiver\n\n"+
			"For each side a fresh plugin process is started with the host's flow-control windows fixed at gRPC's initial 64 KiB (as in the stalled-streams section); "+
			"a health check makes its data source, and after %s its resident memory is the baseline. "+
			"The host opens one stream on a new topic, reads it until a probe message arrives, then never reads again, as a Grafana that stalled. "+
			"Then %s messages are published to the topic as fast as the broker takes them. Resident memory is sampled every %s from the stall until it holds still for %s after the publishing "+
			"(within 1 MiB or 1 %%; at most %s); growth is the largest sample less the baseline. "+
			"Pulse's bound is what its documentation promises for one topic filter: the history (`historyMaxBytes`, %s by default) and the messages waiting for it (1 MiB), "+
			"plus %s for the stream's gRPC queue and state, %s: %s in all. "+
			"History, heap and the counters are the plugin's own figures (`pulse_history_rows`, `pulse_history_bytes`, `go_memstats_heap_inuse_bytes`).\n\n",
			FormatSpan(o.Settle), FormatCount(float64(o.StalledMessages)), FormatSpan(o.Sample), FormatSpan(o.Quiet), FormatSpan(o.MaxWait),
			FormatMiB(MQTTHistoryMaxBytes), FormatKB(grpc), from, FormatMiB(int64(r.MQTTStallBound())))
		t := Table{Columns: []Column{{Title: "side"}, {Title: "published", Right: true}, {Title: "baseline RSS", Right: true},
			{Title: "peak RSS", Right: true}, {Title: "growth", Right: true}, {Title: "settled at", Right: true}, {Title: "bound", Right: true}, {Title: "result"},
			{Title: "history rows", Right: true}, {Title: "history bytes", Right: true}, {Title: "heap in use growth", Right: true}, {Title: "received by taps", Right: true}, {Title: "queue drops", Right: true}}}
		for _, s := range m.Stalled {
			bound, verdict := "", ""
			if s.Side == MQTTPulse {
				bound = FormatMiB(int64(r.MQTTStallBound()))
				verdict = Verdict(float64(s.Growth()) <= r.MQTTStallBound()).String()
			}
			settled := FormatMiB(s.LevelRSS - s.BaselineRSS)
			if !s.Settled {
				settled = "not settled, " + settled
			}
			heap := "–"
			if s.BaselineRuntime.HeapBytes >= 0 && s.LoadedRuntime.HeapBytes >= 0 {
				heap = FormatMiB(int64(s.LoadedRuntime.HeapBytes - s.BaselineRuntime.HeapBytes))
			}
			t.Add(s.Side.Title(), FormatCount(float64(s.Published)), FormatMiB(s.BaselineRSS), FormatMiB(s.PeakRSS),
				FormatMiB(s.Growth()), settled, bound, verdict, countOrDash(s.HistoryRows), mibOrDash(s.HistoryBytes), heap, countOrDash(s.Received), countOrDash(s.QueueDropped))
		}
		b.WriteString(t.Markdown())
	}

	if len(m.Topics) > 0 {
		fmt.Fprintf(&b, "\n### Many topics\n\n"+
			"For each run a fresh plugin process is started and its data source made; after %s its resident memory is the baseline. "+
			"Pulse opens one channel per topic (`SubscribeStream`, then `RunStream`), as a dashboard with a panel per topic does, %s channels on the one data source and its one broker connection; "+
			"for comparison it also reads the same topics through one channel on the wildcard filter `pulse-bench/<run>/+` with `fields` `[\"v\"]` (its frames have room for 256 fields, the values of further topics are dropped and counted). "+
			"The reference opens a channel per topic on its one connection; the MQTT client alone subscribes to the wildcard filter. "+
			"The benchmark publishes one message a second to each topic, spread evenly over the second. Once every channel delivered a row and %s more passed, "+
			"the plugin's CPU time is taken over %s and its resident memory sampled every second.\n\n",
			FormatSpan(o.Settle), FormatCount(float64(o.Topics)), FormatSpan(o.Settle), FormatSpan(o.Window))
		t := Table{Columns: []Column{{Title: "side"}, {Title: "channels"}, {Title: "topics", Right: true}, {Title: "CPU (cores)", Right: true}, {Title: "< 0.2"},
			{Title: "CPU per message", Right: true}, {Title: "rows (published)", Right: true}, {Title: "fewest rows, one topic", Right: true},
			{Title: "RSS growth", Right: true}, {Title: "values dropped", Right: true}}}
		for _, tp := range m.Topics {
			channels := FormatCount(float64(tp.Topics)) + ", one per topic"
			if tp.Wildcard {
				channels = "1, on a wildcard"
			}
			verdict := ""
			if tp.Side == MQTTPulse && !tp.Wildcard {
				verdict = Verdict(tp.CPUShare() < TargetMQTTTopicsCPU).String()
			}
			fewest := "–"
			if tp.MinTopicRows >= 0 {
				fewest = FormatCount(float64(tp.MinTopicRows))
			}
			t.Add(tp.Side.Title(), channels, FormatCount(float64(tp.Topics)), fmt.Sprintf("%.3f", tp.CPUShare()), verdict, FormatMicros(tp.CPUPerMessage()),
				fmt.Sprintf("%s (%s)", FormatCount(float64(tp.Rows)), FormatCount(float64(tp.Published))), fewest, FormatMiB(tp.RSS-tp.BaselineRSS), countOrDash(tp.FieldsDropped))
		}
		b.WriteString(t.Markdown())
		b.WriteString("\nEvery topic should deliver one row a second: the rows delivered in the window should be about the messages published in it. " +
			"The floor's rows are the messages it counted.\n")
	}
	return b.String()
}

func countOrDash(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return FormatCount(v)
}

func mibOrDash(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return FormatMiB(int64(v))
}
