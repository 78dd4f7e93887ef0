package httpstream_test

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"testing/iotest"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming/source/httpstream"
)

// expectNDJSON reads input every way readers has and checks the lines,
// and that the reference reading agrees.
func expectNDJSON(input string, opts httpstream.NDJSONOptions, want ...string) {
	GinkgoHelper()
	maxLine := opts.MaxLineBytes
	if maxLine == 0 {
		maxLine = httpstream.DefaultMaxLineBytes
	}
	if len(want) == 0 {
		want = nil
	}
	Expect(refNDJSON([]byte(input), maxLine).Lines).To(Equal(want), "the reference reading")
	for name, r := range readers([]byte(input)) {
		run := readNDJSON(r(), opts, len(input)+2)
		Expect(run.Err).To(MatchError(io.EOF), name)
		Expect(run.Lines).To(Equal(want), name)
	}
}

var _ = Describe("NDJSONReader", func() {
	DescribeTable("returns one line per call",
		func(input string, want ...string) { expectNDJSON(input, httpstream.NDJSONOptions{}, want...) },
		Entry("lines ending with LF", "{\"a\":1}\n{\"a\":2}\n", `{"a":1}`, `{"a":2}`),
		Entry("lines ending with CR LF", "{\"a\":1}\r\n{\"a\":2}\r\n", `{"a":1}`, `{"a":2}`),
		Entry("a last line without its end", "{\"a\":1}\n{\"a\":2}", `{"a":1}`, `{"a":2}`),
		Entry("blank lines are skipped", "\n\r\n{}\n\n\n[]\n", "{}", "[]"),
		Entry("lines of spaces and tabs are blank", " \t \n\t\r\n{}\n  ", "{}"),
		Entry("a CR that does not end a line stays", "a\rb\n", "a\rb"),
		Entry("only one CR before the LF goes", "a\r\r\n", "a\r"),
		Entry("a CR alone does not end a line", "a\rb", "a\rb"),
		Entry("spaces around a value stay", "  {} \n", "  {} "),
		Entry("JSON is not parsed", "not json\n{\"half\":\n", "not json", `{"half":`),
		Entry("invalid UTF-8 and NUL pass as they are", "\xff\x00\n", "\xff\x00"),
		Entry("empty input", ""),
		Entry("only line ends", "\n\r\n\n"),
	)

	small := httpstream.NDJSONOptions{MaxLineBytes: 8}
	DescribeTable("skips a line beyond the bound, reports it and goes on with the next",
		func(input string, want ...string) { expectNDJSON(input, small, want...) },
		Entry("a line of the bound is read", "12345678\n", "12345678"),
		Entry("a line of the bound with CR LF is read", "12345678\r\n", "12345678"),
		Entry("a longer line is reported with its length", "123456789\nok\n", "skipped line 9>8", "ok"),
		Entry("a longer line with CR LF", "123456789\r\nok\r\n", "skipped line 9>8", "ok"),
		Entry("a much longer line", strings.Repeat("x", 1000)+"\nok", "skipped line 1000>8", "ok"),
		Entry("a longer last line without its end", "ok\n123456789", "ok", "skipped line 9>8"),
		Entry("long lines in a row", "123456789\n123456789\nok\n", "skipped line 9>8", "skipped line 9>8", "ok"),
		Entry("a long blank line is still too long", strings.Repeat(" ", 9)+"\nok\n", "skipped line 9>8", "ok"),
	)

	It("reads a line of 1 MiB by default and skips a longer one", func() {
		mib := strings.Repeat("y", 1<<20)
		expectNDJSON(mib+"\n"+mib+"y\n{}\n", httpstream.NDJSONOptions{}, mib, "skipped line 1048577>1048576", "{}")
	})

	It("keeps its memory bounded while it skips a huge line", func() {
		huge := io.MultiReader(io.LimitReader(repeatReader('z'), 64<<20), strings.NewReader("\n{}\n"))
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		n := httpstream.NewNDJSONReader(huge, httpstream.NDJSONOptions{})
		_, err := n.Next()
		var tl *httpstream.TooLongError
		Expect(errors.As(err, &tl)).To(BeTrue())
		Expect(*tl).To(Equal(httpstream.TooLongError{What: "line", Length: 64 << 20, Limit: 1 << 20}))
		line, err := n.Next()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(line)).To(Equal("{}"))
		runtime.ReadMemStats(&after)
		Expect(after.TotalAlloc - before.TotalAlloc).To(BeNumerically("<", 8<<20))
	})

	It("reads the same lines from a stream of any chunking", func() {
		input := []byte("{\"a\":1}\r\n\n  \n{\"b\":[1,2]}\n123456789\r\nlast")
		want := refNDJSON(input, 8)
		Expect(want.Lines).To(HaveLen(4))
		for size := 1; size <= len(input); size++ {
			run := readNDJSON(&chunkReader{data: input, sizes: []byte{byte(size)}}, httpstream.NDJSONOptions{MaxLineBytes: 8}, len(input)+2)
			Expect(run).To(Equal(want), "chunks of %d bytes", size)
		}
	})

	It("returns io.EOF again after the end, and passes the stream's errors on", func() {
		n := httpstream.NewNDJSONReader(strings.NewReader("{}"), httpstream.NDJSONOptions{})
		line, err := n.Next()
		Expect(err).NotTo(HaveOccurred())
		Expect(string(line)).To(Equal("{}"))
		for range 3 {
			_, err = n.Next()
			Expect(err).To(MatchError(io.EOF))
		}
		boom := errors.New("connection reset")
		n = httpstream.NewNDJSONReader(io.MultiReader(strings.NewReader("{}\n{\"half"), iotest.ErrReader(boom)), httpstream.NDJSONOptions{})
		_, err = n.Next()
		Expect(err).NotTo(HaveOccurred())
		_, err = n.Next()
		Expect(err).To(MatchError(boom), "the line the failure cut is dropped")
		_, err = n.Next()
		Expect(err).To(MatchError(boom))
		n = httpstream.NewNDJSONReader(emptyReader{}, httpstream.NDJSONOptions{})
		_, err = n.Next()
		Expect(err).To(MatchError(io.ErrNoProgress))
	})
})
