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

func (r Report) feedChecks() []Check {
	var checks []Check
	for _, f := range r.Feeds {
		title := f.Source.Title()
		if c, ok := cpuCheck(title, f.Saturation, whyFeedCPU); ok {
			checks = append(checks, c)
		}
		checks = append(checks, latencyChecks(title, f.Source.targetField(), f.Latency, whyFeedLate)...)
	}
	return checks
}

// whyFeedCPU explains Pulse's CPU per row at saturation against the feed
// reference's.
func whyFeedCPU(ratio float64, pulse, ref FeedSaturation) string {
	limit := time.Duration(float64(ref.CPUPerRow()) * TargetMQTTCPUVsReference)
	why := excess(ratio, TargetMQTTCPUVsReference) + ". "
	why += cpuUsedText(pulse, ref, limit)
	if pulse.Packets > 0 && ref.Packets > 0 {
		why += fmt.Sprintf("Pulse sent %s rows a packet, the reference one (a frame with its schema per message), so the reference's cost per row is mostly its sends; "+
			"what is left of Pulse's is per message: reading it from its connection, handing it to the tap, decoding its JSON into the history and waking the stream. ",
			FormatCount(float64(pulse.Delivered)/float64(pulse.Packets)))
	}
	if lost := pulse.Lost(); lost > 0 {
		why += deliveredText(pulse)
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
	why, arrived := lateText(l, limit)
	if !arrived {
		return why
	}
	period := time.Duration(float64(time.Second) / l.Rate)
	window := FeedFlushMs * time.Millisecond
	switch {
	case period >= window-time.Millisecond && period <= window+time.Millisecond:
		why += fmt.Sprintf("At %s each series' messages come one flush window (%s) apart. A Pulse stream sends a row at once only when its previous frame went out at least a flush window earlier; "+
			"a row that comes sooner waits for the rest of the window, so the latency wanders between the trip's and the window. ", mqttRateName(l.Rate), FormatSpan(window))
	case period < window:
		why += busyWindowText(window)
	}
	why += driftText(l)
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
	query := fmt.Sprintf(`{"%s": <%s>`, f.Source.targetField(), f.Source.targetField())
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
		"Each message is `{\"sent\":<publish time, Unix ns>,\"v\":<n>}`. Plugin CPU is the plugin process's user and system time (the sum of its threads' run times in `/proc/<pid>/task/*/schedstat`, in nanoseconds). "+
		"Each side runs in a process of its own, started for this section. The machine's other work adds noise to every figure; each comparison is between figures of the same run.\n\n",
		feedServerText(f.Source), f.Source.PulseSource(), query, feedReaderText(f.Source))

	if len(f.Saturation) > 0 {
		fmt.Fprintf(&b, "### Saturation\n\n"+
			"Each round opens a stream on a new %s, waits until a probe message arrives at the host, then publishes %s messages as fast as the server takes them, "+
			"and waits until every row arrived at the host or none came for a second. The host counts each packet's rows without decoding it. Plugin CPU is counted from the first message published to the last row delivered. "+
			"%d round%s, the sides taking turns; each row of the table is the side's median round by CPU per row; rows/s is the rows delivered over the time from the first message published to the last row delivered. "+
			"Fewer messages than the MQTT section's, so that the section takes about a minute. "+
			"Lost messages are told apart by Pulse's counters (`pulse_feed_messages_dropped_total`: dropped by a bounded queue; `pulse_stream_rows_dropped_total`: evicted before the stream sent them).\n\n",
			f.Source.targetField(), FormatCount(float64(o.Messages)), o.Rounds, plural(o.Rounds))
		b.WriteString(saturationTable(f.Saturation, FeedSides))
		if _, pulse, ref, ok := saturationCPURatio(f.Saturation); ok {
			rate := "–"
			if ref.DeliveryRate() > 0 {
				rate = fmt.Sprintf("%.2f", pulse.DeliveryRate()/ref.DeliveryRate())
			}
			b.WriteString(ratioTable(f.Saturation, "Ratios", "CPU per row, Pulse ÷ reference", "rows/s, Pulse ÷ reference", rate))
		}
	}

	if len(f.Latency) > 0 {
		b.WriteString(latencyIntro(f.Source.targetField(), o.Window, o.Warmup, " (a shorter window than the MQTT section's, so that the section takes about a minute)", "each message at once"))
		b.WriteString(latencyTable(f.Latency, f.Source.targetField()))
	}
	return b.String()
}
