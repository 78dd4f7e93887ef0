package httpstream_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/pulse-datasource/pulse/backend/streaming/source/httpstream"
)

// Servers send any bytes. Whatever they send, the readers must not panic,
// must keep within their bounds, must read the same outcomes whatever the
// chunking, and must agree with the in-memory reference. `go test
// -fuzz FuzzSSE ./source/httpstream/` explores beyond the seeds, which
// every go test runs.

func FuzzSSE(f *testing.F) {
	for _, seed := range []string{
		"data: a\n\n", "\xEF\xBB\xBFid: 1\r\nevent: e\r\ndata: x\r\n\r\n", "data:\r\rdata\r\n\n", ": c\ndata: a\ndata: b\n\n",
		"retry: 10\nid: a\x00\n\n", "data: " + strings.Repeat("x", 300) + "\n\ndata: y\n\n", "id\n\ndata\n", "\r\n\r\r\n\n",
		"data: 0123456789\ndata: 0123456789\ndata: 0123456789\n\n", "retry: 99999999999999999999\n\n",
	} {
		f.Add([]byte(seed), uint8(16), uint8(24), []byte{1, 3, 0, 7})
	}
	f.Fuzz(func(t *testing.T, input []byte, maxLine, maxEvent uint8, chunks []byte) {
		opts := httpstream.SSEOptions{MaxLineBytes: 1 + int(maxLine), MaxEventBytes: 1 + 2*int(maxEvent)}
		want := refSSE(input, opts.MaxLineBytes, opts.MaxEventBytes)
		guard := len(input) + 2
		runs := map[string]sseRun{
			"whole":    readSSE(bytes.NewReader(input), opts, guard),
			"one byte": readSSE(iotest.OneByteReader(bytes.NewReader(input)), opts, guard),
			"chunks":   readSSE(&chunkReader{data: input, sizes: chunks}, opts, guard),
		}
		for name, run := range runs {
			if !reflect.DeepEqual(run, want) {
				t.Fatalf("%s: read\n%+v\nthe reference reads\n%+v", name, run, want)
			}
			for _, o := range run.Outcomes {
				if len(o.Data) > opts.MaxEventBytes || len(o.ID) > opts.MaxLineBytes || len(o.Type) > opts.MaxLineBytes && o.Type != "message" {
					t.Fatalf("%s: an event beyond the bounds: %v", name, o)
				}
			}
		}
	})
}

func FuzzNDJSON(f *testing.F) {
	for _, seed := range []string{
		"{}\n", "{\"a\":1}\r\n\r\n[1]", " \t\n\r\n", "123456789\nok", "a\rb\r\r\n", strings.Repeat("x", 100) + "\r\n{}",
	} {
		f.Add([]byte(seed), uint8(8), []byte{2, 0, 5})
	}
	f.Fuzz(func(t *testing.T, input []byte, maxLine uint8, chunks []byte) {
		opts := httpstream.NDJSONOptions{MaxLineBytes: 1 + int(maxLine)}
		want := refNDJSON(input, opts.MaxLineBytes)
		guard := len(input) + 2
		runs := map[string]ndjsonRun{
			"whole":    readNDJSON(bytes.NewReader(input), opts, guard),
			"one byte": readNDJSON(iotest.OneByteReader(bytes.NewReader(input)), opts, guard),
			"chunks":   readNDJSON(&chunkReader{data: input, sizes: chunks}, opts, guard),
		}
		for name, run := range runs {
			if !reflect.DeepEqual(run, want) {
				t.Fatalf("%s: read\n%q\nthe reference reads\n%q", name, run.Lines, want.Lines)
			}
			for _, line := range run.Lines {
				if len(line) > opts.MaxLineBytes && !strings.HasPrefix(line, "skipped line ") {
					t.Fatalf("%s: a line beyond the bound: %q", name, line)
				}
			}
		}
	})
}
