package bench

import (
	"fmt"
	"strings"
)

// stalledTargetApplies says whether the stalled-stream target applies to s:
// the worst case, streams that stall while they catch up.
func stalledTargetApplies(s Stalled) bool { return s.Streams == TargetStalledStreams && s.Behind > 0 }

// startName says when s's streams started.
func startName(s Stalled) string {
	if s.Behind <= 0 {
		return "at once"
	}
	return FormatSpan(s.Behind) + " behind"
}

// stalledVerdict compares s with its target: a figure that did not settle
// is no pass.
func stalledVerdict(s Stalled) Verdict {
	return Verdict(s.Settled && s.BytesPerStream() <= TargetStalledBytesPerStream)
}

func (r Report) stalledChecks() []Check {
	var checks []Check
	for _, s := range r.Stalled {
		if !stalledTargetApplies(s) {
			continue
		}
		c := Check{
			Target: fmt.Sprintf("stalled streams, %s at 1 kHz × 16 series, started %s: ≤ %s resident memory per stream",
				FormatCount(float64(s.Streams)), startName(s), FormatKB(TargetStalledBytesPerStream)),
			Measured: FormatKB(s.BytesPerStream()),
			Verdict:  stalledVerdict(s),
		}
		if c.Verdict == Miss {
			c.Why = whyStalledHeavy(s)
		}
		checks = append(checks, c)
	}
	return checks
}

// whyStalledHeavy explains a stalled-stream miss with what the plugin's
// runtime and metrics report.
func whyStalledHeavy(s Stalled) string {
	var why string
	if !s.Settled {
		why = fmt.Sprintf("The plugin's resident memory had not settled after %s; the figure is its last level. ", FormatSpan(s.SettledAfter))
	}
	if s.BytesPerStream() > TargetStalledBytesPerStream {
		why += excess(s.BytesPerStream(), TargetStalledBytesPerStream) + ". "
	}
	n := float64(s.Streams)
	b, l := s.BaselineRuntime, s.LoadedRuntime
	if b.HeapBytes >= 0 && l.HeapBytes >= 0 && b.StackBytes >= 0 && l.StackBytes >= 0 {
		why += fmt.Sprintf("The plugin's runtime reports %s of heap in use and %s of stack per stalled stream; ",
			FormatKB((l.HeapBytes-b.HeapBytes)/n), FormatKB((l.StackBytes-b.StackBytes)/n))
	} else {
		why += "The plugin did not report its runtime metrics; "
	}
	why += fmt.Sprintf("its streams had sent %s frames of %s on average when they stalled. "+
		"A stream whose receiver stopped reading keeps the frame its send waits with, and what gRPC queued for it, "+
		"until the receiver reads again: its memory follows the size of the frames it sends, which are largest when it catches up on a backlog, "+
		"as these streams did.",
		FormatCount(s.FramesSent), FormatKB(s.FrameBytes()))
	if s.FrameBytes() > grpcPoolTier {
		why += " gRPC-Go takes a message's buffer from its default pool, whose sizes are 256 B, 4, 16 and 32 KiB and then 1 MiB, zeroed: " +
			"a frame of more than 32 KiB waits in a 1 MiB buffer, which is why the heap in use per stream is several times what its frames hold. " +
			"Frames of at most 32 KiB less the packet's few bytes of envelope would take 32 KiB buffers."
	}
	return why
}

// grpcPoolTier is the largest of gRPC-Go's default buffer sizes below
// 1 MiB: a message larger than this is given a 1 MiB buffer.
const grpcPoolTier = 32 << 10

func (r Report) stalledSection() string {
	if len(r.Stalled) == 0 {
		return ""
	}
	o := r.StalledOptions.withDefaults()
	var b strings.Builder
	b.WriteString("## Stalled streams\n\n")
	fmt.Fprintf(&b, "How measured: for each number of streams a fresh plugin process (the real binary) is started and asked for a health check, "+
		"which creates its data source instance (settings `%s`); after %s its resident memory (`VmRSS`) is the baseline. "+
		"Then the host admits and starts that many streams as Grafana would, `SubscribeStream` and then `RunStream` each, "+
		"on channels of the worst query a data source allows by default: a random walk of 16 series at 1 kHz with the shortest flush window (`%s`, `r=1` … `r=<n>`). "+
		"Started *behind*, every viewer is admitted first and the streams start that long after, as a Grafana slow to start them would: "+
		"each stream begins with the rows due since its viewer's admission to catch up on, so it sends its largest frames as it stalls, the worst case; "+
		"started *at once*, each stream starts right after its admission and keeps up until it stalls. "+
		"The host never reads a packet, as a Grafana that stalled: its flow-control windows are fixed at gRPC's initial 64 KiB per stream "+
		"(with gRPC's default windows, which grow with the traffic up to 16 MiB, a receiver that does not read would take that much of each stream into its own memory before the plugin felt the stall), "+
		"so each stream's sends block once its window and gRPC's send quota are full. "+
		"The plugin's resident memory is read every %s until it holds still for %s (within 1 MiB or 1 %%; at most %s); "+
		"memory per stream is its level then less the baseline, over the streams (KB of 1 000 bytes). "+
		"Then its CPU time is taken over %s. The target applies at %s streams started behind; the smaller run shows whether the figure per stream holds. "+
		"The streams running are the plugin's own count (`pulse_stream_active`), frames sent and their average size its counters "+
		"(`pulse_stream_frames_sent_total`, `pulse_stream_bytes_sent_total`); heap and stack per stream are the runtime's figures, stalled less baseline.\n\n",
		StalledInstance.JSONData, FormatSpan(o.Settle), StalledQuery(0).Path(), FormatSpan(o.Sample), FormatSpan(o.Quiet), FormatSpan(o.MaxWait),
		FormatSpan(o.CPUWindow), FormatCount(TargetStalledStreams))
	t := Table{Columns: []Column{{Title: "streams", Right: true}, {Title: "started"}, {Title: "baseline RSS", Right: true}, {Title: "RSS stalled", Right: true},
		{Title: "per stream", Right: true}, {Title: "≤ 256 KB"}, {Title: "settled after", Right: true}, {Title: "CPU (cores)", Right: true},
		{Title: "running", Right: true}, {Title: "frames sent", Right: true}, {Title: "average frame", Right: true},
		{Title: "heap/stream", Right: true}, {Title: "stack/stream", Right: true}}}
	for _, s := range r.Stalled {
		verdict := ""
		if stalledTargetApplies(s) {
			verdict = stalledVerdict(s).String()
		}
		settled := FormatSeconds(s.SettledAfter)
		if !s.Settled {
			settled = "not in " + settled
		}
		n := float64(s.Streams)
		perStream := func(loaded, base float64) string {
			if loaded < 0 || base < 0 {
				return "–"
			}
			return FormatKB((loaded - base) / n)
		}
		t.Add(FormatCount(n), startName(s), FormatMiB(s.BaselineRSS), FormatMiB(s.RSS), FormatKB(s.BytesPerStream()), verdict, settled,
			fmt.Sprintf("%.3f", s.CPUShare()), FormatCount(s.Running), FormatCount(s.FramesSent), FormatKB(s.FrameBytes()),
			perStream(s.LoadedRuntime.HeapBytes, s.BaselineRuntime.HeapBytes), perStream(s.LoadedRuntime.StackBytes, s.BaselineRuntime.StackBytes))
	}
	b.WriteString(t.Markdown())
	return b.String()
}
