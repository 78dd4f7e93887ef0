package bench

import (
	"fmt"
	"strings"
	"time"
)

// What the MQTT section and the feed sections (NATS, SSE, NDJSON,
// WebSocket) report alike: their saturation rounds and latency runs, the
// checks of both against the targets, and the tables that show them. A
// section passes its title ("MQTT", "NATS", …) and the word for its
// series ("topic", "subject", "path").

// saturationOf is side's median round among rounds.
func saturationOf(rounds []FeedSaturation, side FeedSide) (FeedSaturation, bool) {
	var mine []FeedSaturation
	for _, s := range rounds {
		if s.Side == side {
			mine = append(mine, s)
		}
	}
	if len(mine) == 0 {
		return FeedSaturation{}, false
	}
	return MedianFeedSaturation(mine), true
}

// roundsOf lists side's rounds' CPU per row, in the order they ran, with
// the messages a round lost and where.
func roundsOf(rounds []FeedSaturation, side FeedSide) []string {
	var out []string
	for _, s := range rounds {
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
func latencyOf(runs []FeedLatency, side FeedSide, rate float64) (FeedLatency, bool) {
	for _, l := range runs {
		if l.Side == side && l.Rate == rate {
			return l, true
		}
	}
	return FeedLatency{}, false
}

// saturationCPURatio is Pulse's CPU per row over the reference's at
// saturation, and both median rounds; false when either side has none
// or the reference's is 0.
func saturationCPURatio(rounds []FeedSaturation) (float64, FeedSaturation, FeedSaturation, bool) {
	pulse, okP := saturationOf(rounds, FeedPulse)
	ref, okR := saturationOf(rounds, FeedReferenceSide)
	if !okP || !okR || ref.CPUPerRow() <= 0 {
		return 0, pulse, ref, false
	}
	return float64(pulse.CPUPerRow()) / float64(ref.CPUPerRow()), pulse, ref, true
}

// cpuVerdict is whether Pulse, which delivered, met the target for its
// CPU per row at ratio of the reference's.
func cpuVerdict(pulse FeedSaturation, ratio float64) Verdict {
	return Verdict(pulse.Delivered > 0 && ratio <= TargetMQTTCPUVsReference)
}

// cpuCheck checks Pulse's CPU per row at saturation against the
// reference's, with why's explanation of a miss; false when rounds lack
// a side.
func cpuCheck(title string, rounds []FeedSaturation, why func(ratio float64, pulse, ref FeedSaturation) string) (Check, bool) {
	ratio, pulse, ref, ok := saturationCPURatio(rounds)
	if !ok {
		return Check{}, false
	}
	c := Check{
		Target:   title + " at saturation: Pulse's plugin CPU per delivered row ≤ 1/5 of the reference's",
		Measured: fmt.Sprintf("%.2f (%s against %s)", ratio, FormatMicros(pulse.CPUPerRow()), FormatMicros(ref.CPUPerRow())),
		Verdict:  cpuVerdict(pulse, ratio),
	}
	if c.Verdict == Miss {
		c.Why = why(ratio, pulse, ref)
	}
	return c, true
}

// latencyChecks checks Pulse's latency runs against their targets, with
// why's explanation of a miss given the reference's run at the same
// rate, if any.
func latencyChecks(title, seriesWord string, runs []FeedLatency, why func(l FeedLatency, limit time.Duration, ref FeedLatency, haveRef bool) string) []Check {
	var checks []Check
	for _, l := range runs {
		verdict, ok := mqttLatencyVerdict(l)
		if !ok {
			continue
		}
		limit, _ := mqttLatencyLimit(l)
		target := fmt.Sprintf("%s latency at %s (%d %s%s): Pulse's p99 publish → host ≤ %s", title, mqttRateName(l.Rate), l.Topics, seriesWord, plural(l.Topics), FormatMs(limit))
		if l.Rate == TargetMQTTBusyRate {
			target = fmt.Sprintf("%s latency at %s: Pulse's p99 publish → host ≤ flushMs + %s = %s", title, mqttRateName(l.Rate), FormatMs(TargetLatencySlack), FormatMs(limit))
		}
		c := Check{Target: target, Measured: "p99 " + FormatMs(l.All.P99), Verdict: verdict}
		if c.Verdict == Miss {
			ref, okRef := latencyOf(runs, FeedReferenceSide, l.Rate)
			c.Why = why(l, limit, ref, okRef)
		}
		checks = append(checks, c)
	}
	return checks
}

// cpuUsedText says what each side's row cost against what the target
// allows Pulse.
func cpuUsedText(pulse, ref FeedSaturation, limit time.Duration) string {
	return fmt.Sprintf("Pulse used %s of plugin CPU per row, the reference %s; the target asks Pulse for at most %s. ",
		FormatMicros(pulse.CPUPerRow()), FormatMicros(ref.CPUPerRow()), FormatMicros(limit))
}

// deliveredText says how many of its messages Pulse delivered in a round
// that lost some, and where the rest went.
func deliveredText(pulse FeedSaturation) string {
	return fmt.Sprintf("Pulse delivered %s of %s messages (%s)", FormatCount(float64(pulse.Delivered)), FormatCount(float64(pulse.Published)), lossReasons(pulse))
}

// lateText opens the explanation of a latency miss: by how much, and the
// median; false when no row arrived, which the text then says.
func lateText(l FeedLatency, limit time.Duration) (string, bool) {
	if l.All.Count == 0 {
		return "No row arrived in the window.", false
	}
	return fmt.Sprintf("%s over the limit (%s); the median was %s. ", FormatMs(l.All.P99-limit), excess(float64(l.All.P99), float64(limit)), FormatMs(l.All.P50)), true
}

// busyWindowText explains the latency of a rate at which a frame holds
// a flush window of messages.
func busyWindowText(window time.Duration) string {
	return fmt.Sprintf("At this rate a frame holds a flush window (%s) of messages, so the first of each waits about that long by design. ", FormatSpan(window))
}

// driftText says that l's latency drifted upwards during its window, or
// nothing when it did not.
func driftText(l FeedLatency) string {
	if l.LastQuarter.P50-l.FirstQuarter.P50 <= driftThreshold {
		return ""
	}
	return fmt.Sprintf("The latency drifts upwards during the run (median %s in the first quarter, %s in the last): the receiving side or other work on the machine fell behind. ",
		FormatMs(l.FirstQuarter.P50), FormatMs(l.LastQuarter.P50))
}

// saturationTable shows each of sides' median round, and all its rounds'
// CPU per row. The MQTT client floor delivers no rows of its own, so it
// shows no rows per packet or bytes per row.
func saturationTable(rounds []FeedSaturation, sides []FeedSide) string {
	t := Table{Columns: []Column{{Title: "side"}, {Title: "published", Right: true}, {Title: "rows delivered", Right: true}, {Title: "rows/s", Right: true},
		{Title: "lost"}, {Title: "rows/packet", Right: true}, {Title: "bytes/row", Right: true}, {Title: "plugin CPU/row", Right: true}, {Title: "rounds, CPU/row"}}}
	for _, side := range sides {
		s, ok := saturationOf(rounds, side)
		if !ok {
			continue
		}
		rowsPerPacket, bytesPerRow := "–", "–"
		if side != FeedFloor && s.Packets > 0 && s.Delivered > 0 {
			rowsPerPacket = FormatCount(float64(s.Delivered) / float64(s.Packets))
			bytesPerRow = FormatCount(float64(s.Bytes) / float64(s.Delivered))
		}
		t.Add(side.Title(), FormatCount(float64(s.Published)), FormatCount(float64(s.Delivered)), FormatCount(s.DeliveryRate()),
			lossReasons(s), rowsPerPacket, bytesPerRow, FormatMicros(s.CPUPerRow()), strings.Join(roundsOf(rounds, side), ", "))
	}
	return t.Markdown()
}

// latencyTable shows every latency run, with Pulse's targets and
// verdicts.
func latencyTable(runs []FeedLatency, seriesWord string) string {
	t := Table{Columns: []Column{{Title: "rate per " + seriesWord}, {Title: seriesWord + "s", Right: true}, {Title: "side"}, {Title: "rows (published)", Right: true},
		{Title: "p50", Right: true}, {Title: "p99", Right: true}, {Title: "max", Right: true}, {Title: "target p99 ≤", Right: true}, {Title: "result"},
		{Title: "median, first → last quarter"}}}
	for _, l := range runs {
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
	return t.Markdown()
}

// ratioTable shows, under intro, Pulse's CPU per row over the
// reference's (titled cpuTitle) against the target, and a further ratio,
// other, titled otherTitle; nothing when rounds lack a side.
func ratioTable(rounds []FeedSaturation, intro, cpuTitle, otherTitle, other string) string {
	ratio, pulse, _, ok := saturationCPURatio(rounds)
	if !ok {
		return ""
	}
	rt := Table{Columns: []Column{{Title: cpuTitle, Right: true}, {Title: "≤ 0.20"}, {Title: otherTitle, Right: true}}}
	rt.Add(fmt.Sprintf("%.2f", ratio), cpuVerdict(pulse, ratio).String(), other)
	return "\n" + intro + ", measured in the same run:\n\n" + rt.Markdown()
}

// latencyIntro opens a section's latency part: how a row's latency is
// measured over window after warmup (note adds to that), and how often
// the reference sends (sends).
func latencyIntro(seriesWord string, window, warmup time.Duration, note, sends string) string {
	return fmt.Sprintf("\n### Latency\n\n"+
		"A row's latency is the moment the host's `Recv` returned its packet less the publish time its payload carries (the publisher and the host are one process, one clock). "+
		"The benchmark publishes on a fixed schedule, spread evenly over the %ss, for %s after a %s warm-up%s; "+
		"each %s is a channel of its own and every packet is decoded. "+
		"At 10 msg/s a message comes after a quiet flush window and should go out at once; at 1 000 msg/s a frame holds a flush window of messages, so the first of each waits about that long by design. "+
		"The reference sends %s whatever the rate. The last column compares the median of the window's first and last quarter, to show a latency that drifts.\n\n",
		seriesWord, FormatSpan(window), FormatSpan(warmup), note, seriesWord, sends)
}
