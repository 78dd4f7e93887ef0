package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// Timing of the broker connection.
const (
	connectTimeout = 5 * time.Second
	// retryMax bounds the wait between two attempts to reach a broker that
	// is not up yet, and between two reconnects: the feed starts within
	// two seconds of the broker.
	retryMax   = 2 * time.Second
	retryFirst = 250 * time.Millisecond
	// retryLogEvery is how often a broker that stays out of reach is
	// logged again with the same error.
	retryLogEvery = 10 * time.Second
	// stopTimeout bounds the wait for the broker to take the offline
	// statuses when the feed stops.
	stopTimeout = 2 * time.Second
)

// feed publishes the rooms' readings through one MQTT connection.
type feed struct {
	cfg    config
	log    *log.Logger
	client mqtt.Client

	published []atomic.Uint64 // good climate messages, by room
	total     atomic.Uint64   // good climate messages in all, for the malformed cadence
	malformed atomic.Uint64
	dropped   atomic.Uint64 // readings taken while the connection was down

	// connected is closed on the first connection: the rooms take their
	// first readings then, so that a feed started before its broker begins
	// with seq 1 rather than with readings nobody could receive.
	connected     chan struct{}
	connectedOnce sync.Once
}

// run publishes until ctx ends, then marks every room offline and
// disconnects. It returns nil when it stopped because ctx ended.
func run(ctx context.Context, cfg config, logOut io.Writer) error {
	f := &feed{
		cfg:       cfg,
		log:       log.New(logOut, "pulse-demofeed: ", log.LstdFlags|log.Lmsgprefix),
		published: make([]atomic.Uint64, len(cfg.rooms)),
		connected: make(chan struct{}),
	}
	f.client = mqtt.NewClient(mqtt.NewClientOptions().
		AddBroker(cfg.uri).
		SetClientID(cfg.clientID).
		SetProtocolVersion(4). // MQTT 3.1.1, which every broker speaks
		SetCleanSession(true).
		SetConnectRetry(false). // connect retries with a log line of its own
		SetAutoReconnect(true).
		SetMaxReconnectInterval(retryMax).
		SetConnectTimeout(connectTimeout).
		SetKeepAlive(30 * time.Second).
		SetPingTimeout(10 * time.Second).
		SetWriteTimeout(5 * time.Second).
		SetOnConnectHandler(f.onConnect).
		SetConnectionLostHandler(f.onLost))

	f.log.Print(f.describe())
	var wg sync.WaitGroup
	wg.Go(func() { f.connect(ctx) })
	for i, r := range cfg.rooms {
		wg.Go(func() { f.publishRoom(ctx, i, r) })
	}
	if cfg.report > 0 {
		wg.Go(func() { f.reportEvery(ctx, cfg.report) })
	}
	<-ctx.Done()
	wg.Wait()
	f.stop()
	return nil
}

// describe is the first log line: where the feed publishes what.
func (f *feed) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "publishing to %s as %s:", f.cfg.uri, f.cfg.clientID)
	for i, r := range f.cfg.rooms {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s at %s Hz", f.climateTopic(r), strconv.FormatFloat(r.rate, 'g', -1, 64))
	}
	fmt.Fprintf(&b, "; retained statuses on %s/<room>/status", f.cfg.root)
	if f.cfg.malformedEvery > 0 {
		fmt.Fprintf(&b, "; a payload that is not JSON after every %d", f.cfg.malformedEvery)
	}
	fmt.Fprintf(&b, "; seed %d", f.cfg.seed)
	return b.String()
}

func (f *feed) climateTopic(r room) string { return f.cfg.root + "/" + r.name + "/climate" }
func (f *feed) statusTopic(r room) string  { return f.cfg.root + "/" + r.name + "/status" }

// connect makes the first connection, trying again until the broker
// answers or ctx ends; paho reconnects by itself after that.
func (f *feed) connect(ctx context.Context) {
	wait := retryFirst
	var lastErr string
	var lastLogged time.Time
	for {
		tok := f.client.Connect()
		select {
		case <-tok.Done():
		case <-ctx.Done():
			return
		}
		err := tok.Error()
		if err == nil {
			return // onConnect says so
		}
		if msg := err.Error(); msg != lastErr || time.Since(lastLogged) >= retryLogEvery {
			f.log.Printf("cannot reach the broker at %s yet (%v); trying again until it answers", f.cfg.uri, err)
			lastErr, lastLogged = msg, time.Now()
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return
		}
		wait = min(2*wait, retryMax)
	}
}

// onConnect runs after every connection, the first and each reconnect:
// the broker may have lost the retained statuses (a restart without
// persistence), so they are published again. They go at QoS 0: paho
// resends the QoS 1 messages of its store on a reconnect while this handler
// runs, and one published here would be sent twice (and raced on).
func (f *feed) onConnect(c mqtt.Client) {
	f.log.Printf("connected to %s", f.cfg.uri)
	now := time.Now().UnixMilli()
	for _, r := range f.cfg.rooms {
		c.Publish(f.statusTopic(r), 0, true, statusPayload(r, "online", now))
	}
	f.connectedOnce.Do(func() { close(f.connected) })
}

func (f *feed) onLost(_ mqtt.Client, err error) {
	f.log.Printf("lost the connection to %s (%v); reconnecting", f.cfg.uri, err)
}

// publishRoom takes room i's readings at its rate, the first once the
// broker first answered, and publishes each while the connection is up.
// Readings taken while it is down later are counted and dropped: they are
// live data, and a burst of stale ones after a reconnect would help no one.
func (f *feed) publishRoom(ctx context.Context, i int, r room) {
	select {
	case <-f.connected:
	case <-ctx.Done():
		return
	}
	s := newSensor(f.cfg.seed, r)
	topic := f.climateTopic(r)
	tick := time.NewTicker(r.period())
	defer tick.Stop()
	for {
		payload := climatePayload(s.next(), time.Now().UnixMilli())
		if f.client.IsConnectionOpen() {
			f.client.Publish(topic, 0, false, payload)
			f.published[i].Add(1)
			if every := uint64(f.cfg.malformedEvery); every > 0 && f.total.Add(1)%every == 0 {
				f.client.Publish(topic, 0, false, malformedPayload(f.malformed.Add(1)-1, payload))
			}
		} else {
			f.dropped.Add(1)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (f *feed) reportEvery(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			f.log.Printf("published so far: %s", f.counts())
		}
	}
}

// counts says how many messages went out, by room and in all.
func (f *feed) counts() string {
	var b strings.Builder
	var all uint64
	for i, r := range f.cfg.rooms {
		n := f.published[i].Load()
		all += n
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", r.name, n)
	}
	fmt.Fprintf(&b, " (%d in all); %d not JSON; %d readings dropped while disconnected", all, f.malformed.Load(), f.dropped.Load())
	return b.String()
}

// stop marks every room offline, if the broker is there to take it, and
// disconnects. The statuses go at QoS 1, so that the broker has them
// before the connection closes.
func (f *feed) stop() {
	if f.client.IsConnectionOpen() {
		now := time.Now().UnixMilli()
		var tokens []mqtt.Token
		for _, r := range f.cfg.rooms {
			tokens = append(tokens, f.client.Publish(f.statusTopic(r), 1, true, statusPayload(r, "offline", now)))
		}
		deadline := time.Now().Add(stopTimeout)
		for _, tok := range tokens {
			if !tok.WaitTimeout(time.Until(deadline)) || tok.Error() != nil {
				f.log.Printf("the broker did not take every offline status within %s", stopTimeout)
				break
			}
		}
	}
	f.client.Disconnect(250)
	f.log.Printf("stopped; published %s", f.counts())
}
