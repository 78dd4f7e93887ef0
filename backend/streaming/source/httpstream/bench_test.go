package httpstream_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/httpstream"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// benchReceive is a Client's per-message path at saturation in format: a
// local server sends b.N messages ({"sent":<ns>,"v":<n>}, pulse-bench's),
// as events or lines, 64 KiB at a time, each read and handed to a
// handler that counts them. cpu-ns/op is the process's CPU time per
// message, the server's writes included.
func benchReceive(b *testing.B, format string) {
	start := make(chan int)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if format == "sse" {
			w.Header().Set("Content-Type", "text/event-stream")
		} else {
			w.Header().Set("Content-Type", "application/x-ndjson")
		}
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		n := <-start
		var buf []byte
		for i := range n {
			if format == "sse" {
				buf = append(buf, "data: "...)
			}
			buf = append(buf, `{"sent":`...)
			buf = strconv.AppendInt(buf, time.Now().UnixNano(), 10)
			buf = append(buf, `,"v":`...)
			buf = strconv.AppendInt(buf, int64(i), 10)
			buf = append(buf, "}\n"...)
			if format == "sse" {
				buf = append(buf, '\n')
			}
			if len(buf) >= 64<<10 || i == n-1 {
				if _, err := w.Write(buf); err != nil {
					return
				}
				buf = buf[:0]
			}
		}
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}))
	defer srv.Close()
	s, err := web.ParseSettings([]byte(`{"url":"`+srv.URL+`"}`), nil, "http", "https")
	if err != nil {
		b.Fatal(err)
	}
	c, err := httpstream.New(s, httpstream.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	feedtest.BenchReceive(b, c, feed.Subscription{Target: "/bench", Params: map[string]string{"format": format}}, start)
}

// BenchmarkReceiveSSE is benchReceive of Server-Sent Events.
func BenchmarkReceiveSSE(b *testing.B) { benchReceive(b, "sse") }

// BenchmarkReceiveNDJSON is benchReceive of NDJSON lines.
func BenchmarkReceiveNDJSON(b *testing.B) { benchReceive(b, "ndjson") }
