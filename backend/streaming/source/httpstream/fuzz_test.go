package httpstream_test

import (
	"bytes"
	"errors"
	"net/url"
	"path"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/pulse-datasource/pulse/backend/streaming"
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

// FuzzResolvePath checks that whatever path a viewer writes, under
// whatever base path, the URL stays on the base's scheme, user, host and
// port and under its path, as the client sends it and as a server that
// decodes, reads backslashes as slashes and cleans the path sees it.
func FuzzResolvePath(f *testing.F) {
	for _, seed := range [][2]string{
		{"/v1", "events?since=1"}, {"/v1/", "../x"}, {"", "//other.example.test"}, {"/a/b", "a/../../b"},
		{"/v1", "%2e%2e/x"}, {"/v1", `\..\x`}, {"/v1", "..;/x"}, {"/v1", "a%2f..%2f..%2fx"}, {"/v1?k=v", "?a=b#c"},
		{"/v1", "http://other.example.test"}, {"/v1", "a@other.example.test"}, {"/a%20b", "c d/ü"}, {"/v1", "%252e%252e"},
		{"/x/..", "y"}, {"//", "."}, {"/v1", "./a:b/.."},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, basePath, p string) {
		base, err := url.Parse("https://u@api.example.test:8443" + basePath)
		if err != nil || base.Host != "api.example.test:8443" || base.User.String() != "u" || base.Opaque != "" {
			return
		}
		u, err := httpstream.ResolvePath(base, p)
		if err != nil {
			var fe *streaming.FieldError
			if !errors.As(err, &fe) || fe.Field != "path" {
				t.Fatalf("ResolvePath(%q, %q): %v is not a path FieldError", base, p, err)
			}
			if !strings.Contains(fe.Reason, streaming.Excerpt(p)) || len(fe.Reason) > 120+len(streaming.Excerpt(p)) {
				t.Fatalf("ResolvePath(%q, %q): the error quotes too much: %v", base, p, err)
			}
			return
		}
		prefix := strings.TrimSuffix(base.EscapedPath(), "/")
		for _, v := range []*url.URL{u, reparse(t, u)} {
			if v.Scheme != "https" || v.Host != "api.example.test:8443" || v.User.String() != "u" || v.Fragment != "" {
				t.Fatalf("ResolvePath(%q, %q) = %q leaves the base", base, p, u)
			}
			escaped := v.EscapedPath()
			if escaped != base.EscapedPath() && !strings.HasPrefix(escaped, prefix+"/") {
				t.Fatalf("ResolvePath(%q, %q) = %q is not under the base's path", base, p, u)
			}
			if !strings.HasPrefix(v.RawQuery, base.RawQuery) {
				t.Fatalf("ResolvePath(%q, %q) = %q lost the base's query", base, p, u)
			}
			rest := strings.TrimPrefix(escaped, prefix)
			if server(prefix+rest) != server(prefix) && !strings.HasPrefix(server(prefix+rest), strings.TrimSuffix(server(prefix), "/")+"/") {
				t.Fatalf("ResolvePath(%q, %q) = %q: a server reads %q, not under %q", base, p, u, server(prefix+rest), server(prefix))
			}
		}
	})
}

// reparse is the URL a client sends, read back.
func reparse(t *testing.T, u *url.URL) *url.URL {
	v, err := url.Parse(u.String())
	if err != nil {
		t.Fatalf("%q does not parse: %v", u, err)
	}
	return v
}

// server is how a lenient server reads an escaped path: decoded twice,
// backslashes as slashes, cleaned.
func server(escaped string) string {
	s := escaped
	for range 2 {
		if d, err := url.PathUnescape(s); err == nil {
			s = d
		}
	}
	return path.Clean("/" + strings.ReplaceAll(s, `\`, "/"))
}
