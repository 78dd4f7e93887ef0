package bench

import (
	"fmt"
	"strings"
	"time"
)

// driftThreshold is how much the median latency must grow from the first
// to the last quarter of the window to count as drift rather than noise.
const driftThreshold = 5 * time.Millisecond

// rateName is a query's point rate: "10 Hz".
func rateName(l Latency) string {
	return fmt.Sprintf("%s Hz", FormatCount(1000/float64(l.Query.StepMs)))
}

// latencyLimit is the target for l's p99.
func latencyLimit(l Latency) time.Duration { return l.Query.FlushWindow() + TargetLatencySlack }

func (r Report) latencyChecks() []Check {
	var checks []Check
	for _, l := range r.Latency {
		limit := latencyLimit(l)
		c := Check{
			Target:   fmt.Sprintf("latency at %s: p99 ≤ flush window + %s = %s", rateName(l), FormatMs(TargetLatencySlack), FormatMs(limit)),
			Measured: "p99 " + FormatMs(l.All.P99),
			Verdict:  Verdict(l.All.Count > 0 && l.All.P99 <= limit),
		}
		if c.Verdict == Miss {
			c.Why = whyLate(l, limit)
		}
		checks = append(checks, c)
	}
	return checks
}

// whyLate explains a latency miss from what the samples show.
func whyLate(l Latency, limit time.Duration) string {
	if l.All.Count == 0 {
		return "No row arrived in the window."
	}
	why := fmt.Sprintf("%s over the limit (%s). ", FormatMs(l.All.P99-limit), excess(float64(l.All.P99), float64(limit)))
	if drifts(l) {
		why += whyDrift(l) + " "
	} else {
		why += "The latency does not drift during the run; the excess is how late the plugin's timers and the host's reads ran on this machine. "
	}
	if l.Query.StepMs < l.Query.FlushMs {
		why += fmt.Sprintf("At this rate a frame holds a whole flush window (%d ms) of points, so its first point waits about that long by design.", l.Query.FlushMs)
	}
	return why
}

// drifts says whether l's latency grew during the window.
func drifts(l Latency) bool { return l.LastQuarter.P50-l.FirstQuarter.P50 > driftThreshold }

// whyDrift explains a latency that grows during the run.
func whyDrift(l Latency) string {
	return fmt.Sprintf("The latency drifts upwards during the run: median %s in the window's first quarter, %s in its last. "+
		"The pump runs each flush window from when the frame before was due, so a late wake-up does not carry into later frames: "+
		"a latency that grows anyway points at the receiving side or at other work on the machine falling behind.",
		FormatMs(l.FirstQuarter.P50), FormatMs(l.LastQuarter.P50))
}

func (r Report) latencySection() string {
	if len(r.Latency) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## Latency\n\n")
	fmt.Fprintf(&b, "How measured: the real plugin binary, on the wall clock, streams the counter at 10 Hz (`stepMs` 100) and at 100 Hz (`stepMs` 10) "+
		"with the default flush window, %d channels per rate at once (seeds 1, 2, … so that each has its own path), for %s after a %s warm-up. "+
		"A row's latency is the moment the host's `Recv` returned its packet less the row's timestamp. "+
		"At 10 Hz the step equals the window, so each point should go out alone when due and its latency is the timer's lateness plus the trip; "+
		"at 100 Hz the points of a window travel together, so the first of each waits about one window by design. "+
		"The last column compares the median of the window's first and last quarter, to show a latency that drifts.\n\n",
		r.LatencyOptions.Channels, FormatSpan(r.LatencyOptions.Window), FormatSpan(r.LatencyOptions.Warmup))
	t := Table{Columns: []Column{{Title: "rate"}, {Title: "channel path"}, {Title: "rows", Right: true}, {Title: "p50", Right: true},
		{Title: "p99", Right: true}, {Title: "max", Right: true}, {Title: "target p99 ≤", Right: true}, {Title: "result"},
		{Title: "median, first → last quarter"}}}
	for _, l := range r.Latency {
		example := l.Query
		example.Seed = 1
		t.Add(rateName(l), "`"+example.Path()+"`", FormatCount(float64(l.All.Count)), FormatMs(l.All.P50), FormatMs(l.All.P99),
			FormatMs(l.All.Max), FormatMs(latencyLimit(l)), Verdict(l.All.Count > 0 && l.All.P99 <= latencyLimit(l)).String(),
			FormatMs(l.FirstQuarter.P50)+" → "+FormatMs(l.LastQuarter.P50))
	}
	b.WriteString(t.Markdown())
	for _, l := range r.Latency {
		if drifts(l) {
			fmt.Fprintf(&b, "\nAt %s, whatever the verdict: %s\n", rateName(l), whyDrift(l))
		}
	}
	return b.String()
}
