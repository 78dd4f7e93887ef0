package feedhub

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Options tune a Hub; the zero value is ready to use.
type Options struct {
	// WaitForClient is how long Publish waits for a first client of a
	// path; zero means 10 s.
	WaitForClient time.Duration
	// Backlog is how many events of each path are kept for clients that
	// resume with Last-Event-ID; zero means 10 000.
	Backlog int
	// Queue is how many payloads a client may lag behind before the hub
	// drops its connection; zero means 100 000.
	Queue int
	// Check, when set, is called with each request before it is served;
	// an error answers 401 with the error's text.
	Check func(r *http.Request) error
}

// Hub serves live feeds on a loopback port until Close. It is safe for
// concurrent use.
type Hub struct {
	opts   Options
	server *httptest.Server

	mu      sync.Mutex
	paths   map[string]*pathFeed
	changed chan struct{} // closed and replaced when a client comes or goes
	closed  bool
}

// pathFeed is one path's clients and its SSE backlog.
type pathFeed struct {
	clients map[*client]struct{}
	nextID  uint64
	backlog []event
}

// event is one payload with its SSE id.
type event struct {
	id      uint64
	payload string
}

// client is one connection's queue.
type client struct {
	queue chan event
	gone  chan struct{}
	once  sync.Once
}

func (c *client) drop() { c.once.Do(func() { close(c.gone) }) }

// Start starts a Hub on a free loopback port.
func Start(o Options) *Hub {
	if o.WaitForClient <= 0 {
		o.WaitForClient = 10 * time.Second
	}
	if o.Backlog <= 0 {
		o.Backlog = 10_000
	}
	if o.Queue <= 0 {
		o.Queue = 100_000
	}
	h := &Hub{opts: o, paths: map[string]*pathFeed{}, changed: make(chan struct{})}
	h.server = httptest.NewServer(http.HandlerFunc(h.serve))
	return h
}

// URL is the hub's base URL, http://127.0.0.1:<port>.
func (h *Hub) URL() string { return h.server.URL }

// WebSocketURL is the hub's base URL for WebSocket clients,
// ws://127.0.0.1:<port>.
func (h *Hub) WebSocketURL() string { return "ws" + strings.TrimPrefix(h.server.URL, "http") }

// Close drops every client and stops the server.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	for _, p := range h.paths {
		for c := range p.clients {
			c.drop()
		}
	}
	h.mu.Unlock()
	h.server.CloseClientConnections()
	h.server.Close()
}

// DropClients ends the connections of path's clients, as a server that
// restarts would; clients that resume with Last-Event-ID miss nothing.
func (h *Hub) DropClients(path string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p := h.paths[path]; p != nil {
		for c := range p.clients {
			c.drop()
		}
	}
}

// Clients is how many clients path has now.
func (h *Hub) Clients(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	if p := h.paths[path]; p != nil {
		return len(p.clients)
	}
	return 0
}

// Publish sends payload to every client of path, after waiting up to
// Options.WaitForClient for a first one; payloads published one after the
// other reach a client in that order.
func (h *Hub) Publish(path, payload string) error {
	if strings.ContainsAny(payload, "\r\n") {
		return errors.New("feedhub: a payload is one line")
	}
	deadline := time.NewTimer(h.opts.WaitForClient)
	defer deadline.Stop()
	for {
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return errors.New("feedhub: closed")
		}
		p := h.feed(path)
		if len(p.clients) > 0 {
			p.nextID++
			e := event{id: p.nextID, payload: payload}
			p.backlog = append(p.backlog, e)
			if len(p.backlog) > h.opts.Backlog {
				p.backlog = p.backlog[len(p.backlog)-h.opts.Backlog:]
			}
			for c := range p.clients {
				select {
				case c.queue <- e:
				default:
					c.drop() // too far behind
				}
			}
			h.mu.Unlock()
			return nil
		}
		changed := h.changed
		h.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			return fmt.Errorf("feedhub: no client of %s connected within %s", path, h.opts.WaitForClient)
		}
	}
}

// feed is path's feed, made when missing; h.mu is held.
func (h *Hub) feed(path string) *pathFeed {
	p := h.paths[path]
	if p == nil {
		p = &pathFeed{clients: map[*client]struct{}{}}
		h.paths[path] = p
	}
	return p
}

// join adds a client to path, first queueing the events after lastID when
// resuming (lastID > 0).
func (h *Hub) join(path string, lastID uint64) *client {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := &client{queue: make(chan event, h.opts.Queue), gone: make(chan struct{})}
	p := h.feed(path)
	if lastID > 0 {
		for _, e := range p.backlog {
			if e.id > lastID {
				c.queue <- e
			}
		}
	}
	p.clients[c] = struct{}{}
	h.notify()
	return c
}

// leave removes a client.
func (h *Hub) leave(path string, c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.paths[path].clients, c)
	c.drop()
	h.notify()
}

func (h *Hub) notify() {
	close(h.changed)
	h.changed = make(chan struct{})
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

// serve answers one request: a WebSocket upgrade, an SSE or an NDJSON
// stream of its path.
func (h *Hub) serve(w http.ResponseWriter, r *http.Request) {
	if h.opts.Check != nil {
		if err := h.opts.Check(r); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
	}
	path := r.URL.Path
	switch {
	case websocket.IsWebSocketUpgrade(r):
		h.serveWebSocket(w, r, path)
	case strings.Contains(r.Header.Get("Accept"), "text/event-stream"):
		last, _ := strconv.ParseUint(r.Header.Get("Last-Event-ID"), 10, 64)
		h.serveLines(w, r, path, last, "text/event-stream", func(e event) string {
			return fmt.Sprintf("id: %d\ndata: %s\n\n", e.id, e.payload)
		})
	default:
		h.serveLines(w, r, path, 0, "application/x-ndjson", func(e event) string { return e.payload + "\n" })
	}
}

func (h *Hub) serveLines(w http.ResponseWriter, r *http.Request, path string, last uint64, contentType string, format func(event) string) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	c := h.join(path, last)
	defer h.leave(path, c)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flusher.Flush()
	for {
		select {
		case e := <-c.queue:
			if _, err := w.Write([]byte(format(e))); err != nil {
				return
			}
			// Write what is queued, then flush once.
			for more := true; more; {
				select {
				case e := <-c.queue:
					if _, err := w.Write([]byte(format(e))); err != nil {
						return
					}
				default:
					more = false
				}
			}
			flusher.Flush()
		case <-c.gone:
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (h *Hub) serveWebSocket(w http.ResponseWriter, r *http.Request, path string) {
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	c := h.join(path, 0)
	defer h.leave(path, c)
	// Read (and answer pings) until the client goes.
	go func() {
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				c.drop()
				return
			}
		}
	}()
	for {
		select {
		case e := <-c.queue:
			if err := conn.WriteMessage(websocket.TextMessage, []byte(e.payload)); err != nil {
				return
			}
		case <-c.gone:
			return
		}
	}
}
