package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	"github.com/onsi/gomega/gbytes"
)

// These specs run the feed's HTTP listener on a loopback port of its own
// and read it with Go clients: a small event-stream reader of the specs'
// (which keeps what the stream says verbatim: whether an event had an id,
// the comments), bufio lines for NDJSON, gorilla/websocket.

// startHTTPFeed runs the feed with its HTTP listener on a free loopback
// port, no MQTT broker and args, and returns the listener's base URL.
func startHTTPFeed(args ...string) (base string, log *gbytes.Buffer, stop func() int) {
	GinkgoHelper()
	log, stop = startFeed(append([]string{"-uri", "", "-http", "127.0.0.1:0"}, args...)...)
	Eventually(log).WithTimeout(20 * time.Second).Should(gbytes.Say(`HTTP: serving on (127\.0\.0\.1:\d+): `))
	addr := httpAddrIn(string(log.Contents()))
	Expect(addr).NotTo(BeEmpty())
	return "http://" + addr, log, stop
}

// httpAddrIn finds the listener's address in the feed's log.
func httpAddrIn(log string) string {
	_, rest, ok := strings.Cut(log, "HTTP: serving on ")
	if !ok {
		return ""
	}
	addr, _, _ := strings.Cut(rest, ": ")
	return addr
}

// sseEvent is one event of a stream, as sent.
type sseEvent struct {
	id       string
	hasID    bool
	typ      string
	data     string
	retry    string
	comments []string
}

// sseStream reads events off a text/event-stream response.
type sseStream struct {
	resp  *http.Response
	lines *bufio.Reader
}

// openSSE GETs url with the given Last-Event-ID (none when ""), wants a
// 200 event stream, and closes it when the spec ends.
func openSSE(ctx context.Context, url, lastEventID string) *sseStream {
	GinkgoHelper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	Expect(err).NotTo(HaveOccurred())
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(resp.Body.Close)
	Expect(resp.StatusCode).To(Equal(http.StatusOK))
	Expect(resp.Header.Get("Content-Type")).To(Equal("text/event-stream"))
	Expect(resp.Header.Get("Cache-Control")).To(Equal("no-cache"))
	return &sseStream{resp: resp, lines: bufio.NewReader(resp.Body)}
}

// next reads up to the next blank line: one block of fields.
func (s *sseStream) next() (sseEvent, error) {
	var ev sseEvent
	var data []string
	for {
		line, err := s.lines.ReadString('\n')
		if err != nil {
			return ev, err
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			ev.data = strings.Join(data, "\n")
			return ev, nil
		}
		if c, ok := strings.CutPrefix(line, ":"); ok {
			ev.comments = append(ev.comments, strings.TrimSpace(c))
			continue
		}
		name, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch name {
		case "id":
			ev.id, ev.hasID = value, true
		case "event":
			ev.typ = value
		case "data":
			data = append(data, value)
		case "retry":
			ev.retry = value
		}
	}
}

// climates reads until it has n climate events with an id, and returns
// them, and every other block on the way.
func (s *sseStream) climates(n int) (good []sseEvent, other []sseEvent) {
	GinkgoHelper()
	for len(good) < n {
		ev, err := s.next()
		Expect(err).NotTo(HaveOccurred(), "after %d climate events", len(good))
		if ev.typ == "climate" && ev.hasID {
			good = append(good, ev)
		} else {
			other = append(other, ev)
		}
	}
	return good, other
}

// commentsIn is every comment of the blocks.
func commentsIn(blocks []sseEvent) []string {
	var out []string
	for _, b := range blocks {
		out = append(out, b.comments...)
	}
	return out
}

// seqs are the events' ids as numbers, checked against their data's seq.
func seqs(events []sseEvent) []uint64 {
	GinkgoHelper()
	var out []uint64
	for _, ev := range events {
		id, err := strconv.ParseUint(ev.id, 10, 64)
		Expect(err).NotTo(HaveOccurred())
		Expect(decodeClimate([]byte(ev.data)).Seq).To(Equal(id), "the id is the reading's seq")
		out = append(out, id)
	}
	return out
}

// consecutive wants each seq one more than the one before.
func consecutive(seq []uint64) {
	GinkgoHelper()
	for i := 1; i < len(seq); i++ {
		Expect(seq[i]).To(Equal(seq[i-1]+1), "after %d (%v)", seq[i-1], seq)
	}
}

// get GETs url and returns the status and the body.
func get(url string) (int, string, http.Header) {
	GinkgoHelper()
	resp, err := http.Get(url)
	Expect(err).NotTo(HaveOccurred())
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	Expect(err).NotTo(HaveOccurred())
	return resp.StatusCode, string(body), resp.Header
}

// dialWS opens a WebSocket to url (http:// given, ws:// dialled); it is
// closed when the spec ends.
func dialWS(url string) *websocket.Conn {
	GinkgoHelper()
	conn, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(url, "http"), nil)
	Expect(err).NotTo(HaveOccurred())
	Expect(resp.StatusCode).To(Equal(http.StatusSwitchingProtocols))
	DeferCleanup(conn.Close)
	return conn
}

var _ = Describe("the feed's HTTP listener", func() {
	It("streams a room as Server-Sent Events: retry 2000, a status event, climate events whose id is the seq, bad payloads without an id", func(ctx SpecContext) {
		base, _, _ := startHTTPFeed("-rooms", "kitchen=20,garage=0.2", "-malformed-every", "10", "-status-every", "500ms", "-seed", "9")
		s := openSSE(ctx, base+"/sse/home/kitchen", "")

		first, err := s.next()
		Expect(err).NotTo(HaveOccurred())
		Expect(first.retry).To(Equal("2000"))
		Expect(first.data).To(BeEmpty(), "the retry block dispatches no event")
		status, err := s.next()
		Expect(err).NotTo(HaveOccurred())
		Expect(status.typ).To(Equal("status"))
		Expect(status.hasID).To(BeFalse())
		st := decodeStatus([]byte(status.data))
		Expect(st.Room).To(Equal("kitchen"))
		Expect(st.State).To(Equal("online"))

		good, other := s.climates(40)
		seq := seqs(good)
		consecutive(seq)
		want := readings(9, room{"kitchen", 20}, int(seq[len(seq)-1]))
		for i, ev := range good {
			Expect(decodeClimate([]byte(ev.data)).Temp).To(Equal(want[seq[i]-1].Temp), "the seed's values")
		}
		var statuses, bad int
		for _, ev := range other {
			switch {
			case ev.typ == "status":
				statuses++
			case ev.typ == "climate" && !ev.hasID:
				Expect(json.Valid([]byte(ev.data))).To(BeFalse(), "a climate event without an id is a bad payload: %s", ev.data)
				bad++
			default:
				Fail(fmt.Sprintf("an unexpected block: %+v", ev))
			}
		}
		// Two seconds of the kitchen at 20 Hz: a status every 0.5 s, a
		// bad payload after every 10 readings.
		Expect(statuses).To(BeNumerically(">=", 1))
		Expect(bad).To(BeNumerically(">=", 2))

		code, body, _ := get(base + "/sse/home/attic")
		Expect(code).To(Equal(http.StatusNotFound))
		Expect(body).To(ContainSubstring("the rooms are /sse/home/kitchen, /sse/home/garage"))
	}, SpecTimeout(time.Minute))

	It("resumes after Last-Event-ID without a gap or a repeat, from the readings it keeps", func(ctx SpecContext) {
		base, _, _ := startHTTPFeed("-rooms", "kitchen=20", "-malformed-every", "0")
		streamCtx, cancel := context.WithCancel(ctx)
		s := openSSE(streamCtx, base+"/sse/home/kitchen", "")
		good, _ := s.climates(10)
		last := good[len(good)-1].id
		cancel() // the client goes away ...

		// ... while the kitchen takes about twenty more readings.
		time.Sleep(time.Second)
		reconnected := time.Now()
		again := openSSE(ctx, base+"/sse/home/kitchen", last)
		resumed, _ := again.climates(40)
		seq := seqs(resumed)
		n, _ := strconv.ParseUint(last, 10, 64)
		Expect(seq[0]).To(Equal(n+1), "the reading after Last-Event-ID comes first")
		consecutive(seq)
		// The first ones are from the time away, sent at once.
		Expect(time.UnixMilli(decodeClimate([]byte(resumed[0].data)).TS)).To(BeTemporally("<", reconnected))
	}, SpecTimeout(time.Minute))

	It("says so when Last-Event-ID is older than what it keeps, or none of its own, and goes on", func(ctx SpecContext) {
		base, _, _ := startHTTPFeed("-rooms", "kitchen=20", "-malformed-every", "0", "-replay", "5")
		// Kept: the last 5 readings. Wait until there are more than 20.
		s := openSSE(ctx, base+"/sse/home/kitchen", "")
		s.climates(20)

		old := openSSE(ctx, base+"/sse/home/kitchen", "3")
		good, other := old.climates(10)
		seq := seqs(good)
		consecutive(seq)
		Expect(seq[0]).To(BeNumerically(">", 4))
		Expect(commentsIn(other)).To(ConsistOf(MatchRegexp(`^readings 4 to \d+ are no longer kept; the stream goes on from \d+$`)))

		junk := openSSE(ctx, base+"/sse/home/kitchen", "yesterday")
		_, other = junk.climates(1)
		Expect(commentsIn(other)).To(ConsistOf(`Last-Event-ID "yesterday" is no reading of this feed; live readings follow`))

		// An id ahead of the feed (one from before it restarted): live
		// readings, nothing to resume.
		ahead := openSSE(ctx, base+"/sse/home/kitchen", "99999999")
		good, _ = ahead.climates(3)
		consecutive(seqs(good))
	}, SpecTimeout(time.Minute))

	It("streams a room as NDJSON, one line per reading as it is taken", func(ctx SpecContext) {
		base, _, _ := startHTTPFeed("-rooms", "kitchen=20,garage=0.2", "-malformed-every", "10")
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/ndjson/home/kitchen", nil)
		Expect(err).NotTo(HaveOccurred())
		resp, err := http.DefaultClient.Do(req)
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(resp.Body.Close)
		Expect(resp.StatusCode).To(Equal(http.StatusOK))
		Expect(resp.Header.Get("Content-Type")).To(Equal("application/x-ndjson"))

		lines := bufio.NewScanner(resp.Body)
		var good []climate
		bad := 0
		for len(good) < 30 {
			Expect(lines.Scan()).To(BeTrue(), "the stream goes on: %v", lines.Err())
			if json.Valid(lines.Bytes()) {
				good = append(good, decodeClimate(lines.Bytes()))
			} else {
				bad++
			}
		}
		for i := 1; i < len(good); i++ {
			Expect(good[i].Seq).To(Equal(good[i-1].Seq + 1))
		}
		// Flushed as taken: the last line is fresh.
		Expect(time.UnixMilli(good[len(good)-1].TS)).To(BeTemporally("~", time.Now(), 5*time.Second))
		Expect(bad).To(BeNumerically(">=", 2))

		code, _, _ := get(base + "/ndjson/home")
		Expect(code).To(Equal(http.StatusNotFound))
	}, SpecTimeout(time.Minute))

	It("streams a room over a WebSocket, adds a room a subscribe message names, ignores other messages, and answers pings", func(ctx SpecContext) {
		base, _, _ := startHTTPFeed("-rooms", "kitchen=10,garage=5", "-malformed-every", "0", "-seed", "4")
		conn := dialWS(base + "/ws/home/kitchen")
		kitchen := readings(4, room{"kitchen", 10}, 2000)
		garage := readings(4, room{"garage", 5}, 2000)
		// which room a message is from: its values are the seed's for one.
		from := func(c climate) string {
			switch {
			case c.Temp == kitchen[c.Seq-1].Temp && c.Humidity == kitchen[c.Seq-1].Humidity:
				return "kitchen"
			case c.Temp == garage[c.Seq-1].Temp && c.Humidity == garage[c.Seq-1].Humidity:
				return "garage"
			}
			return "?"
		}
		pongs := make(chan string, 4)
		conn.SetPongHandler(func(data string) error { pongs <- data; return nil })
		read := func() climate {
			GinkgoHelper()
			Expect(conn.SetReadDeadline(time.Now().Add(20 * time.Second))).To(Succeed())
			kind, msg, err := conn.ReadMessage()
			Expect(err).NotTo(HaveOccurred())
			Expect(kind).To(Equal(websocket.TextMessage))
			return decodeClimate(msg)
		}
		var seq []uint64
		for range 5 {
			c := read()
			Expect(from(c)).To(Equal("kitchen"))
			seq = append(seq, c.Seq)
		}
		consecutive(seq)

		Expect(conn.WriteMessage(websocket.TextMessage, []byte("hello"))).To(Succeed())
		Expect(conn.WriteMessage(websocket.TextMessage, []byte(`{"unsubscribe":"home/kitchen/climate"}`))).To(Succeed())
		Expect(conn.WriteMessage(websocket.BinaryMessage, []byte{0xff, 0x00})).To(Succeed())
		Expect(conn.WriteMessage(websocket.TextMessage, []byte(`{"subscribe":"home/attic/climate"}`))).To(Succeed())
		Expect(conn.WriteMessage(websocket.TextMessage, []byte(`{"subscribe":"home/garage/climate"}`))).To(Succeed())
		Expect(conn.WriteControl(websocket.PingMessage, []byte("are you there"), time.Now().Add(5*time.Second))).To(Succeed())

		rooms := map[string]int{}
		for rooms["garage"] < 3 || rooms["kitchen"] < 3 {
			rooms[from(read())]++
		}
		Expect(rooms).NotTo(HaveKey("?"))
		Eventually(pongs).Should(Receive(Equal("are you there")))

		// The subject a NATS client would name works too, and a room
		// subscribed twice comes once.
		other := dialWS(base + "/ws/home/garage")
		Expect(other.WriteMessage(websocket.TextMessage, []byte(`{"subscribe":"home.garage.climate"}`))).To(Succeed())
		Expect(other.SetReadDeadline(time.Now().Add(20 * time.Second))).To(Succeed())
		var got []uint64
		for len(got) < 4 {
			_, msg, err := other.ReadMessage()
			Expect(err).NotTo(HaveOccurred())
			got = append(got, decodeClimate(msg).Seq)
		}
		consecutive(got)

		_, resp, err := websocket.DefaultDialer.Dial("ws"+strings.TrimPrefix(base, "http")+"/ws/home/attic", nil)
		Expect(err).To(HaveOccurred())
		Expect(resp.StatusCode).To(Equal(http.StatusNotFound))
	}, SpecTimeout(time.Minute))

	It("answers /healthz with each sink's state, lists its paths, and refuses other methods", func(ctx SpecContext) {
		n := startNATS(true)
		base, _, _ := startHTTPFeed("-nats", n.URL(), "-rooms", "kitchen=1")
		Eventually(func() map[string]any {
			code, body, header := get(base + "/healthz")
			Expect(code).To(Equal(http.StatusOK))
			Expect(header.Get("Content-Type")).To(Equal("application/json"))
			var h map[string]any
			Expect(json.Unmarshal([]byte(body), &h)).To(Succeed())
			return h
		}).WithContext(ctx).Should(And(
			HaveKeyWithValue("status", "ok"),
			HaveKeyWithValue("rooms", ConsistOf("kitchen")),
			HaveKeyWithValue("sinks", Equal(map[string]any{"http": "serving", "nats": "connected"})),
		))

		code, body, _ := get(base + "/")
		Expect(code).To(Equal(http.StatusOK))
		Expect(body).To(ContainSubstring("/sse/home/kitchen"))
		Expect(body).To(ContainSubstring("/ndjson/home/kitchen"))
		Expect(body).To(ContainSubstring("/ws/home/kitchen"))

		resp, err := http.Post(base+"/sse/home/kitchen", "text/plain", strings.NewReader("x"))
		Expect(err).NotTo(HaveOccurred())
		resp.Body.Close()
		Expect(resp.StatusCode).To(Equal(http.StatusMethodNotAllowed))

		Expect(demofeed(ctx, []string{"-probe", "-http", strings.TrimPrefix(base, "http://")}, env{}.get, GinkgoWriter)).To(Equal(0))
	}, SpecTimeout(time.Minute))

	It("ends every stream when the feed stops, and exits 0", func(ctx SpecContext) {
		base, log, stop := startHTTPFeed("-rooms", "kitchen=10", "-report", "100ms")
		s := openSSE(ctx, base+"/sse/home/kitchen", "")
		s.climates(2)
		conn := dialWS(base + "/ws/home/kitchen")
		Expect(conn.SetReadDeadline(time.Now().Add(20 * time.Second))).To(Succeed())
		_, _, err := conn.ReadMessage()
		Expect(err).NotTo(HaveOccurred())
		Eventually(log).WithContext(ctx).Should(gbytes.Say(`published so far: kitchen \d+ \(\d+ in all\); 0 not JSON; 0 readings dropped while disconnected; 2 HTTP clients`))

		Expect(stop()).To(Equal(0))
		Eventually(func() error { _, err := s.next(); return err }).WithContext(ctx).Should(MatchError(io.EOF))
		for {
			_, _, err = conn.ReadMessage()
			if err != nil {
				break
			}
		}
		Expect(websocket.IsCloseError(err, websocket.CloseGoingAway)).To(BeTrue(), "%v", err)
		_, err = net.DialTimeout("tcp", strings.TrimPrefix(base, "http://"), time.Second)
		Expect(err).To(HaveOccurred(), "the listener is closed")
	}, SpecTimeout(time.Minute))

	It("fails with status 1 when its address is taken, and -probe fails where nothing answers", func(ctx SpecContext) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(ln.Close)
		out := gbytes.NewBuffer()
		Expect(demofeed(ctx, []string{"-uri", "", "-http", ln.Addr().String()}, env{}.get, out)).To(Equal(1))
		Expect(out).To(gbytes.Say(`pulse-demofeed: HTTP: listen tcp ` + ln.Addr().String() + `: bind: address already in use`))

		free := fmt.Sprintf("127.0.0.1:%d", freePort())
		out = gbytes.NewBuffer()
		Expect(demofeed(ctx, []string{"-probe", "-http", free}, env{}.get, out)).To(Equal(1))
		Expect(out).To(gbytes.Say(`pulse-demofeed: probe: .*connection refused`))
	}, SpecTimeout(time.Minute))
})

// freePort is a loopback TCP port nothing listens on now.
func freePort() int {
	GinkgoHelper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	Expect(err).NotTo(HaveOccurred())
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
