package websocket

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/gorilla/websocket"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/neterr"
	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/retry"
)

// closeWait bounds the write of the close frame a session sends when it
// ends.
const closeWait = time.Second

// session is one subscription's connection: it dials the subscription's
// URL, sends its subscribe message after every connect, hands every
// message to its queue, keeps the connection alive with pings, and dials
// again after any end of the connection (a close frame of any code, a
// reset, a read error, a message over the read limit, silence) with the
// Client's backoff, until it is stopped.
type session struct {
	c       *Client
	target  string // the query's path: the messages' Series
	url     *url.URL
	message string // sent after every connect; "" sends nothing
	q       *queue

	ctx    context.Context // ends when the session is stopped
	cancel context.CancelFunc
	done   chan struct{} // closed when run returned
	up     bool          // under c.mu
}

// start runs the session's connection loop.
func (s *session) start() {
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.done = make(chan struct{})
	go s.run()
}

// stop ends the session: it closes the connection (with a close frame,
// code 1000) and waits for its goroutines, its handler's included. It
// must not be called from the handler.
func (s *session) stop() {
	s.cancel()
	<-s.done
	s.q.stop()
}

// run dials and serves connections until the session is stopped.
func (s *session) run() {
	defer close(s.done)
	b := newBackoff(s.c.o)
	first := true
	last := ""
	for {
		if !retry.Sleep(s.ctx, b.next()) {
			return
		}
		conn, err := s.c.d.dial(s.ctx, s.url)
		if s.ctx.Err() != nil {
			if conn != nil {
				_ = conn.Close()
			}
			return
		}
		if err != nil {
			b.failed()
			s.c.attemptFailed(s, err, err.Error() == last)
			last = err.Error()
			continue
		}
		last = ""
		b.up(time.Now())
		s.c.connected(s, first)
		first = false
		err = s.serve(conn)
		b.down(time.Now())
		s.c.disconnected(s, err)
		if s.ctx.Err() != nil {
			return
		}
	}
}

// serve sends the subscribe message on conn, then reads its messages until
// the connection ends or the session is stopped, and says why it ended.
func (s *session) serve(conn *websocket.Conn) error {
	defer conn.Close()
	o := s.c.o
	if s.message != "" {
		_ = conn.SetWriteDeadline(time.Now().Add(o.HandshakeTimeout))
		if err := conn.WriteMessage(websocket.TextMessage, []byte(s.message)); err != nil {
			return fmt.Errorf("sending subscribeMessage failed: %w", err)
		}
	}
	// Any message, ping or pong shows the connection alive; pings go out
	// every PingInterval, so each one has at least PongWait for its pong.
	silence := o.PingInterval + o.PongWait
	// Moving the read deadline costs a timer update, too much for every
	// message of a busy feed: it moves only once it is less than silence
	// away, and then by silence and a slack of a 32nd of it, so that the
	// connection is dropped after at least silence without a message and
	// at most the slack later. (Only the reading goroutine calls alive:
	// gorilla/websocket runs the ping and pong handlers within a read.)
	slack := silence / 32
	var deadline time.Time
	alive := func(now time.Time) {
		if deadline.Sub(now) < silence {
			deadline = now.Add(silence + slack)
			_ = conn.SetReadDeadline(deadline)
		}
	}
	alive(time.Now())
	conn.SetPongHandler(func(string) error { alive(time.Now()); return nil })
	conn.SetPingHandler(func(data string) error {
		alive(time.Now())
		// A failed pong shows in the next read.
		_ = conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(o.PongWait))
		return nil
	})
	readDone := make(chan struct{})
	keeperDone := make(chan struct{})
	go func() {
		defer close(keeperDone)
		s.keepAlive(conn, readDone)
	}()
	var err error
	var scratch bytes.Buffer
	for {
		var data []byte
		if data, err = readMessage(conn, &scratch); err != nil {
			break
		}
		now := time.Now()
		alive(now)
		if s.q.push(feed.Message{Series: s.target, Payload: data, Arrival: now}, s.ctx.Done()) {
			alive(time.Now()) // however long the push waited for the handler
		}
	}
	close(readDone)
	<-keeperDone
	if neterr.IsTimeout(err) {
		return fmt.Errorf("nothing arrived for %s, not even a pong: %w", neterr.Round(silence), err)
	}
	return err
}

// keepAlive pings conn every PingInterval until the read loop ends, and
// closes it when the session is stopped.
func (s *session) keepAlive(conn *websocket.Conn, readDone <-chan struct{}) {
	t := time.NewTicker(s.c.o.PingInterval)
	defer t.Stop()
	for {
		select {
		case <-readDone:
			return
		case <-s.ctx.Done():
			_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(closeWait))
			_ = conn.Close()
			return
		case <-t.C:
			if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(s.c.o.PongWait)); err != nil {
				s.c.o.Logger.Debug("WebSocket ping failed", "path", streaming.Excerpt(s.target), "error", err)
				_ = conn.Close()
				return
			}
		}
	}
}

// endReason says in plain words why a connection ended.
func endReason(err error, readLimit int64) string {
	var ce *websocket.CloseError
	switch {
	case err == nil:
		return "ended"
	case errors.As(err, &ce) && ce.Text != "":
		return fmt.Sprintf("the server closed it (close code %d, %s)", ce.Code, streaming.Excerpt(ce.Text))
	case errors.As(err, &ce):
		return fmt.Sprintf("the server closed it (close code %d)", ce.Code)
	case errors.Is(err, websocket.ErrReadLimit):
		return fmt.Sprintf("the server sent a message over the read limit of %d bytes", readLimit)
	case neterr.ClosedEarly(err):
		return "the server ended or reset it without a close frame"
	}
	return streaming.Excerpt(err.Error())
}

// maxScratch is the largest read buffer a session keeps for its next
// message.
const maxScratch = 64 << 10

// readMessage reads the connection's next message, as conn.ReadMessage
// does, through scratch, a buffer kept from one message to the next: the
// message gets an array of its own size (ReadMessage's starts at 512
// bytes, most of them unused by a small message).
func readMessage(conn *websocket.Conn, scratch *bytes.Buffer) ([]byte, error) {
	_, r, err := conn.NextReader()
	if err != nil {
		return nil, err
	}
	scratch.Reset()
	_, err = scratch.ReadFrom(r)
	data := append(make([]byte, 0, scratch.Len()), scratch.Bytes()...)
	if scratch.Cap() > maxScratch {
		*scratch = bytes.Buffer{}
	}
	return data, err
}
