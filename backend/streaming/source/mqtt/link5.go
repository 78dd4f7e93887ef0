package mqtt

import (
	"context"
	"errors"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/eclipse/paho.golang/autopaho"
	"github.com/eclipse/paho.golang/paho"
)

// link5 speaks MQTT 5 with paho.golang's autopaho, which runs the
// reconnect loop with the backoff given it. Every connection starts clean
// (Clean Start on, no session expiry), and the Client restores the
// subscriptions. Each subscription carries its own subscription
// identifier, where the broker supports them, so that a message matching
// two overlapping filters reaches each filter's subscribers once.
type link5 struct {
	ev events
	b  *backoff
	cm *autopaho.ConnectionManager

	mu     sync.Mutex
	dialed *conn // the connection of the attempt under way, or of the one up
	subIDs bool  // whether the connection up takes subscription identifiers
}

func startLink5(s Settings, o Options, t *transport, ev events) (*link5, error) {
	l := &link5{ev: ev, b: newBackoff(o)}
	cfg := autopaho.ClientConfig{
		ServerUrls:                    []*url.URL{t.url},
		KeepAlive:                     o.keepAliveSeconds(),
		CleanStartOnInitialConnection: true,
		ReconnectBackoff:              func(int) time.Duration { return l.b.next() },
		ConnectTimeout:                o.ConnectTimeout,
		AttemptConnection: func(ctx context.Context, _ autopaho.ClientConfig, _ *url.URL) (net.Conn, error) {
			// ctx is the connection manager's own: it ends with close.
			c, err := t.dial(ctx, ctx)
			if err != nil {
				return nil, err
			}
			l.mu.Lock()
			l.dialed = c
			l.mu.Unlock()
			return c, nil
		},
		ConnectPacketBuilder: func(cp *paho.Connect, _ *url.URL) (*paho.Connect, error) {
			// autopaho starts clean only the first time; every time here.
			cp.CleanStart = true
			return cp, nil
		},
		OnConnectionUp: func(_ *autopaho.ConnectionManager, ca *paho.Connack) {
			l.mu.Lock()
			if l.dialed != nil {
				l.dialed.established()
			}
			l.subIDs = ca == nil || ca.Properties == nil || ca.Properties.SubIDAvailable
			l.mu.Unlock()
			l.b.up(time.Now())
			ev.connected()
		},
		OnConnectionDown: func() bool {
			l.b.down(time.Now())
			ev.lost(errors.New("connection lost"))
			return true
		},
		OnConnectError: func(err error) {
			var ce *autopaho.ConnackError
			if errors.As(err, &ce) {
				err = &connackError{v5: true, code: ce.ReasonCode}
			}
			l.b.failed()
			ev.attemptFailed(err)
		},
		Debug:      pahoLog{o.Logger},
		Errors:     pahoLog{o.Logger},
		PahoErrors: pahoLog{o.Logger},
		ClientConfig: paho.ClientConfig{
			ClientID:          s.ClientID,
			PacketTimeout:     o.RequestTimeout,
			OnPublishReceived: []func(paho.PublishReceived) (bool, error){l.received},
		},
	}
	if s.Username != "" {
		cfg.ConnectUsername = s.Username
		cfg.ConnectPassword = []byte(s.Password)
	}
	cm, err := autopaho.NewConnection(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	l.cm = cm
	return l, nil
}

// received hands a PUBLISH to the events, on paho's routing goroutine.
func (l *link5) received(pr paho.PublishReceived) (bool, error) {
	p := pr.Packet
	subID := 0
	if p.Properties != nil && p.Properties.SubscriptionIdentifier != nil {
		subID = *p.Properties.SubscriptionIdentifier
	}
	l.ev.message(Message{Topic: p.Topic, Payload: p.Payload, Arrival: time.Now(), Retained: p.Retain, QoS: p.QoS}, subID)
	return true, nil
}

func (l *link5) subscribe(ctx context.Context, filter string, id int) error {
	sub := &paho.Subscribe{Subscriptions: []paho.SubscribeOptions{{Topic: filter, QoS: 1}}}
	l.mu.Lock()
	if l.subIDs && id > 0 {
		sub.Properties = &paho.SubscribeProperties{SubscriptionIdentifier: &id}
	}
	l.mu.Unlock()
	sa, err := l.cm.Subscribe(ctx, sub)
	if sa != nil && len(sa.Reasons) == 1 && sa.Reasons[0] >= 0x80 {
		return &subackError{code: sa.Reasons[0]}
	}
	if errors.Is(err, paho.ErrInvalidArguments) {
		// The broker's CONNACK said it takes no such filter (wildcards,
		// say): paho refuses before asking.
		return &subackError{note: err.Error()}
	}
	if errors.Is(err, autopaho.ConnectionDownError) {
		return errNotConnected
	}
	return err
}

func (l *link5) unsubscribe(ctx context.Context, filter string) error {
	_, err := l.cm.Unsubscribe(ctx, &paho.Unsubscribe{Topics: []string{filter}})
	if errors.Is(err, autopaho.ConnectionDownError) {
		return errNotConnected
	}
	return err
}

func (l *link5) close() {
	// Disconnect sends DISCONNECT when a connection is up and returns when
	// the connection manager's goroutines have ended.
	_ = l.cm.Disconnect(context.Background())
}
