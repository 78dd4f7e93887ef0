package plugindriver

import (
	"context"
	"fmt"
	"sync"

	"github.com/pulse-datasource/pulse/backend/plugin/contract"
	"github.com/pulse-datasource/pulse/backend/plugin/pluginhost"
)

// subscription is one viewer of a channel. Its queue is unbounded: it is a
// test driver, and a spec that stops reading should see every frame later,
// not lose some.
type subscription struct {
	name    string
	channel *channel
	leave   func(*subscription)

	decoder    pluginhost.FrameDecoder
	initial    pluginhost.Packet
	hasInitial bool

	mu     sync.Mutex
	queue  [][]byte
	ended  error
	notify chan struct{} // has a token when queue or ended changed

	closeOnce sync.Once
}

var _ contract.Subscription = (*subscription)(nil)

func newSubscription(name string, c *channel, leave func(*subscription)) *subscription {
	return &subscription{name: name, channel: c, leave: leave, notify: make(chan struct{}, 1)}
}

// admit decodes the data the admission carried, if any.
func (s *subscription) admit(initial []byte) error {
	if len(initial) == 0 {
		return nil
	}
	p, err := s.decoder.Decode(initial)
	if err != nil {
		return fmt.Errorf("the initial data: %w", err)
	}
	s.initial, s.hasInitial = p, true
	return nil
}

// push queues a packet.
func (s *subscription) push(raw []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended == nil {
		s.queue = append(s.queue, raw)
		s.wake()
	}
}

// end ends the subscription with err once the queue is read.
func (s *subscription) end(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended == nil {
		s.ended = err
		s.wake()
	}
}

// wake tells a waiting Next that something changed; s.mu is held.
func (s *subscription) wake() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// Initial is the data the admission carried.
func (s *subscription) Initial() (pluginhost.Packet, bool) { return s.initial, s.hasInitial }

// Next decodes the next queued packet, waiting for one.
func (s *subscription) Next(ctx context.Context) (pluginhost.Packet, error) {
	for {
		s.mu.Lock()
		if s.ended == errClosed {
			s.mu.Unlock()
			return pluginhost.Packet{}, fmt.Errorf("%s: %w", s.name, errClosed)
		}
		if len(s.queue) > 0 {
			raw := s.queue[0]
			s.queue = s.queue[1:]
			s.mu.Unlock()
			p, err := s.decoder.Decode(raw)
			if err != nil {
				return pluginhost.Packet{}, fmt.Errorf("%s: %w", s.name, err)
			}
			return p, nil
		}
		ended := s.ended
		s.mu.Unlock()
		if ended != nil {
			return pluginhost.Packet{}, fmt.Errorf("%s: %w", s.name, ended)
		}
		select {
		case <-s.notify:
		case <-ctx.Done():
			return pluginhost.Packet{}, fmt.Errorf("%s: waiting for a frame: %w", s.name, ctx.Err())
		}
	}
}

// Close leaves the channel; the last viewer to leave stops its stream.
func (s *subscription) Close() {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		s.ended, s.queue = errClosed, nil
		s.wake()
		s.mu.Unlock()
		s.leave(s)
	})
}
