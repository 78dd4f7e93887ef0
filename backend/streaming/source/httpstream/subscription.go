package httpstream

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source/feed"
	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/neterr"
	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/retry"
	"github.com/pulse-datasource/pulse/backend/streaming/source/web"
)

// subscription is one Subscribe call: its goroutine opens the stream,
// reads it, and opens it again when it ends, until cancelled.
type subscription struct {
	c       *Client
	u       *url.URL
	where   string // u for messages, without its query string
	series  string // the query's path
	format  Format
	event   string // the SSE event type to keep; "" keeps every one
	handler func(feed.Message)

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	up     atomic.Bool // a response is being read

	// The goroutine's own.
	lastID   string        // the SSE stream's last event ID, sent as Last-Event-ID
	retry    time.Duration // the SSE stream's retry, 0 when it set none
	plain    int           // plain responses in a row (attempt.complete)
	failures int           // failed attempts in a row
	opened   int           // streams opened
	logged   string        // the failure logged last
	loggedAt time.Time
	// Parts skipped for their length, logged at most once per LogEvery.
	skipLoggedAt time.Time
	unlogged     int
}

// attempt is the outcome of one request.
type attempt struct {
	err      error // why it ended: a failure, or the stream's end
	opened   bool  // a 2xx response in a known format was read
	received bool  // the stream sent at least one event or line
	refused  bool  // HTTP 401 or 403
	// complete is true for a response the server ended cleanly within
	// shortResponse of opening it: a plain response rather than a stream.
	complete bool
}

// shortResponse is how long a response must last, when the server ends it
// cleanly and set no retry, for its end to count as a stream's end rather
// than a plain response's: requests for a path that answers with a plain
// response wait DefaultRetryDelay, and longer each time in a row, instead
// of polling it several times a second.
const shortResponse = 5 * time.Second

func newSubscription(c *Client, u *url.URL, sub feed.Subscription, handler func(feed.Message)) *subscription {
	ctx, cancel := context.WithCancel(context.Background())
	return &subscription{
		c: c, u: u, where: web.Where(u), series: sub.Target, format: formatOf(sub.Params), event: sub.Params["event"],
		handler: handler, ctx: ctx, cancel: cancel, done: make(chan struct{}),
	}
}

// run streams until the subscription is cancelled.
func (s *subscription) run() {
	defer s.c.wg.Done()
	defer close(s.done)
	for {
		a := s.attempt()
		if s.ctx.Err() != nil {
			return
		}
		wait := s.wait(a)
		s.report(a, wait)
		if !retry.Sleep(s.ctx, wait) {
			return
		}
	}
}

// wait is how long to wait after a, and counts a failure.
func (s *subscription) wait(a attempt) time.Duration {
	o := s.c.o
	switch {
	case a.refused:
		s.failures++
		return max(o.AuthBackoff, retry.Backoff(o.MinBackoff, o.MaxBackoff, s.failures, rand.Float64()))
	case a.opened && a.received:
		// A stream that worked and ended: the server's retry when it set
		// one (it may be about to resume where it left); for a plain
		// response, DefaultRetryDelay and longer each time in a row;
		// otherwise the first backoff.
		s.failures = 0
		s.logged = "" // a failure after a working stream is news
		if s.retry > 0 {
			s.plain = 0
			return RetryDelay(s.retry)
		}
		if a.complete {
			s.plain++
			return max(DefaultRetryDelay, retry.Backoff(o.MinBackoff, o.MaxBackoff, s.plain, rand.Float64()))
		}
		s.plain = 0
		return retry.Backoff(o.MinBackoff, o.MaxBackoff, 1, rand.Float64())
	default:
		// A failure, or a stream that ended before it sent anything: the
		// server's retry does not make Pulse hammer it.
		s.failures++
		d := retry.Backoff(o.MinBackoff, o.MaxBackoff, s.failures, rand.Float64())
		if s.retry > 0 {
			d = max(d, RetryDelay(s.retry))
		}
		return d
	}
}

// report logs why a stream ended, in plain words, at most once per
// Options.LogEvery for the same reason.
func (s *subscription) report(a attempt, wait time.Duration) {
	msg := a.err.Error()
	now := time.Now()
	if msg == s.logged && now.Sub(s.loggedAt) < s.c.o.LogEvery {
		return
	}
	s.logged, s.loggedAt = msg, now
	if a.opened && a.received {
		s.c.o.Logger.Debug("HTTP stream ended; reconnecting", "path", streaming.Excerpt(s.series), "reason", msg, "wait", wait.String())
		return
	}
	s.c.o.Logger.Warn("HTTP stream failed; retrying", "path", streaming.Excerpt(s.series), "error", msg, "wait", wait.Round(time.Millisecond).String(), "failuresInARow", s.failures)
}

// attempt makes one request and reads its stream to its end.
func (s *subscription) attempt() attempt {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.u.String(), nil)
	if err != nil { // cannot happen: Resolve made the URL
		return attempt{err: fmt.Errorf("cannot make a request for %s: %w", s.where, err)}
	}
	req.Header = s.c.header.Clone()
	req.Header.Set("Accept", s.format.accept())
	req.Header.Set("Cache-Control", "no-cache")
	if s.lastID != "" {
		req.Header.Set("Last-Event-ID", s.lastID)
	}
	rsp, err := s.c.http.Do(req)
	if err != nil {
		return attempt{err: describe(err, s.where)}
	}
	defer rsp.Body.Close()
	if rsp.StatusCode < 200 || rsp.StatusCode > 299 {
		e := &StatusError{Status: rsp.StatusCode, Where: web.Where(rsp.Request.URL)}
		return attempt{err: e, refused: e.Refused()}
	}
	format := s.format
	if format == FormatAuto {
		if format, err = pick(rsp.Header.Get("Content-Type")); err != nil {
			return attempt{err: fmt.Errorf("%s: %w", s.where, err)}
		}
	}
	s.opened++
	if s.opened > 1 {
		s.c.reconnects.Add(1)
	}
	if s.failures > 0 {
		s.c.o.Logger.Info("HTTP stream open again", "path", streaming.Excerpt(s.series), "afterFailures", s.failures)
	}
	s.up.Store(true)
	defer s.up.Store(false)
	a := attempt{opened: true}
	opened := time.Now()
	body := io.Reader(rsp.Body)
	var idle *idleWatch
	if d := s.c.o.IdleTimeout; d > 0 {
		idle = watchIdle(rsp.Body, d, cancel)
		body = idle
	}
	if format == FormatSSE {
		a.received, err = s.readSSE(body)
	} else {
		a.received, err = s.readNDJSON(body)
	}
	a.complete = errors.Is(err, io.EOF) && time.Since(opened) < shortResponse
	a.err = s.ended(err)
	if idle != nil && idle.close() && s.ctx.Err() == nil {
		a.err = fmt.Errorf("the stream at %s sent nothing for %s (the data source's idleTimeoutSeconds); opening it again", s.where, s.c.o.IdleTimeout)
	}
	return a
}

// ended says in plain words why a stream being read ended with err.
func (s *subscription) ended(err error) error {
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("the server ended the stream at %s", s.where)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("the server at %s dropped the connection mid-stream", s.where)
	case neterr.IsTimeout(err):
		return fmt.Errorf("the stream at %s timed out", s.where)
	}
	return fmt.Errorf("the stream at %s broke: %w", s.where, err)
}

// readSSE delivers a body's Server-Sent Events until it ends; received
// says whether it had any.
func (s *subscription) readSSE(body io.Reader) (received bool, err error) {
	r := NewSSEReader(body, SSEOptions{MaxLineBytes: s.c.o.MaxLineBytes, MaxEventBytes: s.c.o.MaxEventBytes})
	defer func() {
		s.lastID = r.LastEventID()
		if d := r.Retry(); d > 0 {
			s.retry = d
		}
	}()
	for {
		ev, err := r.Next()
		if err != nil && !errors.Is(err, ErrTooLong) {
			return received, err
		}
		received = true
		s.lastID = r.LastEventID()
		if err != nil {
			s.skipped(err)
			continue
		}
		if s.event != "" && ev.Type != s.event {
			continue
		}
		s.handler(feed.Message{Series: s.series, Payload: ev.Data, Arrival: time.Now()})
	}
}

// readNDJSON delivers a body's lines until it ends; received says whether
// it had any.
func (s *subscription) readNDJSON(body io.Reader) (received bool, err error) {
	r := NewNDJSONReader(body, NDJSONOptions{MaxLineBytes: s.c.o.MaxLineBytes})
	for {
		line, err := r.Next()
		if err != nil && !errors.Is(err, ErrTooLong) {
			return received, err
		}
		received = true
		if err != nil {
			s.skipped(err)
			continue
		}
		s.handler(feed.Message{Series: s.series, Payload: bytes.Clone(line), Arrival: time.Now()})
	}
}

// skipped counts and logs a part of the stream longer than its bound.
func (s *subscription) skipped(err error) {
	s.c.dropped.Add(1)
	s.unlogged++
	now := time.Now()
	if !s.skipLoggedAt.IsZero() && now.Sub(s.skipLoggedAt) < s.c.o.LogEvery {
		return
	}
	s.c.o.Logger.Warn("Skipped a part of an HTTP stream longer than its bound", "path", streaming.Excerpt(s.series), "error", err.Error(), "skippedSinceLastLine", s.unlogged)
	s.skipLoggedAt, s.unlogged = now, 0
}
