package plugindriver

import (
	"context"
	"fmt"
	"sync"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// subscription is one viewer of a channel. Its queue is unbounded: it is a
// test driver, and a spec that stops reading should see every frame later,
// not lose some.
type subscription struct {
	channel *channel
	leave   func(*subscription)
	frames  *contract.FrameQueue

	initial    pluginhost.Packet
	hasInitial bool

	closeOnce sync.Once
}

var _ contract.Subscription = (*subscription)(nil)

func newSubscription(name string, c *channel, leave func(*subscription)) *subscription {
	return &subscription{channel: c, leave: leave, frames: contract.NewFrameQueue(name, 0)}
}

// admit decodes the data the admission carried, if any.
func (s *subscription) admit(initial []byte) error {
	p, ok, err := s.frames.Admit(initial)
	if err != nil {
		return fmt.Errorf("the initial data: %w", err)
	}
	s.initial, s.hasInitial = p, ok
	return nil
}

// push queues a packet.
func (s *subscription) push(raw []byte) { s.frames.Push(raw) }

// end ends the subscription with err once the queue is read.
func (s *subscription) end(err error) { s.frames.End(err) }

// Initial is the data the admission carried.
func (s *subscription) Initial() (pluginhost.Packet, bool) { return s.initial, s.hasInitial }

// Next decodes the next queued packet, waiting for one.
func (s *subscription) Next(ctx context.Context) (pluginhost.Packet, error) {
	return s.frames.Next(ctx)
}

// Close leaves the channel; the last viewer to leave stops its stream.
func (s *subscription) Close() {
	s.closeOnce.Do(func() {
		s.frames.Close()
		s.leave(s)
	})
}
