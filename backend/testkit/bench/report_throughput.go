package bench

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// seriesCounts lists the series counts the throughput results cover, in
// the order they were run.
func (r Report) seriesCounts() []int {
	var counts []int
	for _, t := range r.Throughput {
		if !slices.Contains(counts, t.Query.SeriesCount) {
			counts = append(counts, t.Query.SeriesCount)
		}
	}
	return counts
}

// throughputOf finds design's result for a series count.
func (r Report) throughputOf(d Design, series int) (Throughput, bool) {
	for _, t := range r.Throughput {
		if t.Design == d && t.Query.SeriesCount == series {
			return t, true
		}
	}
	return Throughput{}, false
}

// costsOf finds the row costs for a series count.
func (r Report) costsOf(series int) (RowCosts, bool) {
	for _, c := range r.Costs {
		if c.Query.SeriesCount == series {
			return c, true
		}
	}
	return RowCosts{}, false
}

func (r Report) throughputChecks() []Check {
	var checks []Check
	for _, n := range r.seriesCounts() {
		pulse, okP := r.throughputOf(DesignPulse, n)
		sdk, okS := r.throughputOf(DesignSDKLimit, n)
		tutorial, okT := r.throughputOf(DesignTutorial, n)
		costs, okC := r.costsOf(n)
		if okP && okS {
			ratio := pulse.RowsPerSecond() / sdk.RowsPerSecond()
			target := fmt.Sprintf("throughput, %s: Pulse ≥ %.1f × the SDK limit", seriesName(n), TargetVsSDKLimit)
			checks = append(checks, ratioCheck(target, ratio, TargetVsSDKLimit, func() string {
				return whyBelowSDKLimit(ratio, pulse, sdk, costs, okC)
			}))
		}
		if okP && okT {
			ratio := pulse.RowsPerSecond() / tutorial.RowsPerSecond()
			target := fmt.Sprintf("throughput, %s: Pulse ≥ %.0f × the tutorial loop", seriesName(n), TargetVsTutorial)
			checks = append(checks, ratioCheck(target, ratio, TargetVsTutorial, func() string {
				why := whyBelowTutorial(ratio, pulse, tutorial, costs, okC)
				if okS {
					why += " " + sdkVsTutorial(sdk, tutorial)
				}
				return why
			}))

			bytes := pulse.BytesPerRow() / tutorial.BytesPerRow()
			c := Check{
				Target:   fmt.Sprintf("bytes per row, %s: Pulse ≤ 1/3 of the tutorial loop", seriesName(n)),
				Measured: fmt.Sprintf("%.2f (%.0f B against %.0f B)", bytes, pulse.BytesPerRow(), tutorial.BytesPerRow()),
				Verdict:  Verdict(bytes <= TargetBytesVsTutorial),
			}
			if c.Verdict == Miss {
				c.Why = fmt.Sprintf("%s. Pulse's packets carry %.0f rows each on average; the fewer rows a packet holds, the more its fixed JSON structure weighs per row.",
					excess(bytes, TargetBytesVsTutorial), float64(pulse.Rows)/float64(pulse.Packets))
			}
			checks = append(checks, c)
		}
	}
	return checks
}

// ratioCheck is the check that Pulse's rate is at least `least` times
// another's; why explains a miss and runs only then.
func ratioCheck(target string, ratio, least float64, why func() string) Check {
	c := Check{Target: target, Measured: FormatRatio(ratio), Verdict: Verdict(ratio >= least)}
	if c.Verdict == Miss {
		c.Why = why()
	}
	return c
}

// whyBelowSDKLimit explains Pulse's shortfall against the SDK limit from
// the in-process row costs.
func whyBelowSDKLimit(ratio float64, pulse, sdk Throughput, costs RowCosts, haveCosts bool) string {
	why := shortfall(ratio, TargetVsSDKLimit) + ". "
	why += fmt.Sprintf("In the plugin Pulse used %s of CPU per row, the SDK limit %s. ", FormatMicros(pulse.CPUPerRow()), FormatMicros(sdk.CPUPerRow()))
	if haveCosts && costs.PulseStream > 0 {
		why += fmt.Sprintf("Timed in-process, Pulse's pump computes and encodes a row in %s, while the SDK limit only encodes frames built beforehand (%s per row): "+
			"those costs alone predict a ratio of about %s, so the gap is the cost of computing the values.",
			FormatMicros(costs.PulseStream), FormatMicros(costs.SDKEncode), FormatRatio(float64(costs.SDKEncode)/float64(costs.PulseStream)))
	}
	return why
}

// sdkVsTutorial says how far the SDK limit itself is ahead of the tutorial
// loop, for comparison with Pulse's lead.
func sdkVsTutorial(sdk, tutorial Throughput) string {
	ratio := sdk.RowsPerSecond() / tutorial.RowsPerSecond()
	return fmt.Sprintf("The SDK limit, which builds nothing and encodes with the SDK's data.FrameToJSON, delivered %s the tutorial loop's rate; "+
		"Pulse writes its data-only packets itself, byte for byte as data.FrameToJSON would, without boxing every value.", FormatRatio(ratio))
}

// whyBelowTutorial explains why Pulse's lead over the tutorial loop is
// smaller than the target.
func whyBelowTutorial(ratio float64, pulse, tutorial Throughput, costs RowCosts, haveCosts bool) string {
	why := shortfall(ratio, TargetVsTutorial) + ". "
	why += fmt.Sprintf("The tutorial loop pays per packet (one packet per row: %s of plugin CPU per row), Pulse per value (%.0f rows per packet: %s per row); "+
		"the ratio is bounded by the per-packet cost over the per-row cost of producing and encoding %d value%s. ",
		FormatMicros(tutorial.CPUPerRow()), float64(pulse.Rows)/float64(pulse.Packets), FormatMicros(pulse.CPUPerRow()),
		pulse.Query.SeriesCount, plural(pulse.Query.SeriesCount))
	if haveCosts {
		why += fmt.Sprintf("Timed in-process, Pulse's pump computes and encodes a row in %s; ", FormatMicros(costs.PulseStream))
		why += fmt.Sprintf("the tutorial's row costs %s to build and %s to encode with its schema, the rest of its cost is the gRPC message. ",
			FormatMicros(costs.TutorialGenerate), FormatMicros(costs.TutorialEncode))
	}
	why += "Pulse's cost grows with the values in a row (each is written as its shortest exact decimal, and a random walk's are hashed), " +
		"the tutorial's much of it per packet, so the lead shrinks as series are added; it could only grow by writing fewer digits, which would lose data."
	return why
}

func (r Report) throughputSection() string {
	if len(r.Throughput) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## Throughput and bytes per row\n\n")
	q := r.Throughput[0].Query
	fmt.Fprintf(&b, "How measured: each design streams the fastest query the model allows (`stepMs` %d, one point per millisecond; kind `%s`; flush window %d ms) "+
		"from the reference plugin (`bench/refplugin`), which the SDK serves as it serves Pulse and which the same go-plugin/gRPC host as the backend specs starts. "+
		"At real time every design delivers the same 1 000 rows/s at 1 kHz, which shows nothing, so each design sends as fast as the host reads: "+
		"the saturated rate is what shows the cost of a row. "+
		"**Pulse** is the production pump on a virtual clock that never waits, so it batches as in production (one flush window's rows, %d, per frame; schema first, then data only). "+
		"The **tutorial loop** builds a one-row frame per point and sends it with its schema (`SendFrame(frame, data.IncludeAll)`). "+
		"The **SDK limit** builds %d frames of Pulse's shape before it starts, then only encodes and sends them (`SendFrame`, data only after the first, as Pulse sends them), "+
		"so against it Pulse's gap is the cost of producing rows. "+
		"The host receives every packet and counts its rows without decoding it, as Grafana passes the bytes on undecoded (decoding costs several times what encoding does, so a decoding host would measure itself); "+
		"the first and the last packet of each window are decoded in full and checked. "+
		"Rows are counted for %s after a %s warm-up, in one run and one plugin process, %s with the designs taking turns; "+
		"each row of the table is the design's median round. "+
		"Plugin CPU per row is the plugin process's user and system time in the window over the rows delivered; "+
		"it is less sensitive than the rate to other work on the machine, so the ratios are also given by it, for comparison.\n\n",
		q.StepMs, q.Kind, q.FlushMs, FrameRows(q), sdkLimitFrames,
		FormatSpan(r.ThroughputOptions.Window), FormatSpan(r.ThroughputOptions.Warmup), roundsName(r.ThroughputOptions.Rounds))

	rates := Table{Columns: []Column{{Title: "series"}, {Title: "design"}, {Title: "rows/s", Right: true}, {Title: "rows/packet", Right: true},
		{Title: "bytes/row", Right: true}, {Title: "plugin CPU/row", Right: true}}}
	for _, t := range r.Throughput {
		rates.Add(fmt.Sprint(t.Query.SeriesCount), t.Design.Title(), FormatCount(t.RowsPerSecond()),
			FormatCount(float64(t.Rows)/float64(t.Packets)), FormatCount(t.BytesPerRow()), FormatMicros(t.CPUPerRow()))
	}
	b.WriteString(rates.Markdown())

	b.WriteString("\nRatios, measured in the same run:\n\n")
	ratios := Table{Columns: []Column{{Title: "series"}, {Title: "Pulse ÷ SDK limit", Right: true}, {Title: "≥ 0.8"}, {Title: "by CPU/row", Right: true},
		{Title: "Pulse ÷ tutorial", Right: true}, {Title: "≥ 20"}, {Title: "by CPU/row", Right: true},
		{Title: "bytes/row Pulse ÷ tutorial", Right: true}, {Title: "≤ 0.33"}}}
	for _, n := range r.seriesCounts() {
		row := []string{fmt.Sprint(n), "–", "", "–", "–", "", "–", "–", ""}
		pulse, okP := r.throughputOf(DesignPulse, n)
		if sdk, ok := r.throughputOf(DesignSDKLimit, n); ok && okP {
			ratio := pulse.RowsPerSecond() / sdk.RowsPerSecond()
			row[1], row[2], row[3] = FormatRatio(ratio), Verdict(ratio >= TargetVsSDKLimit).String(), cpuRatio(pulse, sdk)
		}
		if tutorial, ok := r.throughputOf(DesignTutorial, n); ok && okP {
			ratio := pulse.RowsPerSecond() / tutorial.RowsPerSecond()
			row[4], row[5], row[6] = FormatRatio(ratio), Verdict(ratio >= TargetVsTutorial).String(), cpuRatio(pulse, tutorial)
			bytes := pulse.BytesPerRow() / tutorial.BytesPerRow()
			row[7], row[8] = fmt.Sprintf("%.2f", bytes), Verdict(bytes <= TargetBytesVsTutorial).String()
		}
		ratios.Add(row...)
	}
	b.WriteString(ratios.Markdown())

	if len(r.Costs) > 0 {
		b.WriteString("\nWhere a row's time goes, timed in the benchmark process without gRPC (they explain the ratios; they are not part of them):\n\n")
		costs := Table{Columns: []Column{{Title: "series"}, {Title: "Pulse: pump (compute + encode)", Right: true},
			{Title: "SDK limit: encode", Right: true}, {Title: "tutorial: build 1-row frame", Right: true}, {Title: "tutorial: encode with schema", Right: true}}}
		for _, c := range r.Costs {
			costs.Add(fmt.Sprint(c.Query.SeriesCount), perRow(c.PulseStream), perRow(c.SDKEncode),
				perRow(c.TutorialGenerate), perRow(c.TutorialEncode))
		}
		b.WriteString(costs.Markdown())
	}
	return b.String()
}

// cpuRatio is how many of pulse's rows the plugin's CPU makes in the time
// it makes one of other's.
func cpuRatio(pulse, other Throughput) string {
	if pulse.CPUPerRow() <= 0 {
		return "–"
	}
	return FormatRatio(float64(other.CPUPerRow()) / float64(pulse.CPUPerRow()))
}

// roundsName is "3 rounds" or "1 round".
func roundsName(n int) string {
	n = max(n, 1)
	return fmt.Sprintf("%d round%s", n, plural(n))
}

func perRow(d time.Duration) string { return FormatMicros(d) + "/row" }

func seriesName(n int) string { return fmt.Sprintf("%d series", n) }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
