package grafanadriver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/centrifugal/centrifuge-go"
	"github.com/grafana/grafana-plugin-sdk-go/backend"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
)

// Subscribe joins channel (ds/<uid>/<path>) as one more viewer: it opens a
// WebSocket to Grafana Live, as a browser tab does, and subscribes to
// <orgId>/<channel>, the Centrifuge channel Grafana keeps per org.
//
// It returns once Grafana admitted the subscription, refused it (a
// *contract.RefusedError for the plugin's NotFound or PermissionDenied), or
// ctx ended. centrifuge-go retries failed dials and subscribes for ever, so
// an error from an ended ctx names the last failure seen, and a refused
// WebSocket upgrade (a 4xx such as a wrong password's 401) fails at once.
func (d *Driver) Subscribe(ctx context.Context, channel string) (contract.Subscription, error) {
	org, err := d.orgID(ctx)
	if err != nil {
		return nil, fmt.Errorf("subscribing to %s: %w", channel, err)
	}
	s, err := d.newSubscription(channel, strconv.FormatInt(org, 10)+"/"+channel)
	if err != nil {
		return nil, err
	}
	if err := s.join(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// newSubscription is a subscription to live with its own Centrifuge
// client, not connected yet.
func (d *Driver) newSubscription(channel, live string) (*subscription, error) {
	lifetime, kill := context.WithCancel(context.Background())
	s := &subscription{
		channel:  channel,
		live:     live,
		driver:   d,
		frames:   contract.NewFrameQueue(channel, d.maxQueued),
		lifetime: lifetime,
		kill:     kill,
		wake:     make(chan struct{}, 1),
	}
	header := http.Header{}
	if d.auth != "" {
		// Grafana authenticates Live by the upgrade request, as it does any
		// other request; there is no Centrifuge token.
		header.Set("Authorization", d.auth)
	}
	s.client = centrifuge.NewJsonClient(d.live, centrifuge.Config{
		Header:           header,
		HandshakeTimeout: d.dialTimeout,
		ReadTimeout:      d.readTimeout,
		NetDialContext:   s.dial,
	})
	sub, err := s.client.NewSubscription(live)
	if err != nil {
		s.client.Close()
		kill()
		return nil, fmt.Errorf("subscribing to %s: %w", channel, err)
	}
	s.sub = sub
	s.client.OnError(s.onClientError)
	s.client.OnConnecting(s.onConnecting)
	s.client.OnDisconnected(s.onDisconnected)
	sub.OnSubscribing(s.onSubscribing)
	sub.OnSubscribed(s.onSubscribed)
	sub.OnError(s.onSubscribeError)
	sub.OnUnsubscribed(s.onUnsubscribed)
	sub.OnPublication(s.onPublication)
	return s, nil
}

// join connects and subscribes, and waits for the outcome.
func (s *subscription) join(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return s.joinError(err)
	}
	// An ended ctx aborts the dial or handshake in flight: centrifuge-go's
	// Connect dials synchronously and takes no context.
	stop := context.AfterFunc(ctx, s.kill)
	defer stop()
	if err := s.sub.Subscribe(); err != nil {
		return s.joinError(err)
	}
	// A failed first dial is also reported to onClientError, and
	// centrifuge-go dials again after a backoff: nothing to do with it here.
	_ = s.client.Connect()
	var probed error
	for {
		s.mu.Lock()
		admitted, failed, probe, last := s.admitted, s.failed, s.badHandshake, s.lastErr
		s.badHandshake = false
		s.mu.Unlock()
		switch {
		case failed != nil:
			return s.joinError(failed)
		case admitted:
			if !stop() {
				// ctx ended as the admission came, and took the
				// connection down with it.
				return s.joinError(ctx.Err())
			}
			return s.admit()
		case probe:
			err := s.driver.probeUpgrade(ctx)
			if isFinal(err) {
				// No retry will change a 401, 403 or 404 to an upgrade.
				return s.joinError(fmt.Errorf("Grafana refused the WebSocket upgrade: %w", err))
			}
			if ctx.Err() == nil {
				// A probe cut short by the deadline says nothing.
				probed = err
			}
		}
		select {
		case <-ctx.Done():
			msg := "no answer from Grafana Live"
			if last != nil {
				msg = "last error: " + last.Error()
			}
			if probed != nil {
				msg += "; asked again, " + probed.Error()
			}
			return s.joinError(fmt.Errorf("%w (%s)", ctx.Err(), msg))
		case <-s.wake:
		}
	}
}

// isFinal says whether err is an answer that asking again will not change:
// a client error, but for a timeout or too many requests.
func isFinal(err error) bool {
	var refused *APIError
	if !errors.As(err, &refused) {
		return false
	}
	switch refused.Status {
	case http.StatusRequestTimeout, http.StatusTooManyRequests:
		return false
	}
	return refused.Status >= 400 && refused.Status < 500
}

// admit reads the data the admission carried: the schema and newest rows
// the plugin sent as its initial data. It goes through the subscription's
// decoder so that the data-only frames that follow are read under its
// schema.
func (s *subscription) admit() error {
	s.mu.Lock()
	data := s.admission
	s.mu.Unlock()
	if len(bytes.TrimSpace(data)) == 0 || bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	p, _, err := s.frames.Admit(data)
	if err != nil {
		return s.joinError(fmt.Errorf("reading the data the admission carried (%s): %w", snippet(data), err))
	}
	s.initial, s.hasInitial = p, true
	return nil
}

// joinError is err as Subscribe returns it: a refusal as it is, anything
// else naming the channel.
func (s *subscription) joinError(err error) error {
	var refused *contract.RefusedError
	if errors.As(err, &refused) {
		return refused
	}
	return fmt.Errorf("subscribing to %s (Live channel %s): %w", s.channel, s.live, err)
}

// refusal is the error for a subscribe error Grafana Live will not retry.
// Grafana passes the plugin's refusals on with HTTP-like codes; Centrifuge
// itself refuses a channel of another org with 103.
func (s *subscription) refusal(e *centrifuge.Error) error {
	status := backend.SubscribeStreamStatusOK
	switch e.Code {
	case http.StatusNotFound:
		status = backend.SubscribeStreamStatusNotFound
	case http.StatusForbidden, centrifugePermissionDenied:
		status = backend.SubscribeStreamStatusPermissionDenied
	}
	if status == backend.SubscribeStreamStatusOK {
		return fmt.Errorf("Grafana Live refused the subscription with %d: %s", e.Code, e.Message)
	}
	return &contract.RefusedError{Channel: s.channel, Status: status, Detail: e.Error()}
}

// dial opens the TCP connection for the WebSocket, and ties it to the
// subscription's lifetime: ending the subscription aborts a dial in flight
// and unblocks a handshake stuck on a silent server.
func (s *subscription) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(s.lifetime, cancel)
	defer stop()
	var d net.Dialer
	conn, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	context.AfterFunc(s.lifetime, func() { _ = conn.SetDeadline(time.Unix(1, 0)) })
	return conn, nil
}
