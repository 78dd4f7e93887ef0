package grafanadriver

import (
	"errors"
	"fmt"

	"github.com/centrifugal/centrifuge-go"
)

// The handlers of the Centrifuge client's events. They run on the client's
// callback goroutine, one at a time: they record what happened under s.mu
// and wake join or Next, and never call the client.

// Codes of centrifuge-go and Centrifuge the event handlers tell apart
// (centrifuge-go's codes.go, centrifuge's errors.go); neither exports them.
const (
	// connectCalled is the ConnectingEvent code of our own Connect.
	connectCalled = 0
	// transportClosed is the SubscribingEvent code of a lost connection;
	// the client's own event that follows says why it was lost.
	transportClosed = 1
	// centrifugePermissionDenied is Centrifuge's "permission denied", which
	// Grafana answers for a channel of another org.
	centrifugePermissionDenied = 103
)

// endLocked records why an admitted subscription ended (the first reason
// only) and shuts it down in the background: the handler that calls it
// runs on the client's callback goroutine, which the client's Close waits
// for.
func (s *subscription) endLocked(err error) {
	if !s.stopping && s.frames.End(err) {
		go s.shutdown()
	}
	s.signal()
}

// failLocked records why joining failed (the first reason only).
func (s *subscription) failLocked(err error) {
	if s.failed == nil {
		s.failed = err
	}
	s.signal()
}

func (s *subscription) onClientError(e centrifuge.ErrorEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.admitted || s.stopping || s.lifetime.Err() != nil {
		// After the admission a lost connection is told by onConnecting
		// or onDisconnected, with the code and reason; after kill, errors
		// are those of our own abort, and would hide the failure that
		// mattered.
		return
	}
	s.lastErr = e.Error
	s.badHandshake = s.badHandshake || isBadHandshake(e.Error)
	s.signal()
}

func (s *subscription) onConnecting(e centrifuge.ConnectingEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e.Code == connectCalled || s.stopping || s.lifetime.Err() != nil {
		return
	}
	lost := fmt.Errorf("the connection to Grafana Live was lost (code %d: %s)", e.Code, e.Reason)
	if s.admitted {
		// centrifuge-go would reconnect and resubscribe, which Grafana
		// answers as a new viewer with new initial data: the stream this
		// Subscription stands for is over.
		s.endLocked(lost)
		return
	}
	s.lastErr = lost
	s.signal()
}

func (s *subscription) onDisconnected(e centrifuge.DisconnectedEvent) {
	s.lost(fmt.Errorf("Grafana Live disconnected (code %d: %s)", e.Code, e.Reason))
}

func (s *subscription) onSubscribing(e centrifuge.SubscribingEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.admitted || s.stopping || e.Code == transportClosed {
		return
	}
	s.endLocked(fmt.Errorf("Grafana Live asked to subscribe again (code %d: %s), which would be a new admission; the driver does not resubscribe", e.Code, e.Reason))
}

func (s *subscription) onSubscribed(e centrifuge.SubscribedEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.admitted {
		return
	}
	s.admitted = true
	s.admission = e.Data
	s.signal()
}

func (s *subscription) onSubscribeError(e centrifuge.SubscriptionErrorEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.admitted || s.stopping {
		return
	}
	var refused *centrifuge.Error
	if errors.As(e.Error, &refused) && !refused.Temporary {
		// centrifuge-go gives up on this subscription: so do we.
		s.failLocked(s.refusal(refused))
		return
	}
	s.lastErr = e.Error
	s.signal()
}

func (s *subscription) onUnsubscribed(e centrifuge.UnsubscribedEvent) {
	s.lost(fmt.Errorf("Grafana Live unsubscribed it (code %d: %s)", e.Code, e.Reason))
}

func (s *subscription) onPublication(e centrifuge.PublicationEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.stopping && !s.frames.Push(e.Data) {
		// Past MaxQueued the queue ended itself, saying so; stop reading.
		// (After an earlier end, shutdown is under way already: a no-op.)
		go s.shutdown()
	}
}

// lost ends an admitted subscription with err, or fails one still
// joining, unless it is shutting down anyway.
func (s *subscription) lost(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return
	}
	if s.admitted {
		s.endLocked(err)
		return
	}
	s.failLocked(err)
}
