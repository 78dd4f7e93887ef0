package bench

import (
	"fmt"
	"strings"
	"time"
)

// FeedRun is what one feed section (NATS, SSE, NDJSON, WebSocket)
// measured: both sides against one server in one run.
type FeedRun struct {
	Source  FeedSource
	Options FeedOptions
	// Saturation holds every round of both sides.
	Saturation []FeedSaturation
	Latency    []FeedLatency
}

// saturationOf is side's median saturation round.
func (f FeedRun) saturationOf(side FeedSide) (FeedSaturation, bool) {
	var rounds []FeedSaturation
	for _, s := range f.Saturation {
		if s.Side == side {
			rounds = append(rounds, s)
		}
	}
	if len(rounds) == 0 {
		return FeedSaturation{}, false
	}
	return MedianFeedSaturation(rounds), true
}

// roundsOf lists side's rounds' CPU per row, in the order they ran, with
// the messages a round lost and where.
func (f FeedRun) roundsOf(side FeedSide) []string {
	var out []string
	for _, s := range f.Saturation {
		if s.Side == side {
			round := FormatMicros(s.CPUPerRow())
			if lost := s.Lost(); lost > 0 {
				round += fmt.Sprintf(" (%s lost: %s)", FormatCount(float64(lost)), lossReasons(s))
			}
			out = append(out, round)
		}
	}
	return out
}

// latencyOf finds side's latency run at rate messages a second per
// series.
func (f FeedRun) latencyOf(side FeedSide, rate float64) (FeedLatency, bool) {
	for _, l := range f.Latency {
		if l.Side == side && l.Rate == rate {
			return l, true
		}
	}
	return FeedLatency{}, false
}

// cpuRatio is Pulse's CPU per row over the reference's at saturation, and
// both rounds; false when either side has none or the reference's is 0.
func (f FeedRun) cpuRatio() (float64, FeedSaturation, FeedSaturation, bool) {
	pulse, okP := f.saturationOf(FeedPulse)
	ref, okR := f.saturationOf(FeedReferenceSide)
	if !okP || !okR || ref.CPUPerRow() <= 0 {
		return 0, pulse, ref, false
	}
	return float64(pulse.CPUPerRow()) / float64(ref.CPUPerRow()), pulse, ref, true
}

// seriesWord is what the section calls a series: subject or path.
func (s FeedSource) seriesWord() string {
	if s == FeedNATS {
		return "subject"
	}
	return "path"
}

func (r Report) feedChecks() []Check {
	var checks []Check
	for _, f := range r.Feeds {
		title := f.Source.Title()
		if ratio, pulse, ref, ok := f.cpuRatio(); ok {
			c := Check{
				Target:   title + " at saturation: Pulse's plugin CPU per delivered row ≤ 1/5 of the reference's",
				Measured: fmt.Sprintf("%.2f (%s against %s)", ratio, FormatMicros(pulse.CPUPerRow()), FormatMicros(ref.CPUPerRow())),
				Verdict:  Verdict(pulse.Delivered > 0 && ratio <= TargetMQTTCPUVsReference),
			}
			if c.Verdict == Miss {
				c.Why = whyFeedCPU(ratio, pulse, ref)
			}
			checks = append(checks, c)
		}
		for _, l := range f.Latency {
			verdict, ok := mqttLatencyVerdict(l)
			if !ok {
				continue
			}
			limit, _ := mqttLatencyLimit(l)
			target := fmt.Sprintf("%s latency at %s (%d %s%s): Pulse's p99 publish → host ≤ %s", title, mqttRateName(l.Rate), l.Topics, f.Source.seriesWord(), plural(l.Topics), FormatMs(limit))
			if l.Rate == TargetMQTTBusyRate {
				target = fmt.Sprintf("%s latency at %s: Pulse's p99 publish → host ≤ flushMs + %s = %s", title, mqttRateName(l.Rate), FormatMs(TargetLatencySlack), FormatMs(limit))
			}
			c := Check{Target: target, Measured: "p99 " + FormatMs(l.All.P99), Verdict: verdict}
			if c.Verdict == Miss {
				ref, okRef := f.latencyOf(FeedReferenceSide, l.Rate)
				c.Why = whyFeedLate(l, limit, ref, okRef)
			}
			checks = append(checks, c)
		}
	}
	return checks
}

// whyFeedCPU explains Pulse's CPU per row at saturation against the feed
// reference's.
func whyFeedCPU(ratio float64, pulse, ref FeedSaturation) string {
	limit := time.Duration(float64(ref.CPUPerRow()) * TargetMQTTCPUVsReference)
	why := excess(ratio, TargetMQTTCPUVsReference) + ". "
	why += fmt.Sprintf("Pulse used %s of plugin CPU per row, the reference %s; the target asks Pulse for at most %s. ",
		FormatMicros(pulse.CPUPerRow()), FormatMicros(ref.CPUPerRow()), FormatMicros(limit))
	if pulse.Packets > 0 && ref.Packets > 0 {
		why += fmt.Sprintf("Pulse sent %s rows a packet, the reference one (a frame with its schema per message), so the reference's cost per row is mostly its sends; "+
			"what is left of Pulse's is per message: reading it from its connection, handing it to the tap, decoding its JSON into the history and waking the stream. ",
			FormatCount(float64(pulse.Delivered)/float64(pulse.Packets)))
	}
	if lost := pulse.Lost(); lost > 0 {
		why += fmt.Sprintf("Pulse delivered %s of %s messages (%s)", FormatCount(float64(pulse.Delivered)), FormatCount(float64(pulse.Published)), lossReasons(pulse))
		if pulse.Received > float64(pulse.Delivered) {
			perMessage := time.Duration(float64(pulse.PluginCPU) / pulse.Received)
			why += fmt.Sprintf(", though its taps received %s: per message received its CPU was %s, %.2f of the reference's per row",
				FormatCount(pulse.Received), FormatMicros(perMessage), float64(perMessage)/float64(ref.CPUPerRow()))
		}
		why += ". "
	}
	return strings.TrimSpace(why)
}

// whyFeedLate explains a latency miss of a feed section.
func whyFeedLate(l FeedLatency, limit time.Duration, ref FeedLatency, haveRef bool) string {
	if l.All.Count == 0 {
		return "No row arrived in the window."
	}
	why := fmt.Sprintf("%s over the limit (%s); the median was %s. ", FormatMs(l.All.P99-limit), excess(float64(l.All.P99), float64(limit)), FormatMs(l.All.P50))
	period := time.Duration(float64(time.Second) / l.Rate)
	window := FeedFlushMs * time.Millisecond
	switch {
	case period >= window-time.Millisecond && period <= window+time.Millisecond:
		why += fmt.Sprintf("At %s each series' messages come one flush window (%s) apart. A Pulse stream sends a row at once only when its previous frame went out at least a flush window earlier; "+
			"a row that comes sooner waits for the rest of the window, so the latency wanders between the trip's and the window. ", mqttRateName(l.Rate), FormatSpan(window))
	case period < window:
		why += fmt.Sprintf("At this rate a frame holds a flush window (%s) of messages, so the first of each waits about that long by design. ", FormatSpan(window))
	}
	if l.LastQuarter.P50-l.FirstQuarter.P50 > driftThreshold {
		why += fmt.Sprintf("The latency drifts upwards during the run (median %s in the first quarter, %s in the last): the receiving side or other work on the machine fell behind. ",
			FormatMs(l.FirstQuarter.P50), FormatMs(l.LastQuarter.P50))
	}
	if haveRef {
		why += fmt.Sprintf("The reference, which sends each message at once, had a median of %s and a p99 of %s: the trip through the server, the plugin and gRPC alone.",
			FormatMs(ref.All.P50), FormatMs(ref.All.P99))
	}
	return strings.TrimSpace(why)
}

// feedServerText says how a section's server runs, for the report.
func feedServerText(s FeedSource) string {
	switch s {
	case FeedNATS:
		return "one nats-server (Debian's, started by `natstest` on a loopback port, with JetStream, which the benchmark's subjects are not kept by) serves both sides; " +
			"the benchmark publishes with core NATS through nats.go, a burst over a connection of its own through nats.go's write buffer"
	case FeedWebSocket:
		return "one feedhub (`backend/testkit/feedhub`, in the benchmark's process, on a loopback port) serves each path as WebSocket text messages, one per message; " +
			"publishing queues a message for every client of the path, whose connection's writer sends them in order"
	}
	format := "Server-Sent Events (`id:` and `data:` lines per event)"
	if s == FeedNDJSON {
		format = "NDJSON (one line per message)"
	}
	return "one feedhub (`backend/testkit/feedhub`, in the benchmark's process, on a loopback port) serves each path as " + format + "; " +
		"publishing queues a message for every client of the path, whose response writer sends what is queued and flushes once"
}

// feedReaderText says how the reference reads a section's server.
func feedReaderText(s FeedSource) string {
	switch s {
	case FeedNATS:
		return "its own nats.go connection per stream, with a subscription to its subject read one message at a time (`SubscribeSync`, `NextMsgWithContext`)"
	case FeedWebSocket:
		return "its own gorilla/websocket connection per stream to its path, read one message at a time"
	case FeedNDJSON:
		return "its own HTTP GET per stream of its path (`Accept: application/x-ndjson`), whose body a `bufio.Scanner` reads line by line"
	}
	return "its own HTTP GET per stream of its path (`Accept: text/event-stream`), whose body a `bufio.Scanner` reads line by line, each `data:` line a message"
}

func (r Report) feedSections() string {
	var b strings.Builder
	for i, f := range r.Feeds {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(r.feedSection(f))
	}
	return b.String()
}

func (r Report) feedSection(f FeedRun) string {
	o := f.Options.withDefaults()
	title := f.Source.Title()
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", title)
	query := fmt.Sprintf(`{"%s": <%s>`, f.Source.targetField(), f.Source.seriesWord())
	for _, p := range f.Source.params() {
		if p[1] != "" {
			query += fmt.Sprintf(`, "%s": "%s"`, p[0], p[1])
		}
	}
	query += `, "withStreaming": true, "flushMs": 100}`
	fmt.Fprintf(&b, "How measured: %s. "+
		"**Pulse** is the real plugin binary with a data source `{\"source\":\"%s\",\"url\":<the server>}` (the default history and queues); "+
		"its channels are admitted and started as Grafana does, `SubscribeStream` then `RunStream`, each on a query `%s`, whose channel path the plugin's own QueryData answer is checked against first. "+
		"The **reference** is a stream handler kept in the benchmark's reference plugin (`bench/refplugin`, `FeedReference`) that works like the simple streaming plugins for this protocol, the WebSocket data sources of today among them: "+
		"%s, and for every message, at once, one frame (a time field, the arrival, and one field per top-level numeric JSON key) sent with its schema (`data.IncludeAll`) through the SDK's StreamSender: no batching. "+
		"Each message is `{\"sent\":<publish time, Unix ns>,\"v\":<n>}`. Plugin CPU is the plugin process's user and system time (`/proc/<pid>/stat`). "+
		"Each side runs in a process of its own, started for this section. The machine's other work adds noise to every figure; each comparison is between figures of the same run.\n\n",
		feedServerText(f.Source), f.Source.PulseSource(), query, feedReaderText(f.Source))

	if len(f.Saturation) > 0 {
		fmt.Fprintf(&b, "### Saturation\n\n"+
			"Each round opens a stream on a new %s, waits until a probe message arrives at the host, then publishes %s messages as fast as the server takes them, "+
			"and waits until every row arrived at the host or none came for a second. The host counts each packet's rows without decoding it. Plugin CPU is counted from the first message published to the last row delivered. "+
			"%d round%s, the sides taking turns; each row of the table is the side's median round by CPU per row; rows/s is the rows delivered over the time from the first message published to the last row delivered. "+
			"Fewer messages than the MQTT section's, so that the section takes about a minute. "+
			"Lost messages are told apart by Pulse's counters (`pulse_feed_messages_dropped_total`: dropped by a bounded queue; `pulse_stream_rows_dropped_total`: evicted before the stream sent them).\n\n",
			f.Source.seriesWord(), FormatCount(float64(o.Messages)), o.Rounds, plural(o.Rounds))
		t := Table{Columns: []Column{{Title: "side"}, {Title: "published", Right: true}, {Title: "rows delivered", Right: true}, {Title: "rows/s", Right: true},
			{Title: "lost"}, {Title: "rows/packet", Right: true}, {Title: "bytes/row", Right: true}, {Title: "plugin CPU/row", Right: true}, {Title: "rounds, CPU/row"}}}
		for _, side := range FeedSides {
			s, ok := f.saturationOf(side)
			if !ok {
				continue
			}
			rowsPerPacket, bytesPerRow := "–", "–"
			if s.Packets > 0 && s.Delivered > 0 {
				rowsPerPacket = FormatCount(float64(s.Delivered) / float64(s.Packets))
				bytesPerRow = FormatCount(float64(s.Bytes) / float64(s.Delivered))
			}
			t.Add(side.Title(), FormatCount(float64(s.Published)), FormatCount(float64(s.Delivered)), FormatCount(s.DeliveryRate()),
				lossReasons(s), rowsPerPacket, bytesPerRow, FormatMicros(s.CPUPerRow()), strings.Join(f.roundsOf(side), ", "))
		}
		b.WriteString(t.Markdown())
		if ratio, pulse, ref, ok := f.cpuRatio(); ok {
			b.WriteString("\nRatios, measured in the same run:\n\n")
			rt := Table{Columns: []Column{{Title: "CPU per row, Pulse ÷ reference", Right: true}, {Title: "≤ 0.20"}, {Title: "rows/s, Pulse ÷ reference", Right: true}}}
			rate := "–"
			if ref.DeliveryRate() > 0 {
				rate = fmt.Sprintf("%.2f", pulse.DeliveryRate()/ref.DeliveryRate())
			}
			rt.Add(fmt.Sprintf("%.2f", ratio), Verdict(pulse.Delivered > 0 && ratio <= TargetMQTTCPUVsReference).String(), rate)
			b.WriteString(rt.Markdown())
		}
	}

	if len(f.Latency) > 0 {
		fmt.Fprintf(&b, "\n### Latency\n\n"+
			"A row's latency is the moment the host's `Recv` returned its packet less the publish time its payload carries (the publisher and the host are one process, one clock). "+
			"The benchmark publishes on a fixed schedule, spread evenly over the %ss, for %s after a %s warm-up (a shorter window than the MQTT section's, so that the section takes about a minute); "+
			"each %s is a channel of its own and every packet is decoded. "+
			"At 10 msg/s a message comes after a quiet flush window and should go out at once; at 1 000 msg/s a frame holds a flush window of messages, so the first of each waits about that long by design. "+
			"The reference sends each message at once whatever the rate. The last column compares the median of the window's first and last quarter, to show a latency that drifts.\n\n",
			f.Source.seriesWord(), FormatSpan(o.Window), FormatSpan(o.Warmup), f.Source.seriesWord())
		t := Table{Columns: []Column{{Title: "rate per " + f.Source.seriesWord()}, {Title: f.Source.seriesWord() + "s", Right: true}, {Title: "side"}, {Title: "rows (published)", Right: true},
			{Title: "p50", Right: true}, {Title: "p99", Right: true}, {Title: "max", Right: true}, {Title: "target p99 ≤", Right: true}, {Title: "result"},
			{Title: "median, first → last quarter"}}}
		for _, l := range f.Latency {
			limit, verdict := "", ""
			if v, ok := mqttLatencyVerdict(l); ok {
				d, _ := mqttLatencyLimit(l)
				limit, verdict = FormatMs(d), v.String()
			}
			t.Add(mqttRateName(l.Rate), FormatCount(float64(l.Topics)), l.Side.Title(),
				fmt.Sprintf("%s (%s)", FormatCount(float64(l.All.Count)), FormatCount(float64(l.Published))),
				FormatMs(l.All.P50), FormatMs(l.All.P99), FormatMs(l.All.Max), limit, verdict,
				FormatMs(l.FirstQuarter.P50)+" → "+FormatMs(l.LastQuarter.P50))
		}
		b.WriteString(t.Markdown())
	}
	return b.String()
}
