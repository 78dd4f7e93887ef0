package bench

import (
	"fmt"
	"strings"
	"time"
)

// FormatKB writes bytes in KB of 1 000 bytes, with one decimal.
func FormatKB(bytes float64) string { return fmt.Sprintf("%.1f KB", bytes/1000) }

// scaleTargetApplies says whether the scale targets apply to s.
func scaleTargetApplies(s Scale) bool { return s.Channels == TargetScaleChannels }

func (r Report) scaleChecks() []Check {
	var checks []Check
	for _, s := range r.Scale {
		if !scaleTargetApplies(s) {
			continue
		}
		perChannel := s.BytesPerChannel()
		c := Check{
			Target:   fmt.Sprintf("scale, %s channels: ≤ %s resident memory per channel", FormatCount(float64(s.Channels)), FormatKB(TargetBytesPerChannel)),
			Measured: FormatKB(perChannel),
			Verdict:  Verdict(perChannel <= TargetBytesPerChannel),
		}
		if c.Verdict == Miss {
			c.Why = whyHeavy(s)
		}
		checks = append(checks, c)
		c = Check{
			Target:   fmt.Sprintf("scale, %s channels: under %.0f core", FormatCount(float64(s.Channels)), TargetCPUShare),
			Measured: fmt.Sprintf("%.2f of a core", s.CPUShare()),
			Verdict:  Verdict(s.CPUShare() < TargetCPUShare),
		}
		if c.Verdict == Miss {
			c.Why = fmt.Sprintf("%s. Every 1 Hz channel falls due on the same whole second (the grid starts at the epoch), so all of them wake, build, encode and send at once; "+
				"the cost per channel and second was %s of CPU.", excess(s.CPUShare(), TargetCPUShare), FormatMicros(s.PluginCPU/time.Duration(max(s.Rows, 1))))
		}
		checks = append(checks, c)
	}
	return checks
}

// whyHeavy explains a memory miss with what the plugin's runtime reports.
func whyHeavy(s Scale) string {
	why := excess(s.BytesPerChannel(), TargetBytesPerChannel) + ". "
	b, l := s.BaselineRuntime, s.LoadedRuntime
	if b.StackBytes < 0 || l.StackBytes < 0 || b.HeapBytes < 0 || l.HeapBytes < 0 {
		return why + "The plugin did not report its runtime metrics, so the memory cannot be broken down."
	}
	n := float64(s.Channels)
	stack, heap := (l.StackBytes-b.StackBytes)/n, (l.HeapBytes-b.HeapBytes)/n
	rest := "the rest is heap the garbage collector lets grow before it collects, and the runtime's own overhead"
	if remaining := s.BytesPerChannel() - stack - heap; remaining > 0 {
		rest = "the remaining " + FormatKB(remaining) + " is heap the garbage collector lets grow before it collects, and the runtime's own overhead"
	}
	why += fmt.Sprintf("The plugin's runtime reports %.1f goroutines per channel holding %s of stack, and %s of heap in use per channel "+
		"(live data and garbage not yet collected); %s. "+
		"The goroutine is the RunStream handler gRPC starts for each stream; the pump waits in it some thirty calls below gRPC's handler, "+
		"under the SDK's interceptors and middleware (recovery, metrics, tracing, logging, error source, instance management), "+
		"so its stack stays at the size it grew to and is hardly Pulse's to shrink. "+
		"The heap holds each stream's gRPC and SDK state (request, plugin context, tracing span, flow-control buffers) and the pump's frame and timer.",
		(l.Goroutines-b.Goroutines)/n, FormatKB(stack), FormatKB(heap), rest)
	return why
}

func (r Report) scaleSection() string {
	if len(r.Scale) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## Scale\n\n")
	fmt.Fprintf(&b, "How measured: for each number of channels a fresh plugin process (the real binary) is started and asked for a health check, "+
		"which creates its data source instance (settings `%s`, the most streams a data source may run; the plugin process's own cap is 10 000 too); after %s its resident memory (`VmRSS` in `/proc/<pid>/status`) is the baseline. "+
		"Then the host opens that many `RunStream` calls over the one gRPC connection, each on its own 1 Hz channel (`v1/counter/r=<i>`), "+
		"and reads every packet, counting its rows. Once every channel has sent its first frame and %s more have passed, "+
		"the plugin's CPU time (user + system: its threads' run times in `/proc/<pid>/task/*/schedstat`) is taken over %s and its resident memory sampled every second; "+
		"every channel sends on the whole second, and the window runs from half a second past one to half a second past another, so it holds exactly one send per channel and second. "+
		"Memory per channel is the largest sample less the baseline, over the channels (KB of 1 000 bytes). "+
		"The targets apply at %s channels; at fewer channels the per-channel figure is mostly the noise of a garbage-collected heap. "+
		"Neither gRPC side limits concurrent streams here: the server sets no limit and the client lifts its initial 100 when the server's settings arrive. "+
		"Goroutines, stack and heap per channel are the plugin runtime's own figures (`go_goroutines`, `go_memstats_stack_inuse_bytes`, `go_memstats_heap_inuse_bytes` "+
		"from the SDK's CollectMetrics), loaded less baseline.\n\n",
		ScaleInstance.JSONData, FormatSpan(r.ScaleOptions.Settle), FormatSpan(r.ScaleOptions.Settle), FormatSpan(r.ScaleOptions.Window), FormatCount(TargetScaleChannels))
	t := Table{Columns: []Column{{Title: "channels", Right: true}, {Title: "baseline RSS", Right: true}, {Title: "RSS", Right: true},
		{Title: "per channel", Right: true}, {Title: "≤ 20 KB"}, {Title: "CPU (cores)", Right: true}, {Title: "< 1"},
		{Title: "rows (expected)", Right: true}, {Title: "fewest rows, one channel", Right: true},
		{Title: "goroutines/channel", Right: true}, {Title: "stack/channel", Right: true}, {Title: "heap/channel", Right: true}}}
	for _, s := range r.Scale {
		memory, cpu := "", ""
		if scaleTargetApplies(s) {
			memory = Verdict(s.BytesPerChannel() <= TargetBytesPerChannel).String()
			cpu = Verdict(s.CPUShare() < TargetCPUShare).String()
		}
		n := float64(s.Channels)
		runtimeCell := func(loaded, base float64, format func(float64) string) string {
			if loaded < 0 || base < 0 {
				return "–"
			}
			return format((loaded - base) / n)
		}
		t.Add(FormatCount(n), FormatMiB(s.BaselineRSS), FormatMiB(s.RSS), FormatKB(s.BytesPerChannel()), memory,
			fmt.Sprintf("%.3f", s.CPUShare()), cpu, fmt.Sprintf("%s (%s)", FormatCount(float64(s.Rows)), FormatCount(float64(s.ExpectedRows()))), FormatCount(float64(s.MinChannelRows)),
			runtimeCell(s.LoadedRuntime.Goroutines, s.BaselineRuntime.Goroutines, func(v float64) string { return fmt.Sprintf("%.1f", v) }),
			runtimeCell(s.LoadedRuntime.StackBytes, s.BaselineRuntime.StackBytes, FormatKB),
			runtimeCell(s.LoadedRuntime.HeapBytes, s.BaselineRuntime.HeapBytes, FormatKB))
	}
	b.WriteString(t.Markdown())
	b.WriteString("\nEvery channel should deliver one row a second: the rows delivered in the window should be the number expected, " +
		"and the fewest rows one channel delivered the window's length in seconds.\n")
	return b.String()
}
