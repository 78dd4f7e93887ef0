package mqtt

import (
	"context"
	"net"
	"net/url"
	"sync"
	"time"

	paho3 "github.com/eclipse/paho.mqtt.golang"
	"github.com/eclipse/paho.mqtt.golang/packets"

	"github.com/pulse-datasource/pulse/backend/streaming/source/internal/retry"
)

// link311 speaks MQTT 3.1.1 with paho.mqtt.golang. It makes one paho
// client per connection, with the library's own reconnecting, retrying and
// resuming off (CleanSession on, ResumeSubs off), and runs the reconnect
// loop itself: the library starts its backoff at a fixed second and its
// Disconnect warns against reusing a client, and with the loop here both
// protocol versions follow one backoff rule. Every new connection starts
// without subscriptions, and the Client restores them.
type link311 struct {
	s  Settings
	o  Options
	t  *transport
	ev events
	b  *backoff

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	mu  sync.Mutex
	cli paho3.Client // the client whose connection is up, or nil
}

func startLink311(s Settings, o Options, t *transport, ev events) *link311 {
	l := &link311{s: s, o: o, t: t, ev: ev, b: newBackoff(o), done: make(chan struct{})}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	go l.run()
	return l
}

// run connects, waits for the connection's end, and connects again, until
// the link is closed.
func (l *link311) run() {
	defer close(l.done)
	for retry.Sleep(l.ctx, l.b.next()) {
		cli, dialed, lost, err := l.connect()
		if l.ctx.Err() != nil {
			if err == nil {
				cli.Disconnect(250)
			}
			return
		}
		if err != nil {
			l.b.failed()
			l.ev.attemptFailed(err)
			continue
		}
		dialed.established()
		l.b.up(time.Now())
		l.setClient(cli)
		l.ev.connected()
		select {
		case err := <-lost:
			l.setClient(nil)
			l.b.down(time.Now())
			l.ev.lost(err)
		case <-l.ctx.Done():
			l.setClient(nil)
			// Sends DISCONNECT, waiting at most 250 ms for it to go out,
			// then stops the client's goroutines.
			cli.Disconnect(250)
			return
		}
	}
}

// connect makes one connection attempt with a new paho client: the client,
// the connection it dialled, and a channel that receives the reason the
// connection was lost.
func (l *link311) connect() (paho3.Client, *conn, <-chan error, error) {
	lost := make(chan error, 1)
	var dialed *conn
	opts := paho3.NewClientOptions().
		AddBroker(l.t.url.String()).
		SetProtocolVersion(4).
		SetClientID(l.s.ClientID).
		SetCleanSession(true).
		SetResumeSubs(false).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetOrderMatters(true).
		SetKeepAlive(time.Duration(l.o.keepAliveSeconds()) * time.Second).
		SetPingTimeout(l.o.ConnectTimeout).
		SetConnectTimeout(l.o.ConnectTimeout).
		SetWriteTimeout(l.o.RequestTimeout).
		SetCustomOpenConnectionFn(func(*url.URL, paho3.ClientOptions) (net.Conn, error) {
			c, err := l.t.dial(l.ctx, l.ctx)
			if err != nil {
				return nil, err
			}
			dialed = c
			return c, nil
		}).
		SetDefaultPublishHandler(func(_ paho3.Client, m paho3.Message) {
			l.ev.message(Message{Topic: m.Topic(), Payload: m.Payload(), Arrival: time.Now(), Retained: m.Retained(), QoS: m.Qos()}, 0)
		}).
		SetConnectionLostHandler(func(_ paho3.Client, err error) {
			select {
			case lost <- err:
			default:
			}
		})
	if l.s.Username != "" {
		opts.SetUsername(l.s.Username)
		if l.s.Password != "" {
			opts.SetPassword(string(l.s.Password))
		}
	}
	cli := paho3.NewClient(opts)
	tok := cli.Connect()
	<-tok.Done()
	if err := tok.Error(); err != nil {
		if ct, ok := tok.(*paho3.ConnectToken); ok {
			if rc := ct.ReturnCode(); rc > packets.Accepted && rc <= packets.ErrRefusedNotAuthorised {
				return nil, nil, nil, &connackError{code: rc}
			}
		}
		return nil, nil, nil, err
	}
	return cli, dialed, lost, nil
}

func (l *link311) setClient(cli paho3.Client) {
	l.mu.Lock()
	l.cli = cli
	l.mu.Unlock()
}

func (l *link311) client() paho3.Client {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.cli
}

func (l *link311) subscribe(ctx context.Context, filter string, _ int) error {
	cli := l.client()
	if cli == nil {
		return errNotConnected
	}
	tok := cli.Subscribe(filter, 1, nil)
	if err := wait(ctx, tok); err != nil {
		return err
	}
	if st, ok := tok.(*paho3.SubscribeToken); ok {
		if code, ok := st.Result()[filter]; ok && code >= 0x80 {
			return &subackError{code: code}
		}
	}
	return nil
}

func (l *link311) unsubscribe(ctx context.Context, filter string) error {
	cli := l.client()
	if cli == nil {
		return errNotConnected
	}
	return wait(ctx, cli.Unsubscribe(filter))
}

func (l *link311) close() {
	l.cancel()
	<-l.done
}

// wait waits for tok, or for ctx's end.
func wait(ctx context.Context, tok paho3.Token) error {
	select {
	case <-tok.Done():
		return tok.Error()
	case <-ctx.Done():
		return ctx.Err()
	}
}
