package websocket_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
	"github.com/pulse-datasource/pulse/backend/streaming/source/websocket"
)

// BenchmarkReceive is a Client's per-message path at saturation: a local
// server sends b.N messages ({"sent":<ns>,"v":<n>}, pulse-bench's) as fast
// as the connection takes them, each read, queued and handed to a handler
// that counts them. cpu-ns/op is the process's CPU time per message, the
// server's writes included.
func BenchmarkReceive(b *testing.B) {
	start := make(chan int)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer conn.Close()
		n := <-start
		// Unmasked text frames, written 64 KiB at a time straight to the
		// connection, so that the server costs little next to the client.
		raw := conn.UnderlyingConn()
		var buf []byte
		for i := range n {
			msg := `{"sent":` + strconv.FormatInt(time.Now().UnixNano(), 10) + `,"v":` + strconv.Itoa(i) + `}`
			buf = append(append(buf, 0x81, byte(len(msg))), msg...)
			if len(buf) >= 64<<10 || i == n-1 {
				if _, err := raw.Write(buf); err != nil {
					return
				}
				buf = buf[:0]
			}
		}
		_, _, _ = conn.ReadMessage() // until the client goes
	}))
	defer srv.Close()
	s, err := web.ParseSettings([]byte(`{"url":"`+strings.Replace(srv.URL, "http", "ws", 1)+`"}`), nil, websocket.Schemes...)
	if err != nil {
		b.Fatal(err)
	}
	c, err := websocket.New(s, websocket.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	var got atomic.Int64
	all := make(chan struct{})
	want := int64(b.N)
	sub, err := c.Subscribe(feed.Subscription{Target: "/bench"}, func(feed.Message) {
		if got.Add(1) == want {
			close(all)
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	defer sub.Unsubscribe()
	b.ReportAllocs()
	b.ResetTimer()
	cpu := cpuTime(b)
	start <- b.N
	select {
	case <-all:
	case <-time.After(time.Minute):
		b.Fatalf("%d messages of %d arrived", got.Load(), b.N)
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime(b)-cpu)/float64(b.N), "cpu-ns/op")
}

// cpuTime is the process's user and system time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
