package main

import (
	"context"
	"fmt"
	"log"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// Timing of the broker connections.
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
	// stopTimeout bounds the wait for a broker to take the offline
	// statuses when the feed stops.
	stopTimeout = 2 * time.Second
)

// mqttSink publishes the readings through one MQTT connection: each room's
// on <root>/<room>/climate at QoS 0, and a retained status on
// <root>/<room>/status.
type mqttSink struct {
	cfg    config
	log    *log.Logger
	client mqtt.Client

	missed atomic.Uint64 // readings taken while the connection was down

	// connected is closed on the first connection.
	connected     chan struct{}
	connectedOnce sync.Once
}

func newMQTTSink(cfg config, logger *log.Logger) *mqttSink {
	s := &mqttSink{cfg: cfg, log: logger, connected: make(chan struct{})}
	s.client = mqtt.NewClient(mqtt.NewClientOptions().
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
		SetOnConnectHandler(s.onConnect).
		SetConnectionLostHandler(s.onLost))
	return s
}

func (s *mqttSink) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "MQTT: publishing to %s as %s:", s.cfg.uri, s.cfg.clientID)
	for i, r := range s.cfg.rooms {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s at %s Hz", s.climateTopic(r), strconv.FormatFloat(r.rate, 'g', -1, 64))
	}
	fmt.Fprintf(&b, "; retained statuses on %s/<room>/status", s.cfg.root)
	return b.String()
}

func (s *mqttSink) climateTopic(r room) string { return s.cfg.root + "/" + r.name + "/climate" }
func (s *mqttSink) statusTopic(r room) string  { return s.cfg.root + "/" + r.name + "/status" }

func (s *mqttSink) start(ctx context.Context, wg *sync.WaitGroup) error {
	wg.Go(func() { s.connect(ctx) })
	return nil
}

func (s *mqttSink) ready() <-chan struct{} { return s.connected }

// connect makes the first connection, trying again until the broker
// answers or ctx ends; paho reconnects by itself after that.
func (s *mqttSink) connect(ctx context.Context) {
	wait := retryFirst
	var lastErr string
	var lastLogged time.Time
	for {
		tok := s.client.Connect()
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
			s.log.Printf("cannot reach the broker at %s yet (%v); trying again until it answers", s.cfg.uri, err)
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
func (s *mqttSink) onConnect(c mqtt.Client) {
	s.log.Printf("connected to %s", s.cfg.uri)
	now := time.Now().UnixMilli()
	for _, r := range s.cfg.rooms {
		c.Publish(s.statusTopic(r), 0, true, statusPayload(r, "online", now))
	}
	s.connectedOnce.Do(func() { close(s.connected) })
}

func (s *mqttSink) onLost(_ mqtt.Client, err error) {
	s.log.Printf("lost the connection to %s (%v); reconnecting", s.cfg.uri, err)
}

// climate publishes a reading while the connection is up. Readings taken
// while it is down are counted and dropped: they are live data, and a
// burst of stale ones after a reconnect would help no one.
func (s *mqttSink) climate(i int, _ uint64, payload []byte) {
	if !s.client.IsConnectionOpen() {
		s.missed.Add(1)
		return
	}
	s.client.Publish(s.climateTopic(s.cfg.rooms[i]), 0, false, payload)
}

func (s *mqttSink) malformed(i int, payload []byte) {
	if s.client.IsConnectionOpen() {
		s.client.Publish(s.climateTopic(s.cfg.rooms[i]), 0, false, payload)
	}
}

func (s *mqttSink) dropped() uint64 { return s.missed.Load() }

func (s *mqttSink) state() string {
	if s.client.IsConnectionOpen() {
		return "connected"
	}
	return "disconnected"
}

// stop marks every room offline, if the broker is there to take it, and
// disconnects. The statuses go at QoS 1, so that the broker has them
// before the connection closes.
func (s *mqttSink) stop() {
	if s.client.IsConnectionOpen() {
		now := time.Now().UnixMilli()
		var tokens []mqtt.Token
		for _, r := range s.cfg.rooms {
			tokens = append(tokens, s.client.Publish(s.statusTopic(r), 1, true, statusPayload(r, "offline", now)))
		}
		deadline := time.Now().Add(stopTimeout)
		for _, tok := range tokens {
			if !tok.WaitTimeout(time.Until(deadline)) || tok.Error() != nil {
				s.log.Printf("the broker did not take every offline status within %s", stopTimeout)
				break
			}
		}
	}
	s.client.Disconnect(250)
}
