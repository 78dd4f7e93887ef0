package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
	"github.com/onsi/gomega/gexec"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// printedRow is a row line of pulse-tail's output: its time, first value
// and mark.
type printedRow struct {
	Time  time.Time
	Value string
	Mark  string
}

var (
	rowLine = regexp.MustCompile(`^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) +(\S+)((?:  \(repeat.*\))?)$`)
	pidLine = regexp.MustCompile(`(?m)^plugin .* \(pid (\d+)\): `)
)

// printedRows reads the row lines of out, in order.
func printedRows(out string) []printedRow {
	GinkgoHelper()
	var rows []printedRow
	for _, line := range strings.Split(out, "\n") {
		m := rowLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		t, err := time.ParseInLocation(timeLayout, m[1], time.Local)
		Expect(err).NotTo(HaveOccurred())
		rows = append(rows, printedRow{Time: t, Value: m[2], Mark: strings.TrimSpace(m[3])})
	}
	return rows
}

// pluginPid is the plugin's pid as pulse-tail printed it.
func pluginPid(out string) int {
	GinkgoHelper()
	m := pidLine.FindStringSubmatch(out)
	Expect(m).NotTo(BeNil(), "no plugin line in:\n%s", out)
	pid, err := strconv.Atoi(m[1])
	Expect(err).NotTo(HaveOccurred())
	return pid
}

// gone asserts that the process pid has exited and was waited for.
func gone(pid int) {
	GinkgoHelper()
	if runtime.GOOS == "windows" {
		return
	}
	p, err := os.FindProcess(pid)
	Expect(err).NotTo(HaveOccurred())
	Expect(p.Signal(syscall.Signal(0))).To(MatchError(os.ErrProcessDone), "the plugin (pid %d) still runs", pid)
}

// closingWriter takes writes until it took lines more after one that
// starts with after, then fails as a pipe whose reader exited does.
type closingWriter struct {
	bytes.Buffer
	after string
	lines int
	seen  bool
}

func (w *closingWriter) Write(p []byte) (int, error) {
	if w.seen && w.lines == 0 {
		return 0, syscall.EPIPE
	}
	if w.seen {
		w.lines--
	}
	w.seen = w.seen || bytes.HasPrefix(p, []byte(w.after))
	return w.Buffer.Write(p)
}

// interruptingWriter takes every write and calls interrupt, as a Ctrl-C
// would, once a line that starts with after was written.
type interruptingWriter struct {
	bytes.Buffer
	after     string
	interrupt context.CancelFunc
}

func (w *interruptingWriter) Write(p []byte) (int, error) {
	n, err := w.Buffer.Write(p)
	if bytes.HasPrefix(p, []byte(w.after)) {
		w.interrupt()
	}
	return n, err
}

// section is the start of a section line.
const section = "— "

var _ = Describe("pulse-tail with the built plugin", Ordered, Label("build"), func() {
	var binary string
	BeforeAll(func(ctx SpecContext) {
		var err error
		binary, err = pluginhost.Locate(ctx, pluginhost.BuildOptions{OutputDir: GinkgoT().TempDir()})
		Expect(err).NotTo(HaveOccurred(), "building the plugin")
	}, NodeTimeout(10*time.Minute))

	// runTail runs pulse-tail in this process with the environment e.
	runTail := func(ctx context.Context, e env, args ...string) (code int, out, errOut string) {
		var o, eo bytes.Buffer
		code = tail(ctx, append([]string{"-binary", binary}, args...), e.get, &o, &eo)
		return code, o.String(), eo.String()
	}

	It("prints the backfill, the rows handed over at subscription and the stream, without a gap, then exits 0 after PULSE_DURATION", func(ctx SpecContext) {
		code, out, errOut := runTail(ctx, env{"PULSE_QUERY": `{"kind":"sine","stepMs":200}`, "PULSE_DURATION": "1500ms"})
		Expect(code).To(Equal(0), "stdout:\n%s\nstderr:\n%s", out, errOut)
		Expect(errOut).To(BeEmpty(), "nothing on stderr: no plugin log lines, no error")

		Expect(out).To(MatchRegexp(`(?m)^channel: ds/pulse/v1/sine/s=200$`))
		backfill := strings.Index(out, section+"backfill: ")
		handed := strings.Index(out, section+"handed over at subscription: 100 rows, the newest ")
		streaming := strings.Index(out, section+"streaming v1/sine/s=200 for 1.5s (Ctrl-C stops) —")
		end := strings.Index(out, section+"1.5s elapsed: ")
		Expect([]int{backfill, handed, streaming, end}).To(HaveEach(BeNumerically(">=", 0)), out)
		Expect(backfill < handed && handed < streaming && streaming < end).To(BeTrue(), out)

		// The backfill's rows come again in the hand-off, marked; the rows
		// printed without a mark make one timeline, one step apart.
		Expect(printedRows(out[handed:streaming])).To(ContainElement(HaveField("Mark", "(repeat)")))
		var timeline []time.Time
		for _, r := range printedRows(out) {
			Expect(r.Mark).To(Or(BeEmpty(), Equal("(repeat)")), "a repeat with other values: %v", r)
			Expect(r.Value).NotTo(ContainSubstring("e"), "plain decimals")
			if r.Mark == "" {
				timeline = append(timeline, r.Time)
			}
		}
		Expect(len(printedRows(out[streaming:]))).To(BeNumerically(">=", 3), out)
		for i := 1; i < len(timeline); i++ {
			Expect(timeline[i].Sub(timeline[i-1])).To(Equal(200*time.Millisecond), "rows %d and %d in:\n%s", i-1, i, out)
		}
		gone(pluginPid(out))
	}, SpecTimeout(time.Minute))

	It("exits 2 with one line on stderr, and nothing else, for a query the plugin refuses", func(ctx SpecContext) {
		code, out, errOut := runTail(ctx, env{"PULSE_QUERY": `{"stepMs":0}`})
		Expect(code).To(Equal(2))
		Expect(out).To(BeEmpty())
		Expect(linesOf(errOut)).To(HaveExactElements(
			HavePrefix(`pulse-tail: the plugin refused PULSE_QUERY {"stepMs":0}: invalid query: stepMs`)))
	}, SpecTimeout(time.Minute))

	It("exits 2 with one line for settings the plugin refuses, naming PULSE_SETTINGS", func(ctx SpecContext) {
		code, out, errOut := runTail(ctx, env{"PULSE_SETTINGS": `{"minStepMs":0}`})
		Expect(code).To(Equal(2))
		Expect(out).To(BeEmpty())
		Expect(linesOf(errOut)).To(HaveExactElements(
			HavePrefix(`pulse-tail: the plugin refused PULSE_SETTINGS {"minStepMs":0}: `)))
	}, SpecTimeout(time.Minute))

	It("passes the settings to the data source: a query below its minStepMs is refused", func(ctx SpecContext) {
		code, _, errOut := runTail(ctx, env{"PULSE_SETTINGS": `{"minStepMs":500}`},
			"-query", `{"kind":"sine","stepMs":200}`)
		Expect(code).To(Equal(2))
		Expect(linesOf(errOut)).To(HaveExactElements(
			HavePrefix(`pulse-tail: the plugin refused -query {"kind":"sine","stepMs":200}: `)))
	}, SpecTimeout(time.Minute))

	It("ends quietly with 0 when interrupted while streaming, and stops the plugin", func(ctx SpecContext) {
		out := gbytes.NewBuffer()
		var errOut bytes.Buffer
		tailCtx, interrupt := context.WithCancel(ctx)
		defer interrupt()
		done := make(chan int, 1)
		go func() {
			defer GinkgoRecover()
			done <- tail(tailCtx, []string{"-binary", binary, "-query", `{"kind":"counter","stepMs":100}`}, env{}.get, out, &errOut)
		}()
		Eventually(out).WithContext(ctx).Should(gbytes.Say(section + "streaming v1/counter/s=100 until Ctrl-C —"))
		streamed := func() int {
			contents := string(out.Contents())
			return len(printedRows(contents[strings.Index(contents, section+"streaming "):]))
		}
		Eventually(streamed).WithContext(ctx).Should(BeNumerically(">=", 3))
		interrupt()
		var code int
		Eventually(done).WithContext(ctx).Should(Receive(&code))
		Expect(code).To(Equal(0))
		Expect(errOut.String()).To(BeEmpty())
		Expect(string(out.Contents())).To(MatchRegexp(section + `stopped: \d+ frames?, \d+ rows? streamed —\n$`))
		gone(pluginPid(string(out.Contents())))
	}, SpecTimeout(time.Minute))

	It("says it stopped when interrupted just as the stream is asked for, before any row", func(ctx SpecContext) {
		tailCtx, interrupt := context.WithCancel(ctx)
		defer interrupt()
		out := &interruptingWriter{after: section + "streaming ", interrupt: interrupt}
		var errOut bytes.Buffer
		code := tail(tailCtx, []string{"-binary", binary, "-query", `{"kind":"counter","stepMs":100}`}, env{}.get, out, &errOut)
		Expect(code).To(Equal(0))
		Expect(errOut.String()).To(BeEmpty())
		Expect(out.String()).To(MatchRegexp(section + `streaming v1/counter/s=100 until Ctrl-C —\n` + section + `stopped: 0 frames, 0 rows streamed —\n$`))
		gone(pluginPid(out.String()))
	}, SpecTimeout(time.Minute))

	DescribeTable("stops, with 0 and the plugin stopped, when stdout's reader goes away (pulse-tail | head)",
		func(ctx SpecContext, after string) {
			out := &closingWriter{after: after, lines: 3}
			var errOut bytes.Buffer
			code := tail(ctx, []string{"-binary", binary, "-query", `{"kind":"sine","stepMs":100}`}, env{}.get, out, &errOut)
			Expect(code).To(Equal(0))
			Expect(errOut.String()).To(BeEmpty())
			gone(pluginPid(out.String()))
		},
		Entry("before the stream", SpecTimeout(time.Minute), "plugin "),
		Entry("while streaming", SpecTimeout(time.Minute), section+"streaming "),
	)

	It("prints the plugin's log on stderr with PULSE_VERBOSE=1", func(ctx SpecContext) {
		code, _, errOut := runTail(ctx, env{"PULSE_VERBOSE": "1", "PULSE_DURATION": "300ms"})
		Expect(code).To(Equal(0))
		Expect(errOut).To(ContainSubstring("[DEBUG] plugin."))
	}, SpecTimeout(time.Minute))

	It("as a command, ends on SIGINT (Ctrl-C) with status 0 and nothing on stderr", func(ctx SpecContext) {
		if runtime.GOOS == "windows" {
			Skip("no SIGINT to send on Windows")
		}
		tailBinary, err := pluginhost.Build(ctx, pluginhost.BuildOptions{OutputDir: GinkgoT().TempDir(), Package: "github.com/pulse-datasource/pulse/backend/testkit/cmd/pulse-tail"})
		Expect(err).NotTo(HaveOccurred())
		cmd := exec.Command(tailBinary, "-binary", binary)
		cmd.Env = append(cmd.Environ(), `PULSE_QUERY={"kind":"counter","stepMs":100}`)
		session, err := gexec.Start(cmd, GinkgoWriter, GinkgoWriter)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(session.Kill)
		Eventually(session.Out).WithContext(ctx).Should(gbytes.Say(section + "streaming v1/counter/s=100 until Ctrl-C —"))
		session.Interrupt()
		Eventually(session).WithContext(ctx).Should(gexec.Exit(0))
		Expect(string(session.Err.Contents())).To(BeEmpty())
		Expect(string(session.Out.Contents())).To(MatchRegexp(section + `stopped: \d+ frames?, \d+ rows? streamed —\n$`))
		gone(pluginPid(string(session.Out.Contents())))
	}, SpecTimeout(5*time.Minute))
})
