package websocket_test

import (
	"encoding/pem"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	gws "github.com/gorilla/websocket"
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

// server is a WebSocket server on loopback for the specs: it upgrades
// every request (unless refuse answers it first), records each handshake
// and every text message a client sends, and lets the spec send, close
// and reset each connection.
type server struct {
	srv *httptest.Server

	// refuse, when set, may answer a request instead of upgrading it: it
	// returns true when it did.
	refuse func(w http.ResponseWriter, r *http.Request) bool
	// deaf servers answer no ping.
	deaf bool

	mu       sync.Mutex
	peers    []*peer
	received []string
	wg       sync.WaitGroup
}

// peer is one connection the server accepted.
type peer struct {
	conn   *gws.Conn
	path   string
	header http.Header
	wmu    sync.Mutex
	done   chan struct{} // closed when the connection's reader ended
}

// serverOption changes a server before it starts.
type serverOption func(*server)

// deaf makes a server that answers no ping.
func deaf(s *server) { s.deaf = true }

// refusing makes a server that answers requests with f first.
func refusing(f func(w http.ResponseWriter, r *http.Request) bool) serverOption {
	return func(s *server) { s.refuse = f }
}

// newServer starts a plain server that the spec closes when it ends.
func newServer(opts ...serverOption) *server {
	return startServer(false, opts...)
}

// newTLSServer starts a TLS server with httptest's certificate.
func newTLSServer(opts ...serverOption) *server {
	return startServer(true, opts...)
}

func startServer(withTLS bool, opts ...serverOption) *server {
	s := &server{}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	// The server's complaints (a client that refused its certificate)
	// go to the spec's timeline.
	s.srv.Config.ErrorLog = log.New(GinkgoWriter, "server: ", 0)
	if withTLS {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	DeferCleanup(s.close)
	return s
}

// url is the server's ws:// or wss:// URL with path.
func (s *server) url(path string) string {
	return strings.Replace(s.srv.URL, "http", "ws", 1) + path
}

// caPEM is the PEM certificate of a TLS server.
func (s *server) caPEM() string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw}))
}

var upgrader = gws.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	if s.refuse != nil && s.refuse(w, r) {
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	p := &peer{conn: conn, path: r.URL.RequestURI(), header: r.Header.Clone(), done: make(chan struct{})}
	if s.deaf {
		conn.SetPingHandler(func(string) error { return nil })
	}
	s.mu.Lock()
	s.peers = append(s.peers, p)
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	defer close(p.done)
	defer conn.Close()
	for {
		kind, data, err := conn.ReadMessage()
		if err != nil {
			return
		}
		if kind == gws.TextMessage {
			s.mu.Lock()
			s.received = append(s.received, string(data))
			s.mu.Unlock()
		}
	}
}

// connections is how many connections the server accepted.
func (s *server) connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.peers)
}

// peer is the n-th connection (from 1), waiting for it.
func (s *server) peer(n int) *peer {
	GinkgoHelper()
	Eventually(s.connections).WithTimeout(20 * time.Second).Should(BeNumerically(">=", n))
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peers[n-1]
}

// open is how many of the server's connections are open.
func (s *server) open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.peers {
		if !p.closed() {
			n++
		}
	}
	return n
}

// messages are the text messages clients sent, in order.
func (s *server) messages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.received...)
}

// sendEverywhere sends text on every open connection.
func (s *server) sendEverywhere(text string) {
	s.mu.Lock()
	peers := append([]*peer(nil), s.peers...)
	s.mu.Unlock()
	for _, p := range peers {
		if !p.closed() {
			_ = p.send(text)
		}
	}
}

// close closes every connection and the server, and waits for their
// goroutines.
func (s *server) close() {
	s.mu.Lock()
	peers := append([]*peer(nil), s.peers...)
	s.mu.Unlock()
	for _, p := range peers {
		_ = p.conn.Close()
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
	s.wg.Wait()
}

// send sends a text message.
func (p *peer) send(text string) error {
	return p.write(gws.TextMessage, []byte(text))
}

// write sends a message of kind.
func (p *peer) write(kind int, data []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_ = p.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return p.conn.WriteMessage(kind, data)
}

// writeChunks sends data as one message in frames of chunk bytes.
func (p *peer) writeChunks(data []byte, chunk int) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_ = p.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	w, err := p.conn.NextWriter(gws.TextMessage)
	if err != nil {
		return err
	}
	for len(data) > 0 {
		n := min(chunk, len(data))
		if _, err := w.Write(data[:n]); err != nil {
			return err
		}
		data = data[n:]
	}
	return w.Close()
}

// closeWith sends a close frame with code and closes the connection.
func (p *peer) closeWith(code int) {
	_ = p.conn.WriteControl(gws.CloseMessage, gws.FormatCloseMessage(code, "spec"), time.Now().Add(time.Second))
	_ = p.conn.Close()
}

// reset ends the connection with a TCP reset, without a close frame.
func (p *peer) reset() {
	if tc, ok := p.conn.NetConn().(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = p.conn.Close()
}

// closed reports whether the connection's reader ended.
func (p *peer) closed() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
