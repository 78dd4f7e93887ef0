package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// jetStreamTimeout bounds one JetStream API request (looking the stream up,
// creating it).
const jetStreamTimeout = 5 * time.Second

// natsSink publishes the readings to a NATS server: each room's on
// <root>.<room>.climate, its status on <root>.<room>.status, with the
// MQTT root's slashes as dots. The JetStream stream cfg.stream keeps
// whatever goes out under <root>.>, for a client that asks for history;
// the sink creates it when the server has none of that name, after the
// first connection and after every reconnect (a server restarted without
// its store has lost it).
type natsSink struct {
	cfg    config
	log    *log.Logger
	prefix string // the subjects' first tokens: "home"
	nc     *nats.Conn

	missed atomic.Uint64

	connected     chan struct{}
	connectedOnce sync.Once
	// wake asks the sink's goroutine to check the stream and publish the
	// statuses: the connection came up. connected is closed after the
	// first time it did.
	wake chan struct{}

	mu        sync.Mutex
	lastErr   string
	lastErrAt time.Time
}

func newNATSSink(cfg config, logger *log.Logger) *natsSink {
	return &natsSink{
		cfg:       cfg,
		log:       logger,
		prefix:    strings.ReplaceAll(cfg.root, "/", "."),
		connected: make(chan struct{}),
		wake:      make(chan struct{}, 1),
	}
}

func (s *natsSink) climateSubject(r room) string { return s.prefix + "." + r.name + ".climate" }
func (s *natsSink) statusSubject(r room) string  { return s.prefix + "." + r.name + ".status" }

func (s *natsSink) describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "NATS: publishing to %s on %s.<room>.climate and .status", s.cfg.natsURL, s.prefix)
	if s.cfg.stream != "" {
		fmt.Fprintf(&b, ", kept by the JetStream stream %s (%s.>, at most %s and %d bytes)", s.cfg.stream, s.prefix, s.cfg.streamMaxAge, s.cfg.streamMaxBytes)
	}
	return b.String()
}

func (s *natsSink) start(ctx context.Context, wg *sync.WaitGroup) error {
	up := func(nc *nats.Conn) {
		s.log.Printf("connected to the NATS server at %s", nc.ConnectedUrlRedacted())
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
	nc, err := nats.Connect(s.cfg.natsURL,
		nats.Name("pulse-demofeed"),
		nats.RetryOnFailedConnect(true),
		nats.MaxReconnects(-1), // forever
		nats.ReconnectWait(retryMax),
		nats.ReconnectJitter(100*time.Millisecond, time.Second),
		nats.Timeout(connectTimeout),
		// No buffer while disconnected: readings taken then are dropped
		// and counted, as on MQTT.
		nats.ReconnectBufSize(-1),
		nats.ConnectHandler(up),
		nats.ReconnectHandler(up),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			if err != nil {
				s.log.Printf("lost the connection to the NATS server at %s (%v); reconnecting", s.cfg.natsURL, err)
			}
		}),
		nats.ReconnectErrHandler(func(_ *nats.Conn, err error) {
			s.unreachable(err)
		}),
	)
	if err != nil {
		return fmt.Errorf("NATS at %s: %w", s.cfg.natsURL, err)
	}
	s.nc = nc
	if !nc.IsConnected() {
		s.unreachable(errors.New("no answer"))
	}
	wg.Go(func() { s.onConnections(ctx) })
	return nil
}

// unreachable logs that the server is out of reach, again only when the
// error changes or after retryLogEvery.
func (s *natsSink) unreachable(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if msg := fmt.Sprint(err); msg != s.lastErr || time.Since(s.lastErrAt) >= retryLogEvery {
		s.log.Printf("cannot reach the NATS server at %s yet (%v); trying again until it answers", s.cfg.natsURL, err)
		s.lastErr, s.lastErrAt = msg, time.Now()
	}
}

// onConnections makes sure of the stream and publishes the online statuses
// each time the connection comes up, until ctx ends.
func (s *natsSink) onConnections(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		}
		if s.cfg.stream != "" {
			s.ensureStream(ctx)
		}
		now := time.Now().UnixMilli()
		for _, r := range s.cfg.rooms {
			_ = s.nc.Publish(s.statusSubject(r), statusPayload(r, "online", now))
		}
		// Ready once the stream is there: it keeps every reading from
		// the first.
		s.connectedOnce.Do(func() { close(s.connected) })
	}
}

// streamConfig is the stream the sink creates when the server has none of
// its name.
func (s *natsSink) streamConfig() jetstream.StreamConfig {
	return jetstream.StreamConfig{
		Name:        s.cfg.stream,
		Description: "pulse-demofeed's made-up sensor readings",
		Subjects:    []string{s.prefix + ".>"},
		Storage:     jetstream.FileStorage,
		Retention:   jetstream.LimitsPolicy,
		Discard:     jetstream.DiscardOld,
		MaxAge:      s.cfg.streamMaxAge,
		MaxBytes:    s.cfg.streamMaxBytes,
		Replicas:    1,
	}
}

// ensureStream creates the stream unless the server has it; a stream of
// that name that someone else made is kept as it is. It tries again while
// the server does not answer, and gives up, saying so, when the server has
// no JetStream or refuses the stream.
func (s *natsSink) ensureStream(ctx context.Context) {
	js, err := jetstream.New(s.nc)
	if err != nil {
		s.log.Printf("JetStream: %v; publishing without history", err)
		return
	}
	want := s.prefix + ".>"
	for wait := retryFirst; ; wait = min(2*wait, retryMax) {
		reqCtx, cancel := context.WithTimeout(ctx, jetStreamTimeout)
		stream, err := js.Stream(reqCtx, s.cfg.stream)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			stream, err = js.CreateStream(reqCtx, s.streamConfig())
			if err == nil {
				s.log.Printf("created the JetStream stream %s on %s.>, keeping %s and %d bytes at most", s.cfg.stream, s.prefix, s.cfg.streamMaxAge, s.cfg.streamMaxBytes)
			}
		} else if err == nil {
			if subjects := stream.CachedInfo().Config.Subjects; !slices.Contains(subjects, want) && !slices.Contains(subjects, ">") {
				s.log.Printf("the JetStream stream %s is there already, on %v rather than %s: kept as it is, and it may not keep the readings", s.cfg.stream, subjects, want)
			}
		}
		cancel()
		switch {
		case err == nil:
			return
		case errors.Is(err, jetstream.ErrJetStreamNotEnabled), errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount),
			errors.Is(err, nats.ErrNoResponders): // nothing serves the JetStream API
			s.log.Printf("the NATS server at %s has no JetStream (start it with -js): publishing without history", s.cfg.natsURL)
			return
		case ctx.Err() != nil:
			return
		case errors.Is(err, context.DeadlineExceeded), errors.Is(err, nats.ErrTimeout),
			errors.Is(err, nats.ErrConnectionClosed), errors.Is(err, nats.ErrDisconnected):
			// The server is not ready for it yet; try again.
		default:
			s.log.Printf("cannot create the JetStream stream %s: %v; publishing without history", s.cfg.stream, err)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

func (s *natsSink) ready() <-chan struct{} { return s.connected }

func (s *natsSink) climate(i int, _ uint64, payload []byte) {
	if !s.nc.IsConnected() || s.nc.Publish(s.climateSubject(s.cfg.rooms[i]), payload) != nil {
		s.missed.Add(1)
	}
}

func (s *natsSink) malformed(i int, payload []byte) {
	if s.nc.IsConnected() {
		_ = s.nc.Publish(s.climateSubject(s.cfg.rooms[i]), payload)
	}
}

func (s *natsSink) dropped() uint64 { return s.missed.Load() }

func (s *natsSink) state() string {
	if s.nc != nil && s.nc.IsConnected() {
		return "connected"
	}
	return "disconnected"
}

// stop marks every room offline, if the server is there to take it, and
// closes the connection.
func (s *natsSink) stop() {
	if s.nc == nil {
		return
	}
	if s.nc.IsConnected() {
		now := time.Now().UnixMilli()
		for _, r := range s.cfg.rooms {
			_ = s.nc.Publish(s.statusSubject(r), statusPayload(r, "offline", now))
		}
		if err := s.nc.FlushTimeout(stopTimeout); err != nil {
			s.log.Printf("the NATS server did not take every offline status within %s (%v)", stopTimeout, err)
		}
	}
	s.nc.Close()
}
