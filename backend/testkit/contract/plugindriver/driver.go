package plugindriver

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"

	"github.com/pulse-datasource/pulse/backend/testkit/contract"
	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// Driver reaches one data source of a running plugin. Close it when done:
// that ends the streams its subscriptions left running.
type Driver struct {
	host *pluginhost.Host
	ds   pluginhost.Instance

	mu       sync.Mutex
	channels map[string]*channel // by path
	closed   bool
}

var (
	_ contract.Driver          = (*Driver)(nil)
	_ contract.StreamPublisher = (*Driver)(nil)
)

// New is a driver for the data source ds of the plugin that host runs.
func New(host *pluginhost.Host, ds pluginhost.Instance) *Driver {
	return &Driver{host: host, ds: ds, channels: make(map[string]*channel)}
}

// DataSourceUID is the data source's uid.
func (d *Driver) DataSourceUID() string { return d.ds.UID }

// CheckHealth sends CheckHealth.
func (d *Driver) CheckHealth(ctx context.Context) (contract.Health, error) {
	resp, err := d.host.Diagnostics.CheckHealth(ctx, d.ds.CheckHealthRequest())
	if err != nil {
		return contract.Health{}, fmt.Errorf("CheckHealth: %w", err)
	}
	return contract.Health{Status: resp.GetStatus().String(), Message: resp.GetMessage()}, nil
}

// Query sends QueryData with the one query, as Grafana's frontend fills it.
func (d *Driver) Query(ctx context.Context, q contract.Query) (contract.QueryResult, error) {
	refID := q.RefID
	if refID == "" {
		refID = "A"
	}
	resp, err := d.host.Data.QueryData(ctx, d.ds.QueryDataRequest(pluginhost.Query{
		RefID: refID, JSON: q.Model, From: q.From, To: q.To, MaxDataPoints: q.MaxDataPoints, Interval: q.Interval,
	}))
	if err != nil {
		return contract.QueryResult{}, fmt.Errorf("QueryData: %w", err)
	}
	answer, ok := resp.GetResponses()[refID]
	if !ok {
		return contract.QueryResult{}, fmt.Errorf("QueryData answered no query %q", refID)
	}
	if answer.GetError() != "" {
		return contract.QueryResult{Error: answer.GetError()}, nil
	}
	frames, err := pluginhost.Frames(answer)
	if err != nil {
		return contract.QueryResult{}, fmt.Errorf("QueryData: query %q: %w", refID, err)
	}
	return contract.QueryResult{Frames: frames}, nil
}

// ActiveStreams reads pulse_stream_active through CollectMetrics.
func (d *Driver) ActiveStreams(ctx context.Context) (int, error) {
	resp, err := d.host.Diagnostics.CollectMetrics(ctx, &pluginv2.CollectMetricsRequest{PluginContext: d.ds.PluginContext()})
	if err != nil {
		return 0, fmt.Errorf("CollectMetrics: %w", err)
	}
	v, err := pluginhost.MetricValue(resp.GetMetrics().GetPrometheus(), "pulse_stream_active")
	return int(v), err
}

// PublishStream sends PublishStream for the channel, as Grafana does when a
// viewer publishes to it, and returns the plugin's answer.
func (d *Driver) PublishStream(ctx context.Context, name string, data []byte) (backend.PublishStreamStatus, error) {
	path, ok := strings.CutPrefix(name, d.ds.ChannelPrefix())
	if !ok {
		return 0, fmt.Errorf("publishing to %s: not a channel of data source %s (%s…)", name, d.ds.UID, d.ds.ChannelPrefix())
	}
	resp, err := d.host.Stream.PublishStream(ctx, d.ds.PublishStreamRequest(path, data))
	if err != nil {
		return 0, fmt.Errorf("publishing to %s: PublishStream: %w", name, err)
	}
	return backend.PublishStreamStatus(resp.GetStatus()), nil
}

// Subscribe asks SubscribeStream to admit a viewer and, once admitted,
// makes sure the channel's stream runs. The viewer is listening before it
// asks, so it misses no frame sent between its admission and its first read.
func (d *Driver) Subscribe(ctx context.Context, name string) (contract.Subscription, error) {
	path, ok := strings.CutPrefix(name, d.ds.ChannelPrefix())
	if !ok {
		return nil, fmt.Errorf("subscribing to %s: not a channel of data source %s (%s…)", name, d.ds.UID, d.ds.ChannelPrefix())
	}
	sub, err := d.join(path, name)
	if err != nil {
		return nil, err
	}
	resp, err := d.host.Stream.SubscribeStream(ctx, d.ds.SubscribeStreamRequest(path))
	if err != nil {
		sub.Close()
		return nil, fmt.Errorf("subscribing to %s: SubscribeStream: %w", name, err)
	}
	if status := backend.SubscribeStreamStatus(resp.GetStatus()); status != backend.SubscribeStreamStatusOK {
		sub.Close()
		return nil, &contract.RefusedError{Channel: name, Status: status}
	}
	if err := sub.admit(resp.GetData()); err != nil {
		sub.Close()
		return nil, fmt.Errorf("subscribing to %s: %w", name, err)
	}
	sub.channel.start(d.host, d.ds)
	return sub, nil
}

// join adds a listening viewer to the channel at path.
func (d *Driver) join(path, name string) (*subscription, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, errors.New("subscribing to " + name + ": the driver is closed")
	}
	c, ok := d.channels[path]
	if !ok {
		c = newChannel(path)
		d.channels[path] = c
	}
	sub := newSubscription(name, c, d.leave)
	c.add(sub)
	return sub, nil
}

// leave removes a viewer, and stops its channel's stream when it was the
// last one, waiting until the stream's call has ended.
func (d *Driver) leave(sub *subscription) {
	d.mu.Lock()
	c := sub.channel
	last := c.remove(sub) == 0
	if last {
		delete(d.channels, c.path)
	}
	d.mu.Unlock()
	if last {
		c.stop()
	}
}

// Close ends every subscription and stream the driver still has.
func (d *Driver) Close() {
	d.mu.Lock()
	d.closed = true
	var subs []*subscription
	for _, c := range d.channels {
		subs = append(subs, c.list()...)
	}
	d.mu.Unlock()
	for _, sub := range subs {
		sub.Close()
	}
}
