package hostspec_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/centrifugal/centrifuge"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	. "github.com/onsi/ginkgo/v2"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// unwatchedStreamLinger is how long a channel's stream runs on after its
// last viewer left. Grafana's stream manager looks for subscribers every
// 5 s and stops a stream after three empty looks (about 15 s), so that a
// viewer who reloads a dashboard keeps it. The stand-in waits much less, so
// that the contract's stop spec does not idle, but long enough that a
// viewer who joins during the wait keeps the stream too.
const unwatchedStreamLinger = time.Second

// grafanaLiveUserID is the Centrifuge user of every connection: Grafana's
// id of the admin user.
const grafanaLiveUserID = "1"

// grafanaLive plays Grafana Live for the stand-in's ds channels: a
// Centrifuge node that admits a subscription to 1/ds/<uid>/<path> when the
// plugin's SubscribeStream does, with its initial data, and runs one
// RunStream per channel whose packets it publishes unchanged, until no one
// has watched the channel for unwatchedStreamLinger.
type grafanaLive struct {
	node *centrifuge.Node
	host *pluginhost.Host
	ds   pluginhost.Instance
	// streams counts the goroutines that read RunStream calls.
	streams sync.WaitGroup

	mu       sync.Mutex
	channels map[string]*liveChannel // by Centrifuge channel
	closed   bool
}

// liveChannel is one channel that is being joined or streamed.
type liveChannel struct {
	path string // the plugin's path: what follows ds/<uid>/
	// gate orders admissions and publications: an admission holds it
	// shared from asking SubscribeStream until Centrifuge has added the
	// subscriber, a publication holds it alone. Centrifuge delivers to a
	// subscriber only what is published after it added it, so without the
	// gate a packet sent between SubscribeStream's initial data and that
	// moment would be lost to the new viewer: a gap the contract's stream
	// specs would see.
	gate sync.RWMutex

	// Guarded by grafanaLive.mu.
	admitting int                // admissions in flight
	stop      context.CancelFunc // ends the running stream; nil when none runs
	idle      *time.Timer        // runs stopIfUnwatched, once armed
}

// startGrafanaLive starts the Centrifuge node of a stand-in for ds.
func startGrafanaLive(host *pluginhost.Host, ds pluginhost.Instance) (*grafanaLive, error) {
	node, err := centrifuge.New(centrifuge.Config{
		LogLevel: centrifuge.LogLevelWarn,
		LogHandler: func(e centrifuge.LogEntry) {
			GinkgoWriter.Printf("Grafana stand-in: centrifuge: %s %v\n", e.Message, e.Fields)
		},
	})
	if err != nil {
		return nil, err
	}
	l := &grafanaLive{node: node, host: host, ds: ds, channels: map[string]*liveChannel{}}
	node.OnConnecting(func(context.Context, centrifuge.ConnectEvent) (centrifuge.ConnectReply, error) {
		// The HTTP middleware checked the credentials on the upgrade, as
		// Grafana does; there is no Centrifuge token.
		return centrifuge.ConnectReply{Credentials: &centrifuge.Credentials{UserID: grafanaLiveUserID}}, nil
	})
	node.OnConnect(func(client *centrifuge.Client) {
		client.OnSubscribe(func(e centrifuge.SubscribeEvent, reply centrifuge.SubscribeCallback) {
			l.subscribe(client.Context(), e.Channel, reply)
		})
		// Centrifuge calls this for every channel of a closed connection
		// too.
		client.OnUnsubscribe(func(e centrifuge.UnsubscribeEvent) { l.left(e.Channel) })
	})
	if err := node.Run(); err != nil {
		return nil, err
	}
	return l, nil
}

// handler is Grafana Live's WebSocket endpoint, /api/live/ws.
func (l *grafanaLive) handler() http.Handler {
	return centrifuge.NewWebsocketHandler(l.node, centrifuge.WebsocketConfig{})
}

// shutdown stops every stream, waits for their readers, and shuts the node
// down, which disconnects the clients left.
func (l *grafanaLive) shutdown(ctx context.Context) error {
	l.mu.Lock()
	l.closed = true
	for _, c := range l.channels {
		if c.idle != nil {
			c.idle.Stop()
		}
		if c.stop != nil {
			c.stop()
		}
	}
	clear(l.channels)
	l.mu.Unlock()
	l.streams.Wait()
	return l.node.Shutdown(ctx)
}

// subscribe answers a client's subscribe to channel as Grafana does for a
// data source's channel: the plugin's SubscribeStream decides, a refusal
// becomes a Centrifuge error with an HTTP-like code, and an admission
// carries the plugin's initial data and makes sure the channel's stream
// runs.
func (l *grafanaLive) subscribe(ctx context.Context, channel string, reply centrifuge.SubscribeCallback) {
	path, refused := l.dsPath(channel)
	if refused != nil {
		reply(centrifuge.SubscribeReply{}, refused)
		return
	}
	c := l.enter(channel, path)
	defer l.leave(channel, c)
	c.gate.RLock()
	defer c.gate.RUnlock()

	ctx, cancel := context.WithTimeout(ctx, callTimeout)
	defer cancel()
	resp, err := l.host.Stream.SubscribeStream(ctx, l.ds.SubscribeStreamRequest(path))
	if err != nil {
		GinkgoWriter.Printf("Grafana stand-in: SubscribeStream %s: %v\n", path, err)
		reply(centrifuge.SubscribeReply{}, centrifuge.ErrorInternal)
		return
	}
	switch resp.GetStatus() {
	case pluginv2.SubscribeStreamResponse_OK:
	case pluginv2.SubscribeStreamResponse_NOT_FOUND:
		reply(centrifuge.SubscribeReply{}, &centrifuge.Error{Code: http.StatusNotFound, Message: "Not Found"})
		return
	case pluginv2.SubscribeStreamResponse_PERMISSION_DENIED:
		reply(centrifuge.SubscribeReply{}, &centrifuge.Error{Code: http.StatusForbidden, Message: "Forbidden"})
		return
	default:
		reply(centrifuge.SubscribeReply{}, centrifuge.ErrorInternal)
		return
	}
	l.startStream(channel, c)
	// The callback adds the subscriber and writes the reply before it
	// returns; publications wait on the gate until then.
	reply(centrifuge.SubscribeReply{Options: centrifuge.SubscribeOptions{Data: resp.GetData(), EmitPresence: true}}, nil)
}

// dsPath is the plugin's path of channel when channel is one of the
// stand-in's data source in org 1 (1/ds/<uid>/<path>), or else the error
// Grafana Live refuses it with.
func (l *grafanaLive) dsPath(channel string) (string, error) {
	org, rest, _ := strings.Cut(channel, "/")
	if org != "1" {
		// Another org than the user's.
		return "", centrifuge.ErrorPermissionDenied
	}
	path, ok := strings.CutPrefix(rest, l.ds.ChannelPrefix())
	if !ok || path == "" {
		return "", &centrifuge.Error{Code: http.StatusBadRequest, Message: "invalid channel"}
	}
	return path, nil
}

// enter counts an admission to channel in, so that its stream is not
// stopped under it.
func (l *grafanaLive) enter(channel, path string) *liveChannel {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.channels[channel]
	if c == nil {
		c = &liveChannel{path: path}
		l.channels[channel] = c
	}
	c.admitting++
	return c
}

// leave counts an admission to channel out, admitted or not, and looks
// again later whether anyone watches it.
func (l *grafanaLive) leave(channel string, c *liveChannel) {
	l.mu.Lock()
	defer l.mu.Unlock()
	c.admitting--
	l.checkLaterLocked(channel, c)
}

// left is a viewer leaving channel, by unsubscribing or disconnecting.
func (l *grafanaLive) left(channel string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.channels[channel]; c != nil {
		l.checkLaterLocked(channel, c)
	}
}

// checkLaterLocked arms (or re-arms) c's check for viewers, to run after
// unwatchedStreamLinger.
func (l *grafanaLive) checkLaterLocked(channel string, c *liveChannel) {
	if l.closed {
		return
	}
	if c.idle == nil {
		c.idle = time.AfterFunc(unwatchedStreamLinger, func() { l.stopIfUnwatched(channel, c) })
		return
	}
	c.idle.Reset(unwatchedStreamLinger)
}

// stopIfUnwatched forgets channel and stops its stream when no one watches
// it or is being admitted to it. Admissions count themselves in under l.mu
// and are subscribers by the time they count out, so one that comes during
// the linger keeps the stream.
func (l *grafanaLive) stopIfUnwatched(channel string, c *liveChannel) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.channels[channel] != c || c.admitting > 0 || l.node.Hub().NumSubscribers(channel) > 0 {
		return
	}
	delete(l.channels, channel)
	if c.stop != nil {
		// Under the gate (free: no admission is in flight), so that
		// nothing of this stream is published once it is stopped: the
		// next viewer gets a new stream only.
		c.gate.Lock()
		c.stop()
		c.stop = nil
		c.gate.Unlock()
	}
}

// startStream starts channel's RunStream unless it runs already.
func (l *grafanaLive) startStream(channel string, c *liveChannel) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c.stop != nil || l.closed {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	c.stop = cancel
	l.streams.Add(1)
	go l.stream(ctx, channel, c)
}

// stream publishes every packet of the plugin's RunStream for channel, as
// the plugin sent it, until ctx ends. A stream that ends otherwise
// unsubscribes its viewers, who then see why; Grafana would restart it, but
// the contract's specs should fail on it.
func (l *grafanaLive) stream(ctx context.Context, channel string, c *liveChannel) {
	defer l.streams.Done()
	s, err := l.host.RunStream(ctx, l.ds.RunStreamRequest(c.path))
	for err == nil {
		var packet []byte
		if packet, err = s.Recv(); err == nil {
			err = l.publish(ctx, channel, c, packet)
		}
	}
	l.mu.Lock()
	failed := ctx.Err() == nil
	if failed {
		c.stop()
		c.stop = nil
	}
	l.mu.Unlock()
	if failed {
		GinkgoWriter.Printf("Grafana stand-in: the stream of %s ended: %v\n", channel, err)
		_ = l.node.Unsubscribe(grafanaLiveUserID, channel, centrifuge.WithCustomUnsubscribe(centrifuge.Unsubscribe{
			Code: centrifuge.UnsubscribeCodeServer, Reason: "the plugin's stream ended",
		}))
	}
}

// publish publishes one packet to channel's subscribers, unless the stream
// was stopped.
func (l *grafanaLive) publish(ctx context.Context, channel string, c *liveChannel, packet []byte) error {
	c.gate.Lock()
	defer c.gate.Unlock()
	if err := ctx.Err(); err != nil {
		return err
	}
	_, err := l.node.Publish(channel, packet)
	return err
}
