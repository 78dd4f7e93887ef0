package websocket_test

import (
	"encoding/base64"
	"strings"
	"time"

	gws "github.com/gorilla/websocket"
	"github.com/grafana/grafana-plugin-sdk-go/data"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed/feedtest"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
	"github.com/pulse-datasource/pulse/backend/streaming/source/websocket"
)

var _ = Describe("The WebSocket source", func() {
	It("turns JSON text messages into rows of the query's path, for QueryData and for a stream", func() {
		feedtest.NoLeaks()
		srv := newServer()
		src, _ := openSource(settingsOf(srv, "/feeds"), nil, fastOptions)
		frames, _ := feedtest.QueryFrames(src, map[string]any{"path": "ticker?pair=eu", "timeField": "ts"})
		for _, f := range frames {
			Expect(f.Rows()).To(BeZero(), "no message yet")
		}
		p := srv.peer(1)
		Expect(p.path).To(Equal("/feeds/ticker?pair=eu"))
		at := time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)
		Expect(p.send(`{"ts": "2026-11-25T09:30:00Z", "price": {"bid": 1.5, "ask": 1.6}}`)).To(Succeed())
		Eventually(func() []string {
			raw := `{"path": "ticker?pair=eu", "timeField": "ts"}`
			q, err := src.Query([]byte(raw), source.Range{From: at.Add(-time.Minute), To: at.Add(time.Minute)})
			Expect(err).NotTo(HaveOccurred())
			fr, err := q.Frames(feedtest.ContextFor(20 * time.Second))
			Expect(err).NotTo(HaveOccurred())
			if len(fr) != 1 || len(fr[0].Fields) != 3 {
				return nil
			}
			Expect(fr[0].Fields[0].At(0)).To(Equal(at))
			Expect(fr[0].Fields[1].Labels).To(Equal(data.Labels{"path": "ticker?pair=eu"}))
			return []string{fr[0].Fields[1].Name, feedtest.Text(fr[0].Fields[1])[0], fr[0].Fields[2].Name, feedtest.Text(fr[0].Fields[2])[0]}
		}).WithTimeout(20 * time.Second).Should(Equal([]string{"price.bid", "1.5", "price.ask", "1.6"}))

		rec := streamPath(src, map[string]any{"path": "ticker?pair=eu", "timeField": "ts"})
		msgs, ns := numbered(0, 20)
		sendAll(p, msgs)
		Eventually(values(rec, "n")).WithTimeout(20 * time.Second).Should(Equal(ns))
		Expect(srv.connections()).To(Equal(1), "queries and streams of one path share one connection")
	})

	It("sends subscribeMessage after every connect, a forced reconnect included", func() {
		feedtest.NoLeaks()
		srv := newServer()
		src, _ := openSource(settingsOf(srv, ""), nil, fastOptions)
		sub := `{"op": "subscribe", "channel": "trades"}`
		rec := streamPath(src, map[string]any{"path": "/stream", "subscribeMessage": sub})
		Eventually(srv.messages).WithTimeout(20 * time.Second).Should(Equal([]string{sub}))
		sendAll(srv.peer(1), []string{`{"n": 1}`})
		Eventually(values(rec, "n")).WithTimeout(20 * time.Second).Should(Equal([]string{"1"}))

		srv.peer(1).closeWith(gws.CloseGoingAway)
		Eventually(srv.messages).WithTimeout(20 * time.Second).Should(Equal([]string{sub, sub}))
		sendAll(srv.peer(2), []string{`{"n": 2}`})
		Eventually(values(rec, "n")).WithTimeout(20 * time.Second).Should(Equal([]string{"1", "2"}))
	})

	It("sends the headers, the bearer token and basic auth with the handshake", func() {
		feedtest.NoLeaks()
		srv := newServer()
		src, _ := openSource(map[string]any{"source": "websocket", "url": srv.url("/api"), "httpHeaderName1": "X-Api-Key"},
			map[string]string{"httpHeaderValue1": "key-of-the-spec", "bearerToken": "token-of-the-spec"}, fastOptions)
		feedtest.QueryFrames(src, map[string]any{"path": "a"})
		p := srv.peer(1)
		Expect(p.header.Get("X-Api-Key")).To(Equal("key-of-the-spec"))
		Expect(p.header.Get("Authorization")).To(Equal("Bearer token-of-the-spec"))

		basic := newServer()
		src, _ = openSource(map[string]any{"source": "websocket", "url": basic.url(""), "basicAuthUser": "alice"},
			map[string]string{"basicAuthPassword": "wonderland"}, fastOptions)
		feedtest.QueryFrames(src, map[string]any{"path": "b"})
		Expect(basic.peer(1).header.Get("Authorization")).To(Equal("Basic YWxpY2U6d29uZGVybGFuZA=="))
	})

	It("counts text that is not JSON and binary junk as decode errors, and goes on; JSON in binary messages is read", func() {
		feedtest.NoLeaks()
		srv := newServer()
		src, m := openSource(settingsOf(srv, ""), nil, fastOptions)
		rec := streamPath(src, map[string]any{"path": "/mixed"})
		p := srv.peer(1)
		Expect(p.send(`{"n": 1}`)).To(Succeed())
		Expect(p.send(`hello, not JSON`)).To(Succeed())
		Expect(p.write(gws.BinaryMessage, []byte{0xff, 0x00, 0xfe, 0x13, 0x37})).To(Succeed())
		Expect(p.send(`{"n": `)).To(Succeed())
		Expect(p.write(gws.BinaryMessage, []byte(`{"n": 2}`))).To(Succeed())
		Expect(p.send(`{"n": 3}`)).To(Succeed())
		Eventually(values(rec, "n")).WithTimeout(20 * time.Second).Should(Equal([]string{"1", "2", "3"}))
		Eventually(counter(m.FeedDecodeErrors)).WithTimeout(20 * time.Second).Should(BeEquivalentTo(3))
		Expect(srv.connections()).To(Equal(1), "garbage does not cost the connection")
	})

	It("delivers a 50 Hz stream of 5 s whole and in order", func() {
		feedtest.NoLeaks()
		srv := newServer()
		src, m := openSource(settingsOf(srv, ""), nil, fastOptions)
		rec := streamPath(src, map[string]any{"path": "/fast"})
		p := srv.peer(1)
		msgs, ns := numbered(0, 250)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for _, msg := range msgs {
			<-tick.C
			Expect(p.send(msg)).To(Succeed())
		}
		Eventually(values(rec, "n")).WithTimeout(20 * time.Second).Should(Equal(ns))
		Expect(counter(m.FeedDropped)()).To(BeZero())
		Expect(srv.connections()).To(Equal(1))
	})

	It("checks subscribeMessage: UTF-8, at most 16 KiB, and within the channel's length when streamed", func() {
		srv := newServer()
		src, _ := openSource(settingsOf(srv, ""), nil, fastOptions)
		err := queryError(src, map[string]any{"path": "/a", "subscribeMessage": strings.Repeat("x", websocket.MaxSubscribeMessageBytes+1)})
		Expect(err).To(MatchError(streaming.ErrMalformed))
		Expect(err).To(MatchError(ContainSubstring("subscribeMessage: is 16385 bytes, more than 16384")))
		// JSON carries no invalid UTF-8; a crafted channel path can.
		Expect(websocket.CheckSubscribeMessage("caf\xe9")).To(MatchError(ContainSubstring("subscribeMessage: must be valid UTF-8")))
		forged := "websocket/v1/100/" + base64.RawURLEncoding.EncodeToString([]byte("/a\x00caf\xe9\x00"))
		_, err = src.Admit(forged, time.Now())
		Expect(err).To(MatchError(streaming.ErrMalformed))
		Expect(err).To(MatchError(ContainSubstring("UTF-8")))
		err = queryError(src, map[string]any{"path": "/a", "subscribeMessage": strings.Repeat("x", 200), "withStreaming": true})
		Expect(err).To(MatchError(ContainSubstring("Grafana allows 160")))
		Expect(srv.connections()).To(BeZero())
	})

	It("keeps queries under the URL and within allowedTopics: an error for a query, PermissionDenied for a crafted path", func() {
		srv := newServer()
		src, _ := openSource(map[string]any{"source": "websocket", "url": srv.url("/base"), "allowedTopics": []string{"/public/*"}}, nil, fastOptions)
		err := queryError(src, map[string]any{"path": "/private"})
		Expect(err).To(MatchError(web.ErrNotAllowed))
		err = queryError(src, map[string]any{"path": "../admin"})
		Expect(err).To(MatchError(ContainSubstring("path")))

		other, _ := openSource(settingsOf(srv, "/base"), nil, fastOptions)
		_, path := feedtest.QueryFrames(other, map[string]any{"path": "/private", "withStreaming": true})
		_, err = src.Admit(path, time.Now())
		Expect(err).To(MatchError(web.ErrNotAllowed))
		Expect(err).NotTo(MatchError(streaming.ErrMalformed))
	})

	It("sends only the subscribe messages allowedSubscribeMessages lists, when it lists any: an error for a query, PermissionDenied for a crafted path", func() {
		srv := newServer()
		src, _ := openSource(map[string]any{"source": "websocket", "url": srv.url(""), "allowedSubscribeMessages": []string{`{"sub":"ticker"}`}}, nil, fastOptions)
		err := queryError(src, map[string]any{"path": "/a", "subscribeMessage": `{"op":"delete-all"}`})
		Expect(err).To(MatchError(websocket.ErrMessageNotAllowed))
		Expect(err).To(MatchError(ContainSubstring("subscribeMessage: is not one of this data source's allowedSubscribeMessages")))

		other, _ := openSource(settingsOf(srv, ""), nil, fastOptions)
		_, path := feedtest.QueryFrames(other, map[string]any{"path": "/a", "subscribeMessage": `{"op":"delete-all"}`, "withStreaming": true})
		_, err = src.Admit(path, time.Now())
		Expect(err).To(MatchError(websocket.ErrMessageNotAllowed))
		Expect(err).NotTo(MatchError(streaming.ErrMalformed), "PermissionDenied, not NotFound")

		_, path = feedtest.QueryFrames(src, map[string]any{"path": "/a", "subscribeMessage": `{"sub":"ticker"}`, "withStreaming": true})
		Expect(path).NotTo(BeEmpty(), "a listed message streams")

		_, err = websocket.NewSource(source.Settings{JSONData: []byte(`{"source":"websocket","url":"ws://x","allowedSubscribeMessages":"all"}`)})
		Expect(err).To(MatchError(ContainSubstring("allowedSubscribeMessages: must be a list")))
	})

	It("refuses bad settings with the field's name, and never echoes a secret", func() {
		for jsonData, want := range map[string]string{
			`{"source":"websocket"}`:                                          "url",
			`{"source":"websocket","url":"http://example.org"}`:               "url",
			`{"source":"websocket","url":"ws://x","historyMaxRows":0}`:        "historyMaxRows",
			`{"source":"websocket","url":"wss://x","tlsAuthWithCACert":true}`: "tlsCACert",
		} {
			_, err := websocket.NewSource(source.Settings{JSONData: []byte(jsonData), Secure: map[string]string{"bearerToken": "hunter2-secret"}})
			Expect(err).To(MatchError(ContainSubstring(want)), jsonData)
			Expect(err.Error()).NotTo(ContainSubstring("hunter2"))
		}
	})
})
