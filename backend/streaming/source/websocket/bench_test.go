package websocket_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
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
	feedtest.BenchReceive(b, c, feed.Subscription{Target: "/bench"}, start)
}
