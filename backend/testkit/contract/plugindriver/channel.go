package plugindriver

import (
	"context"
	"fmt"
	"sync"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// channel is one channel's viewers and the RunStream call that feeds them,
// as Grafana's stream manager keeps one call per channel.
type channel struct {
	path string

	mu      sync.Mutex
	viewers map[*subscription]struct{}
	cancel  context.CancelFunc // set once the call started
	done    chan struct{}      // closed when the call's reader returned
}

func newChannel(path string) *channel {
	return &channel{path: path, viewers: make(map[*subscription]struct{})}
}

// add adds a viewer.
func (c *channel) add(sub *subscription) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.viewers[sub] = struct{}{}
}

// remove removes a viewer and says how many are left.
func (c *channel) remove(sub *subscription) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.viewers, sub)
	return len(c.viewers)
}

// list is the viewers now.
func (c *channel) list() []*subscription {
	c.mu.Lock()
	defer c.mu.Unlock()
	subs := make([]*subscription, 0, len(c.viewers))
	for sub := range c.viewers {
		subs = append(subs, sub)
	}
	return subs
}

// start starts the channel's RunStream call unless it runs already.
func (c *channel) start(host *pluginhost.Host, ds pluginhost.Instance) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	go c.run(ctx, host, ds)
}

// run reads the call and passes every packet, as sent, to every viewer.
// When the call ends other than by stop, the viewers learn how: Grafana
// would restart the stream, but a spec should see that it ended.
func (c *channel) run(ctx context.Context, host *pluginhost.Host, ds pluginhost.Instance) {
	defer close(c.done)
	stream, err := host.RunStream(ctx, ds.RunStreamRequest(c.path))
	for err == nil {
		var raw []byte
		if raw, err = stream.Recv(); err == nil {
			for _, sub := range c.list() {
				sub.push(raw)
			}
		}
	}
	if ctx.Err() != nil {
		return
	}
	ended := fmt.Errorf("the plugin's stream of %s ended: %w", c.path, err)
	for _, sub := range c.list() {
		sub.end(ended)
	}
}

// stop cancels the call, if it started, and waits until its reader
// returned.
func (c *channel) stop() {
	c.mu.Lock()
	cancel, done := c.cancel, c.done
	c.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}
