package bench

import (
	"fmt"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// worstTargetApplies says whether the QueryData targets apply to w.
func worstTargetApplies(w WorstQuery) bool { return w.Queries == TargetWorstQueries }

// worstName names the request in a target.
func worstName(w WorstQuery) string {
	return fmt.Sprintf("worst QueryData request (%d × `%s` over %s)", w.Queries, WorstQueryModel, spanName(w))
}

func spanName(w WorstQuery) string {
	if w.Span == 24*time.Hour {
		return "one day"
	}
	return FormatSpan(w.Span)
}

// memoryVerdict compares the answered run's peak with its target: a run
// stopped before its end is no pass.
func memoryVerdict(w WorstQuery) Verdict {
	a := w.Answered
	return Verdict(a.Exceeded == "" && a.PeakGrowth() <= TargetWorstQueryGrowth)
}

// cancelVerdict compares the cancelled run with its target.
func cancelVerdict(w WorstQuery) Verdict {
	c := w.Cancelled
	return Verdict(c.CPUStopped && c.BusyAfterCancel <= TargetCPUAfterCancel)
}

// peakMeasured is the answered run's peak growth, in words.
func peakMeasured(r WorstRun) string {
	if r.Exceeded != "" {
		return "at least " + FormatMB(r.PeakGrowth()) + " (stopped: " + r.Exceeded + ")"
	}
	return FormatMB(r.PeakGrowth())
}

// cancelMeasured is the cancelled run's CPU after the cancel, in words.
func cancelMeasured(r WorstRun) string {
	switch {
	case !r.CPUStopped:
		return fmt.Sprintf("still busy when stopped (%s), %s of CPU after the cancel", r.Exceeded, FormatSeconds(r.CPUAfterCancel))
	case r.AnsweredBeforeCancel:
		return fmt.Sprintf("answered before the cancel, busy %s after it", FormatSeconds(r.BusyAfterCancel))
	}
	return fmt.Sprintf("busy %s after the cancel (%s of CPU)", FormatSeconds(r.BusyAfterCancel), FormatSeconds(r.CPUAfterCancel))
}

func (r Report) worstQueryChecks() []Check {
	w := r.WorstQuery
	if w == nil || !worstTargetApplies(*w) {
		return nil
	}
	memory := Check{
		Target:   fmt.Sprintf("%s: peak resident memory growth ≤ %s", worstName(*w), FormatMB(TargetWorstQueryGrowth)),
		Measured: peakMeasured(w.Answered),
		Verdict:  memoryVerdict(*w),
	}
	if memory.Verdict == Miss {
		memory.Why = whyWorstHeavy(*w)
	}
	cancel := Check{
		Target:   fmt.Sprintf("%s, its client gone after %s: the plugin's CPU stops within %s", worstName(*w), FormatSpan(w.CancelAfter), FormatSpan(TargetCPUAfterCancel)),
		Measured: cancelMeasured(w.Cancelled),
		Verdict:  cancelVerdict(*w),
	}
	if cancel.Verdict == Miss {
		cancel.Why = whyWorstBusy(*w)
	}
	return []Check{memory, cancel}
}

// answerName says what came back for a run.
func answerName(w WorstQuery, run WorstRun) string {
	switch {
	case run.Stopped:
		return "none: stopped after " + FormatSeconds(run.Elapsed) + ", " + run.Exceeded
	case status.Code(run.CallError) == codes.Canceled:
		return "none: cancelled"
	case run.CallError != nil:
		if size, ok := RefusedSize(run.CallError); ok {
			return fmt.Sprintf("%s, more than the host accepts (%s)", FormatMB(size), FormatMB(int64(w.MaxResponseBytes)))
		}
		return "error: " + status.Convert(run.CallError).Message()
	}
	return fmt.Sprintf("%d with frames, %d with errors (%s)", run.Frames, run.Errors, FormatMB(int64(run.ResponseBytes)))
}

func whyWorstHeavy(w WorstQuery) string {
	a := w.Answered
	var why string
	if a.Exceeded != "" {
		why = fmt.Sprintf("The measurement was stopped, the plugin killed, after %s, when %s: the peak was at least this. ", FormatSeconds(a.Elapsed), a.Exceeded)
	} else {
		why = excess(float64(a.PeakGrowth()), TargetWorstQueryGrowth) + ". "
	}
	why += fmt.Sprintf("The request asks for %d queries of 16 series at one point per millisecond over %s with no practical maxDataPoints; the answer: %s. ",
		w.Queries, spanName(w), answerName(w, a))
	why += "The plugin holds a whole answer at once, every query's frame and then their encoding for gRPC, " +
		"so its peak follows the points the whole request asks for, not what one query may hold."
	return why
}

func whyWorstBusy(w WorstQuery) string {
	c := w.Cancelled
	why := fmt.Sprintf("After the client gave up at %s (the plugin had used %s of CPU on the request by then), ", FormatSpan(w.CancelAfter), FormatSeconds(c.CPUBeforeCancel))
	if !c.CPUStopped {
		why += fmt.Sprintf("the plugin was still busy when the run was stopped (%s), having used %s of CPU since the cancel", c.Exceeded, FormatSeconds(c.CPUAfterCancel))
	} else {
		why += fmt.Sprintf("the plugin went on for %s and used %s of CPU", FormatSeconds(c.BusyAfterCancel), FormatSeconds(c.CPUAfterCancel))
	}
	return why + ": it kept building and encoding an answer no one would read."
}

func (r Report) worstQuerySection() string {
	if r.WorstQuery == nil {
		return ""
	}
	w := *r.WorstQuery
	o := r.WorstQueryOptions.withDefaults()
	var b strings.Builder
	b.WriteString("## The worst QueryData request\n\n")
	fmt.Fprintf(&b, "How measured: the request holds %d queries `%s` over %s, each with maxDataPoints %s (so that only the plugin's own bounds limit the answer), "+
		"as Grafana would send them to the default data source. "+
		"It goes to a fresh plugin process (the real binary) %s after a health check made its data source instance; "+
		"the plugin's resident memory (`VmRSS`) then is its idle level, and its peak (`VmHWM` in `/proc/<pid>/status`, read every %s) until the answer came "+
		"gives the growth (MB of 1 000 000 bytes). The host accepts answers of up to %s (gRPC's default is 4 MiB). "+
		"The same request then goes to another fresh process, whose client cancels it after %s; the plugin's CPU time (its threads' run times in `/proc/<pid>/task/*/schedstat`) "+
		"is read every %s until it has used no more than a quarter of a core in any interval for %s: the plugin is busy until the end of the last interval that it used more. "+
		"Either run is stopped, and the plugin killed, once the plugin's resident memory passes %s or %s have passed.\n\n",
		w.Queries, WorstQueryModel, spanName(w), FormatCount(WorstMaxDataPoints), FormatSpan(o.Settle), FormatSpan(o.Sample),
		FormatMB(int64(w.MaxResponseBytes)), FormatSpan(w.CancelAfter), FormatSpan(o.Sample), FormatSpan(o.Quiet),
		FormatMB(w.MaxRSS), FormatSpan(w.MaxTime))
	applies := worstTargetApplies(w)
	verdict := func(v Verdict) string {
		if !applies {
			return ""
		}
		return v.String()
	}
	t := Table{Columns: []Column{{Title: "request"}, {Title: "answer after", Right: true}, {Title: "answer"},
		{Title: "idle RSS", Right: true}, {Title: "peak RSS (VmHWM)", Right: true}, {Title: "growth", Right: true}, {Title: "≤ 512 MB"},
		{Title: "CPU after the cancel"}, {Title: "≤ 1 s"}}}
	a, c := w.Answered, w.Cancelled
	answered := FormatSeconds(a.Elapsed)
	if a.Stopped {
		answered = "–"
	}
	t.Add("answered", answered, answerName(w, a), FormatMB(a.Baseline.RSS), FormatMB(a.PeakHWM), peakMeasured(a),
		verdict(memoryVerdict(w)), "", "")
	cancelled := "cancelled after " + FormatSpan(w.CancelAfter)
	after := "–"
	if c.AnsweredBeforeCancel {
		after = FormatSeconds(c.Elapsed)
	}
	t.Add(cancelled, after, answerName(w, c), FormatMB(c.Baseline.RSS), FormatMB(c.PeakHWM), peakMeasured(c), "",
		cancelMeasured(c), verdict(cancelVerdict(w)))
	b.WriteString(t.Markdown())
	return b.String()
}
