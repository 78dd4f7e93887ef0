package httpstream_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"runtime"
	"strings"
	"testing/iotest"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/httpstream"
)

// expectSSE reads input every way readers has and checks the outcomes,
// and that the reference reading agrees.
func expectSSE(input string, opts httpstream.SSEOptions, want ...outcome) sseRun {
	GinkgoHelper()
	maxLine, maxEvent := opts.MaxLineBytes, opts.MaxEventBytes
	if maxLine == 0 {
		maxLine = httpstream.DefaultMaxLineBytes
	}
	if maxEvent == 0 {
		maxEvent = httpstream.DefaultMaxEventBytes
	}
	ref := refSSE([]byte(input), maxLine, maxEvent)
	if len(want) == 0 {
		want = nil
	}
	Expect(ref.Outcomes).To(Equal(want), "the reference reading")
	var first sseRun
	for name, r := range readers([]byte(input)) {
		run := readSSE(r(), opts, len(input)+2)
		Expect(run.Err).To(MatchError(io.EOF), name)
		Expect(run.Outcomes).To(Equal(want), name)
		Expect(run.LastEventID).To(Equal(ref.LastEventID), name)
		Expect(run.Retry).To(Equal(ref.Retry), name)
		first = run
	}
	return first
}

var _ = Describe("SSEReader", func() {
	DescribeTable("reads events by the WHATWG rules",
		func(input string, want ...outcome) { expectSSE(input, httpstream.SSEOptions{}, want...) },
		Entry("one event", "data: hi\n\n", msg("hi")),
		Entry("two events", "data: a\n\ndata: b\n\n", msg("a"), msg("b")),
		Entry("lines ending with CR LF", "data: a\r\n\r\ndata: b\r\n\r\n", msg("a"), msg("b")),
		Entry("lines ending with CR", "data: a\r\rdata: b\r\r", msg("a"), msg("b")),
		Entry("mixed line ends", "data: a\r\ndata: b\rdata: c\n\r\n", msg("a\nb\nc")),
		Entry("CR then LF is one line end, LF then CR two", "data: a\n\rdata: b\r\n\n", msg("a"), msg("b")),
		Entry("comments are ignored", ": ping\n\n:\ndata: x\n: in between\n\n", msg("x")),
		Entry("data lines are joined by LF", "data: a\ndata: b\ndata: c\n\n", msg("a\nb\nc")),
		Entry("one space after the colon is dropped, no more", "data:  two\n\n", msg(" two")),
		Entry("no space after the colon", "data:x\n\n", msg("x")),
		Entry("a value keeps further colons", "data: a: b:c\n\n", msg("a: b:c")),
		Entry("a field without a colon has an empty value", "data\n\n", msg("")),
		Entry("an empty data field dispatches an empty event", "data:\n\n", msg("")),
		Entry("two empty data fields make one LF", "data\ndata\n\n", msg("\n")),
		Entry("data keeps trailing spaces and tabs", "data: a \t\n\n", msg("a \t")),
		Entry("the event field sets the type", "event: update\ndata: x\n\n", ev("", "update", "x")),
		Entry("an empty type is message", "event:\ndata: x\n\n", msg("x")),
		Entry("the last event field wins", "event: a\nevent: b\ndata: x\n\n", ev("", "b", "x")),
		Entry("the type does not persist", "event: a\ndata: 1\n\ndata: 2\n\n", ev("", "a", "1"), msg("2")),
		Entry("the id persists across events", "id: 7\ndata: a\n\ndata: b\n\n", ev("7", "message", "a"), ev("7", "message", "b")),
		Entry("an empty id resets it", "id: 7\ndata: a\n\nid\ndata: b\n\n", ev("7", "message", "a"), msg("b")),
		Entry("an id with NUL is ignored", "id: 7\ndata: a\n\nid: 8\x009\ndata: b\n\n", ev("7", "message", "a"), ev("7", "message", "b")),
		Entry("an id set in an event without data still counts", "id: 5\n\ndata: x\n\n", ev("5", "message", "x")),
		Entry("the id applies to the event it is in, wherever", "data: x\nid: 3\n\n", ev("3", "message", "x")),
		Entry("retry in milliseconds", "retry: 1500\ndata: x\n\n", outcome{Type: "message", Data: "x", Retry: 1500 * time.Millisecond}),
		Entry("retry is per event", "retry: 10\ndata: x\n\ndata: y\n\n", outcome{Type: "message", Data: "x", Retry: 10 * time.Millisecond}, msg("y")),
		Entry("retry with a fraction is ignored", "retry: 1.5\ndata: x\n\n", msg("x")),
		Entry("retry with a sign is ignored", "retry: -1\ndata: x\n\n", msg("x")),
		Entry("retry with a unit is ignored", "retry: 10s\ndata: x\n\n", msg("x")),
		Entry("an empty retry is ignored", "retry:\ndata: x\n\n", msg("x")),
		Entry("retry with two spaces is ignored", "retry:  10\ndata: x\n\n", msg("x")),
		Entry("a huge retry is the largest duration", "retry: 99999999999999999999999\ndata: x\n\n", outcome{Type: "message", Data: "x", Retry: math.MaxInt64}),
		Entry("unknown fields are ignored", "foo: bar\nbaz\ndata: x\n\n", msg("x")),
		Entry("field names are case-sensitive", "Data: x\nDATA: y\n\n"),
		Entry("a space before the colon is part of the name", "data : x\n\n"),
		Entry("blank lines alone dispatch nothing", "\n\n\r\n\r"),
		Entry("an event without data is not dispatched", "event: e\nid: 1\n\n"),
		Entry("a leading BOM is skipped", "\xEF\xBB\xBFdata: x\n\n", msg("x")),
		Entry("only one BOM is skipped", "\xEF\xBB\xBF\xEF\xBB\xBFdata: x\n\ndata: y\n\n", msg("y")),
		Entry("a BOM later is data", "data: \xEF\xBB\xBFx\n\n", msg("\xEF\xBB\xBFx")),
		Entry("a partial BOM is kept", "\xEF\xBBdata: x\n\ndata: y\n\n", msg("y")),
		Entry("invalid UTF-8 passes as it is", "data: \xff\xfe\n\n", msg("\xff\xfe")),
		Entry("NUL in data passes", "data: a\x00b\n\n", msg("a\x00b")),
		Entry("an incomplete last event is not dispatched", "data: a\n\ndata: b\n", msg("a")),
		Entry("an unterminated last line is not processed", "data: a\n\ndata: b", msg("a")),
		Entry("an unterminated blank-looking end does not dispatch", "data: a\n"),
		Entry("empty input", ""),
		Entry("a BOM alone", "\xEF\xBB\xBF"),
	)

	It("exposes the last event ID and the reconnection time, set even by events it does not dispatch", func() {
		run := expectSSE("id: 1\ndata: a\n\nid: 2\nretry: 2500\n\n", httpstream.SSEOptions{}, ev("1", "message", "a"))
		Expect(run.LastEventID).To(Equal("2"))
		Expect(run.Retry).To(Equal(2500 * time.Millisecond))

		run = expectSSE("id: 1\ndata: a\n\nid: 2\n", httpstream.SSEOptions{}, ev("1", "message", "a"))
		Expect(run.LastEventID).To(Equal("1"), "an id is the last event ID at its event's blank line")
	})

	It("returns events whose data is the caller's", func() {
		s := httpstream.NewSSEReader(strings.NewReader("data: one\n\ndata: two\n\n"), httpstream.SSEOptions{})
		a, err := s.Next()
		Expect(err).NotTo(HaveOccurred())
		b, err := s.Next()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(a.Data)).To(Equal("one"))
		Expect(string(b.Data)).To(Equal("two"))
	})

	It("returns io.EOF again after the end, and passes the stream's errors on", func() {
		s := httpstream.NewSSEReader(strings.NewReader("data: x\n\n"), httpstream.SSEOptions{})
		_, err := s.Next()
		Expect(err).NotTo(HaveOccurred())
		for range 3 {
			_, err = s.Next()
			Expect(err).To(MatchError(io.EOF))
		}
		boom := errors.New("connection reset")
		s = httpstream.NewSSEReader(io.MultiReader(strings.NewReader("data: x\n\ndata: y\n"), iotest.ErrReader(boom)), httpstream.SSEOptions{})
		e, err := s.Next()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(e.Data)).To(Equal("x"))
		_, err = s.Next()
		Expect(err).To(MatchError(boom))
		_, err = s.Next()
		Expect(err).To(MatchError(boom))
	})

	It("gives up on a stream whose reads return nothing, over and over", func() {
		s := httpstream.NewSSEReader(emptyReader{}, httpstream.SSEOptions{})
		_, err := s.Next()
		Expect(err).To(MatchError(io.ErrNoProgress))
	})

	small := httpstream.SSEOptions{MaxLineBytes: 16, MaxEventBytes: 24}
	long := strings.Repeat("x", 40)
	DescribeTable("skips lines and events beyond the bounds, reports them and stays in step",
		func(input string, want ...outcome) { expectSSE(input, small, want...) },
		Entry("a line of the bound is read", "data: "+long[:10]+"\n\n", msg(long[:10])),
		Entry("a longer line is reported with its length", "data: "+long+"\n\ndata: next\n\n", tooLong("line", 46, 16), msg("next")),
		Entry("a long line takes its whole event", "data: a\ndata: "+long+"\ndata: b\n\ndata: next\n\n", tooLong("line", 46, 16), msg("next")),
		Entry("two long lines in an event are reported once", "data: "+long+"\ndata: "+long+"\n\ndata: ok\n\n", tooLong("line", 46, 16), msg("ok")),
		Entry("a long comment takes its event too", ": "+long+"\ndata: a\n\ndata: b\n\n", tooLong("line", 42, 16), msg("b")),
		Entry("a long line between events is its own block", "data: a\n\n"+long+"\n\ndata: b\n\n", msg("a"), tooLong("line", 40, 16), msg("b")),
		Entry("a long line's end is found across CR LF", "data: "+long+"\r\n\r\ndata: b\r\n\r\n", tooLong("line", 46, 16), msg("b")),
		Entry("a long line ending with CR", "data: "+long+"\r\rdata: b\r\r", tooLong("line", 46, 16), msg("b")),
		Entry("data of the bound is read", "data: 0123456789\ndata: 0123456789\ndata: ab\n\n", msg("0123456789\n0123456789\nab")),
		Entry("longer data is reported with its whole length", "data: 0123456789\ndata: 0123456789\ndata: abcd\ndata: z\n\ndata: b\n\n", tooLong("event", 28, 24), msg("b")),
		Entry("empty data lines count their LF", "data\ndata\n"+strings.Repeat("data\n", 30)+"\ndata: b\n\n", tooLong("event", 31, 24), msg("b")),
		Entry("data too long then a long line is reported once", "data: 0123456789\ndata: 0123456789\ndata: 0123456789\ndata: "+long+"\n\ndata: b\n\n", tooLong("line", 46, 16), msg("b")),
		Entry("a skipped event's id still counts", "id: 9\ndata: "+long+"\n\ndata: b\n\n", tooLong("line", 46, 16), ev("9", "message", "b")),
		Entry("a long line the stream ends within is not reported", "data: a\n\ndata: "+long, msg("a")),
		Entry("a long event the stream ends within is not reported", "data: 0123456789\ndata: 0123456789\ndata: 0123456789\n"),
	)

	It("reads a line of 1 MiB by default and skips a longer one", func() {
		mib := strings.Repeat("y", 1<<20-6)
		expectSSE("data: "+mib+"\n\ndata: "+mib+"y\n\ndata: z\n\n", httpstream.SSEOptions{},
			msg(mib), tooLong("line", 1<<20+1, 1<<20), msg("z"))
	})

	It("keeps its memory bounded while it skips a huge line", func() {
		huge := io.MultiReader(strings.NewReader("data: "), io.LimitReader(repeatReader('z'), 64<<20), strings.NewReader("\n\ndata: after\n\n"))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := httpstream.NewSSEReader(huge, httpstream.SSEOptions{})
		_, err := s.Next()
		Expect(err).To(MatchError(httpstream.ErrTooLong))
		Expect(err.Error()).To(ContainSubstring("67108870 bytes"))
		e, err := s.Next()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(e.Data)).To(Equal("after"))
		runtime.ReadMemStats(&after)
		Expect(after.TotalAlloc - before.TotalAlloc).To(BeNumerically("<", 8<<20))
	})

	It("reads the same events from a stream of any chunking", func() {
		input := []byte("\xEF\xBB\xBFid: 1\r\nevent: a\r\ndata: x\r\n\r\n: c\rdata: y\rdata:z\r\r\nretry: 30\ndata\n\n")
		want := refSSE(input, 1<<20, 1<<20)
		Expect(want.Outcomes).To(HaveLen(3))
		for size := 1; size <= len(input); size++ {
			run := readSSE(&chunkReader{data: input, sizes: []byte{byte(size)}}, httpstream.SSEOptions{}, len(input)+2)
			Expect(run).To(Equal(want), "chunks of %d bytes", size)
		}
		for cut := range input {
			run := readSSE(io.MultiReader(bytes.NewReader(input[:cut]), bytes.NewReader(input[cut:])), httpstream.SSEOptions{}, len(input)+2)
			Expect(run).To(Equal(want), "cut at byte %d", cut)
		}
	})
})

// emptyReader's reads return nothing, forever.
type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

// repeatReader is an endless stream of one byte.
type repeatReader byte

func (r repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(r)
	}
	return len(p), nil
}
