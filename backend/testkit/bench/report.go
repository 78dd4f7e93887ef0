package bench

import (
	"fmt"
	"strings"
	"time"
)

// Report is one run of the benchmarks, ready to print as Markdown.
type Report struct {
	Machine Machine
	// Command is the command line that produced the report, as a person
	// would type it.
	Command string
	// Dir is the directory, relative to the repository's root, that
	// Command runs in; empty for the root.
	Dir string
	// Date is when the run started.
	Date time.Time

	ThroughputOptions ThroughputOptions
	Throughput        []Throughput
	// Costs explain the throughput: one entry per series count.
	Costs []RowCosts

	LatencyOptions LatencyOptions
	Latency        []Latency

	ScaleOptions ScaleOptions
	Scale        []Scale

	StalledOptions StalledOptions
	Stalled        []Stalled

	WorstQueryOptions WorstQueryOptions
	// WorstQuery is nil when the section did not run.
	WorstQuery *WorstQuery

	// MQTT is nil when the section did not run.
	MQTT *MQTT

	// Feeds are the NATS, SSE, NDJSON and WebSocket sections that ran, in
	// the order they ran.
	Feeds []FeedRun

	// Sections are the sections that ran, when they are not all of them;
	// nil for a full run.
	Sections []string
}

// Checks compares every measurement that has a target with it.
func (r Report) Checks() []Check {
	var checks []Check
	checks = append(checks, r.throughputChecks()...)
	checks = append(checks, r.latencyChecks()...)
	checks = append(checks, r.scaleChecks()...)
	checks = append(checks, r.stalledChecks()...)
	checks = append(checks, r.worstQueryChecks()...)
	checks = append(checks, r.mqttChecks()...)
	return append(checks, r.feedChecks()...)
}

// Markdown renders the report: where and how it ran, a summary of the
// targets, a section per measurement and the misses explained.
func (r Report) Markdown() string {
	var b strings.Builder
	b.WriteString("# Benchmarks\n\n")
	b.WriteString("Written by `pulse-bench` (`backend/testkit/cmd/pulse-bench`); run it again rather than edit this file.\n\n")
	b.WriteString(r.setup().Markdown())
	checks := r.Checks()
	if len(checks) > 0 {
		b.WriteString("\n## Targets\n\n")
		summary := Table{Columns: []Column{{Title: "target"}, {Title: "measured"}, {Title: "result"}}}
		for _, c := range checks {
			summary.Add(c.Target, c.Measured, c.Verdict.String())
		}
		b.WriteString(summary.Markdown())
	}
	for _, section := range []string{r.throughputSection(), r.latencySection(), r.scaleSection(), r.stalledSection(), r.worstQuerySection(), r.mqttSection(), r.feedSections()} {
		if section != "" {
			b.WriteString("\n")
			b.WriteString(section)
		}
	}
	b.WriteString("\n## Misses\n\n")
	missed := false
	for _, c := range checks {
		if c.Verdict == Miss {
			missed = true
			fmt.Fprintf(&b, "- **%s** — measured %s. %s\n", c.Target, c.Measured, c.Why)
		}
	}
	if !missed {
		b.WriteString("None in this run.\n")
	}
	return b.String()
}

// setup is the table of where, when and how the report was made.
func (r Report) setup() Table {
	t := Table{Columns: []Column{{Title: "run"}, {Title: ""}}}
	command := "`" + r.Command + "`"
	if r.Dir != "" {
		command += " (from `" + r.Dir + "`)"
	}
	t.Add("command", command)
	t.Add("date", r.Date.UTC().Format("2006-01-02 15:04 UTC"))
	m := r.Machine
	machine := fmt.Sprintf("%s, %d logical CPUs, %s/%s", m.CPU, m.Cores, m.OS, m.Arch)
	if m.MemoryBytes > 0 {
		machine += fmt.Sprintf(", %.1f GiB memory", float64(m.MemoryBytes)/(1<<30))
	}
	t.Add("machine", machine)
	t.Add("Go", m.GoVersion)
	if len(r.Sections) > 0 {
		t.Add("sections", strings.Join(r.Sections, ", ")+" only (`-sections`): the others did not run")
	}
	if m.LoadAverage != "" {
		t.Add("load average at the start", m.LoadAverage+" (1, 5, 15 min; other work on the machine adds noise)")
	}
	return t
}

// shortfall says how far measured falls short of target, in percent of
// the target.
func shortfall(measured, target float64) string {
	return fmt.Sprintf("%.0f %% short of the target", 100*(target-measured)/target)
}

// excess says how far measured exceeds limit, in percent of the limit.
func excess(measured, limit float64) string {
	return fmt.Sprintf("%.0f %% over the target", 100*(measured-limit)/limit)
}
