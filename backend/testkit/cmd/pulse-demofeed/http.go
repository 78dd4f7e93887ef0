package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Timing and bounds of the HTTP listener.
const (
	// sseRetry is the reconnection time SSE streams ask of their clients.
	sseRetry = 2 * time.Second
	// writeTimeout bounds one write to a client: one that takes longer
	// has gone away or cannot keep up.
	writeTimeout = 10 * time.Second
	// wsPingEvery is how often a WebSocket is pinged, so that a client
	// that is gone is noticed.
	wsPingEvery = 30 * time.Second
	// wsReadLimit bounds a message from a WebSocket client: subscribe
	// messages are short.
	wsReadLimit = 4096
	// shutdownTimeout bounds the wait for the clients' streams to end.
	shutdownTimeout = 2 * time.Second
	// maxEchoedID bounds how much of a Last-Event-ID the stream quotes.
	maxEchoedID = 64
)

// httpSink serves the readings over HTTP, each room at three paths under
// its topic:
//
//	GET /sse/<root>/<room>     Server-Sent Events
//	GET /ndjson/<root>/<room>  newline-delimited JSON
//	GET /ws/<root>/<room>      WebSocket
//
// and GET /healthz. A client gets the readings taken after it came, except
// an SSE client that sends Last-Event-ID: it gets the readings after that
// one first, from the last cfg.replay of the room.
type httpSink struct {
	cfg    config
	log    *log.Logger
	states func() map[string]string // every sink's, for /healthz

	hubs  []*hub
	rooms map[string]int // "home/kitchen" → index in cfg.rooms

	server   *http.Server
	addr     net.Addr
	stopping chan struct{}
	streams  sync.WaitGroup // the handlers of streaming requests

	sse, ndjson, ws atomic.Int64 // clients now
	up              chan struct{}
	stopOnce        sync.Once
}

func newHTTPSink(cfg config, logger *log.Logger, states func() map[string]string) *httpSink {
	s := &httpSink{
		cfg:      cfg,
		log:      logger,
		states:   states,
		rooms:    map[string]int{},
		stopping: make(chan struct{}),
		up:       make(chan struct{}),
	}
	for i, r := range cfg.rooms {
		s.hubs = append(s.hubs, newHub(cfg.replay))
		s.rooms[cfg.root+"/"+r.name] = i
	}
	close(s.up)
	return s
}

func (s *httpSink) describe() string {
	return fmt.Sprintf("HTTP: serving on %s: GET /sse/%s/<room> (Server-Sent Events; Last-Event-ID resumes within the last %d readings), "+
		"GET /ndjson/%s/<room>, GET /ws/%s/<room> (WebSocket), GET /healthz",
		s.addr, s.cfg.root, s.cfg.replay, s.cfg.root, s.cfg.root)
}

func (s *httpSink) start(_ context.Context, wg *sync.WaitGroup) error {
	ln, err := net.Listen("tcp", s.cfg.httpAddr)
	if err != nil {
		return fmt.Errorf("HTTP: %w", err)
	}
	s.addr = ln.Addr()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.index)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /sse/", s.serveSSE)
	mux.HandleFunc("GET /ndjson/", s.serveNDJSON)
	mux.HandleFunc("GET /ws/", s.serveWebSocket)
	s.server = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          log.New(s.log.Writer(), s.log.Prefix()+"HTTP: ", s.log.Flags()),
	}
	wg.Go(func() {
		if err := s.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Printf("HTTP: %v", err)
		}
	})
	return nil
}

func (s *httpSink) ready() <-chan struct{} { return s.up }

func (s *httpSink) climate(i int, seq uint64, payload []byte) {
	s.hubs[i].publish(event{seq: seq, payload: payload})
}

func (s *httpSink) malformed(i int, payload []byte) {
	s.hubs[i].publish(event{payload: payload, bad: true})
}

func (s *httpSink) dropped() uint64 { return 0 }

func (s *httpSink) state() string { return "serving" }

// clients is how many clients the listener streams to.
func (s *httpSink) clients() int64 { return s.sse.Load() + s.ndjson.Load() + s.ws.Load() }

// stop ends every client's stream and closes the listener.
func (s *httpSink) stop() {
	s.stopOnce.Do(func() {
		close(s.stopping)
		if s.server == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		if err := s.server.Shutdown(ctx); err != nil {
			_ = s.server.Close()
		}
		done := make(chan struct{})
		go func() { s.streams.Wait(); close(done) }()
		select {
		case <-done:
		case <-ctx.Done():
			s.log.Printf("HTTP: some streams did not end within %s", shutdownTimeout)
		}
	})
}

// room is the index of the room a request's path names after prefix, and
// false, after answering 404, when it names none.
func (s *httpSink) room(w http.ResponseWriter, r *http.Request, prefix string) (int, bool) {
	i, ok := s.rooms[strings.TrimPrefix(r.URL.Path, prefix)]
	if !ok {
		http.Error(w, fmt.Sprintf("no room at %s; the rooms are %s", r.URL.Path, strings.Join(s.paths(prefix), ", ")), http.StatusNotFound)
	}
	return i, ok
}

// paths are the rooms' paths under prefix, in the config's order.
func (s *httpSink) paths(prefix string) []string {
	var out []string
	for _, r := range s.cfg.rooms {
		out = append(out, prefix+s.cfg.root+"/"+r.name)
	}
	return out
}

func (s *httpSink) index(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	fmt.Fprintf(w, "pulse-demofeed: made-up sensor readings.\n\nServer-Sent Events (resume with Last-Event-ID):\n  %s\nNDJSON:\n  %s\nWebSocket:\n  %s\nHealth: /healthz\n",
		strings.Join(s.paths("/sse/"), "\n  "), strings.Join(s.paths("/ndjson/"), "\n  "), strings.Join(s.paths("/ws/"), "\n  "))
}

// healthz answers 200 while the listener serves, with each sink's state.
func (s *httpSink) healthz(w http.ResponseWriter, _ *http.Request) {
	var rooms []string
	for _, r := range s.cfg.rooms {
		rooms = append(rooms, r.name)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "ok", "rooms": rooms, "sinks": s.states(), "clients": s.clients()})
}

// stream starts a streaming request for the room its path names after
// prefix, counted in n while it lasts until done is called. It is false,
// after answering the client, when the path names no room (404) or the
// listener is stopping (503).
func (s *httpSink) stream(w http.ResponseWriter, r *http.Request, prefix string, n *atomic.Int64) (i int, done func(), ok bool) {
	i, ok = s.room(w, r, prefix)
	if !ok {
		return 0, nil, false
	}
	select {
	case <-s.stopping:
		http.Error(w, "the feed is stopping", http.StatusServiceUnavailable)
		return 0, nil, false
	default:
	}
	s.streams.Add(1)
	n.Add(1)
	return i, func() { n.Add(-1); s.streams.Done() }, true
}

// serveSSE streams a room as Server-Sent Events: first "retry: 2000", then
// the room's status event, the readings after Last-Event-ID when the
// client sent one, and every reading from then on as an event named
// climate whose id is the reading's seq. A payload that is not JSON goes
// out as a climate event without an id. The status event comes again every
// cfg.statusEvery.
func (s *httpSink) serveSSE(w http.ResponseWriter, r *http.Request) {
	i, done, ok := s.stream(w, r, "/sse/", &s.sse)
	if !ok {
		return
	}
	defer done()

	after, resume, note := lastEventID(r.Header.Values("Last-Event-ID"))
	l := newListener()
	backlog, oldest := s.hubs[i].subscribe(l, after, resume)
	defer s.hubs[i].unsubscribe(l)
	if resume && oldest > after+1 {
		note = fmt.Sprintf("readings %d to %d are no longer kept; the stream goes on from %d", after+1, oldest-1, oldest)
	}

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)

	var buf []byte
	buf = fmt.Appendf(buf, "retry: %d\n\n", sseRetry.Milliseconds())
	if note != "" {
		buf = fmt.Appendf(buf, ": %s\n\n", note)
	}
	buf = appendSSE(buf, "", "status", statusPayload(s.cfg.rooms[i], "online", time.Now().UnixMilli()))
	for _, ev := range backlog {
		buf = appendSSE(buf, strconv.FormatUint(ev.seq, 10), "climate", ev.payload)
	}
	if !s.write(w, rc, buf) {
		return
	}

	status := time.NewTicker(s.cfg.statusEvery)
	defer status.Stop()
	for {
		buf = buf[:0]
		select {
		case ev := <-l.ch:
			id := ""
			if !ev.bad {
				id = strconv.FormatUint(ev.seq, 10)
			}
			buf = appendSSE(buf, id, "climate", ev.payload)
		case <-status.C:
			buf = appendSSE(buf, "", "status", statusPayload(s.cfg.rooms[i], "online", time.Now().UnixMilli()))
		case <-l.gone:
			// Fell behind: the client comes back with Last-Event-ID.
			return
		case <-r.Context().Done():
			return
		case <-s.stopping:
			return
		}
		if !s.write(w, rc, buf) {
			return
		}
	}
}

// lastEventID reads a Last-Event-ID header: the seq to resume after, and
// whether there is one to resume from; note says why a header was not
// taken.
func lastEventID(values []string) (after uint64, resume bool, note string) {
	if len(values) == 0 {
		return 0, false, ""
	}
	v := strings.TrimSpace(values[0])
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || len(values) > 1 {
		if len(v) > maxEchoedID {
			v = v[:maxEchoedID] + "…"
		}
		return 0, false, fmt.Sprintf("Last-Event-ID %q is no reading of this feed; live readings follow", v)
	}
	return n, true, ""
}

// appendSSE appends one event to buf: its id (none when ""), its type and
// its data, one data line per line of data.
func appendSSE(buf []byte, id, typ string, data []byte) []byte {
	if id != "" {
		buf = append(buf, "id: "...)
		buf = append(buf, id...)
		buf = append(buf, '\n')
	}
	buf = append(buf, "event: "...)
	buf = append(buf, typ...)
	buf = append(buf, '\n')
	for line := range strings.Lines(string(data)) {
		buf = append(buf, "data: "...)
		buf = append(buf, strings.TrimRight(line, "\r\n")...)
		buf = append(buf, '\n')
	}
	if len(data) == 0 {
		buf = append(buf, "data:\n"...)
	}
	return append(buf, '\n')
}

// write sends buf to the client and flushes it, within writeTimeout;
// false when the client is gone.
func (s *httpSink) write(w io.Writer, rc *http.ResponseController, buf []byte) bool {
	_ = rc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := w.Write(buf); err != nil {
		return false
	}
	return rc.Flush() == nil
}

// serveNDJSON streams a room as newline-delimited JSON: one line per
// reading taken from now on, each flushed at once, and the payloads that
// are not JSON as lines of their own.
func (s *httpSink) serveNDJSON(w http.ResponseWriter, r *http.Request) {
	i, done, ok := s.stream(w, r, "/ndjson/", &s.ndjson)
	if !ok {
		return
	}
	defer done()
	l := newListener()
	s.hubs[i].subscribe(l, 0, false)
	defer s.hubs[i].unsubscribe(l)

	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if rc.Flush() != nil {
		return
	}
	var buf []byte
	for {
		select {
		case ev := <-l.ch:
			buf = append(append(buf[:0], ev.payload...), '\n')
			if !s.write(w, rc, buf) {
				return
			}
		case <-l.gone:
			return
		case <-r.Context().Done():
			return
		case <-s.stopping:
			return
		}
	}
}

// upgrader takes WebSocket handshakes from any origin: the demo feed has
// nothing to protect.
var upgrader = websocket.Upgrader{
	ReadBufferSize:  1024,
	WriteBufferSize: 4096,
	CheckOrigin:     func(*http.Request) bool { return true },
}

// subscribeMessage is what a WebSocket client may send to get another
// room's readings on the same connection.
type subscribeMessage struct {
	Subscribe string `json:"subscribe"`
}

// serveWebSocket streams a room over a WebSocket, one text message per
// reading (its climate JSON) from now on, and the payloads that are not
// JSON as messages of their own. The client may send
// {"subscribe":"<root>/<room>/climate"} (or the NATS subject
// <root>.<room>.climate) to get that room's readings too; the room of
// the path is subscribed already, and any other message is ignored. Pings
// are answered; the server pings every 30 s.
func (s *httpSink) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	i, done, ok := s.stream(w, r, "/ws/", &s.ws)
	if !ok {
		return
	}
	defer done()
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered the client
	}
	defer conn.Close()
	conn.SetReadLimit(wsReadLimit)

	l := newListener()
	var mu sync.Mutex
	subscribed := []int{i}
	s.hubs[i].subscribe(l, 0, false)
	defer func() {
		mu.Lock()
		defer mu.Unlock()
		for _, j := range subscribed {
			s.hubs[j].unsubscribe(l)
		}
		subscribed = nil
	}()

	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		for {
			kind, msg, err := conn.ReadMessage()
			if err != nil {
				return
			}
			j, ok := s.subscribeTo(kind, msg)
			if !ok {
				continue
			}
			mu.Lock()
			if subscribed != nil && !slices.Contains(subscribed, j) {
				subscribed = append(subscribed, j)
				s.hubs[j].subscribe(l, 0, false)
			}
			mu.Unlock()
		}
	}()

	ping := time.NewTicker(wsPingEvery)
	defer ping.Stop()
	closeWith := func(code int, text string) {
		_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, text), time.Now().Add(time.Second))
	}
	for {
		select {
		case ev := <-l.ch:
			_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
			if conn.WriteMessage(websocket.TextMessage, ev.payload) != nil {
				return
			}
		case <-ping.C:
			if conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeTimeout)) != nil {
				return
			}
		case <-l.gone:
			closeWith(websocket.ClosePolicyViolation, "too slow: fell behind the readings")
			return
		case <-readDone:
			return
		case <-s.stopping:
			closeWith(websocket.CloseGoingAway, "the feed is stopping")
			return
		}
	}
}

// subscribeTo reads a client's WebSocket message: the room a subscribe
// message names, and false for anything else.
func (s *httpSink) subscribeTo(kind int, msg []byte) (int, bool) {
	if kind != websocket.TextMessage {
		return 0, false
	}
	var m subscribeMessage
	if json.Unmarshal(msg, &m) != nil || m.Subscribe == "" {
		return 0, false
	}
	topic := m.Subscribe
	prefix := strings.ReplaceAll(s.cfg.root, "/", ".") + "."
	if rest, ok := strings.CutPrefix(topic, prefix); ok && strings.HasSuffix(rest, ".climate") {
		topic = s.cfg.root + "/" + strings.TrimSuffix(rest, ".climate")
	} else {
		topic = strings.TrimSuffix(topic, "/climate")
	}
	i, ok := s.rooms[topic]
	return i, ok
}
