package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// sink is one place the readings go: the MQTT broker, the NATS server, the
// HTTP listener. The feed calls climate and malformed from each room's
// goroutine, concurrently for different rooms; they must not block for
// long.
type sink interface {
	// describe is the sink's first log line: where it sends what.
	describe() string
	// start connects or listens, with goroutines of its own in wg that end
	// with ctx. An error means the sink cannot work at all (an address
	// taken); a broker that is not up yet is no error.
	start(ctx context.Context, wg *sync.WaitGroup) error
	// ready is closed once the sink can take its first reading.
	ready() <-chan struct{}
	// climate hands over reading seq of room i (the index in the
	// config's rooms), as its climate JSON.
	climate(i int, seq uint64, payload []byte)
	// malformed hands over a payload that is not JSON, which follows
	// room i's last reading.
	malformed(i int, payload []byte)
	// dropped is how many readings the sink could not pass on because
	// its connection was down.
	dropped() uint64
	// state is a word or two on the sink's connection, for /healthz.
	state() string
	// stop says goodbye where it can (the offline statuses) and closes
	// the sink, once the rooms stopped and ctx ended.
	stop()
}

// feed takes the rooms' readings, one sensor per room, and hands each to
// every sink: all sinks carry the same readings.
type feed struct {
	cfg   config
	log   *log.Logger
	sinks []sink
	http  *httpSink // also in sinks; nil when -http is empty

	taken     []atomic.Uint64 // readings, by room
	total     atomic.Uint64   // readings in all, for the malformed cadence
	malformed atomic.Uint64
}

// run sends readings to every sink set until ctx ends, then stops them.
// The rooms take their first readings once every sink is ready, so that
// a feed started before its brokers begins with seq 1 everywhere rather
// than with readings nobody could receive. It returns nil when it stopped
// because ctx ended, and an error when a sink could not start.
func run(ctx context.Context, cfg config, logOut io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	f := &feed{
		cfg:   cfg,
		log:   log.New(logOut, "pulse-demofeed: ", log.LstdFlags|log.Lmsgprefix),
		taken: make([]atomic.Uint64, len(cfg.rooms)),
	}
	// The listener first: an address taken fails before any broker sees
	// the feed.
	if cfg.httpAddr != "" {
		f.http = newHTTPSink(cfg, f.log, f.states)
		f.sinks = append(f.sinks, f.http)
	}
	if cfg.uri != "" {
		f.sinks = append(f.sinks, newMQTTSink(cfg, f.log))
	}
	if cfg.natsURL != "" {
		f.sinks = append(f.sinks, newNATSSink(cfg, f.log))
	}

	f.log.Print(f.describe())
	var sinks sync.WaitGroup
	for n, s := range f.sinks {
		if err := s.start(ctx, &sinks); err != nil {
			cancel()
			for _, started := range f.sinks[:n] {
				started.stop()
			}
			sinks.Wait()
			return err
		}
		f.log.Print(s.describe())
	}

	var rooms sync.WaitGroup
	for i, r := range cfg.rooms {
		rooms.Go(func() { f.runRoom(ctx, i, r) })
	}
	if cfg.report > 0 {
		rooms.Go(func() { f.reportEvery(ctx, cfg.report) })
	}
	<-ctx.Done()
	rooms.Wait()
	for _, s := range f.sinks {
		s.stop()
	}
	sinks.Wait()
	f.log.Printf("stopped; published %s", f.counts())
	return nil
}

// describe is the first log line: the rooms, the cadence of bad payloads
// and the seed.
func (f *feed) describe() string {
	var b strings.Builder
	b.WriteString("rooms:")
	for i, r := range f.cfg.rooms {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s at %g Hz", r.name, r.rate)
	}
	if f.cfg.malformedEvery > 0 {
		fmt.Fprintf(&b, "; a payload that is not JSON after every %d", f.cfg.malformedEvery)
	}
	fmt.Fprintf(&b, "; seed %d", f.cfg.seed)
	return b.String()
}

// waitReady waits until every sink is ready; false when ctx ended first.
func (f *feed) waitReady(ctx context.Context) bool {
	for _, s := range f.sinks {
		select {
		case <-s.ready():
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// runRoom takes room i's readings at its rate, the first once every sink
// is ready, and hands each to every sink; after every -malformed-every
// readings (across all rooms) a payload that is not JSON follows.
func (f *feed) runRoom(ctx context.Context, i int, r room) {
	if !f.waitReady(ctx) {
		return
	}
	s := newSensor(f.cfg.seed, r)
	tick := time.NewTicker(r.period())
	defer tick.Stop()
	for {
		reading := s.next()
		payload := climatePayload(reading, time.Now().UnixMilli())
		f.taken[i].Add(1)
		for _, k := range f.sinks {
			k.climate(i, reading.Seq, payload)
		}
		if every := uint64(f.cfg.malformedEvery); every > 0 && f.total.Add(1)%every == 0 {
			bad := malformedPayload(f.malformed.Add(1)-1, payload)
			for _, k := range f.sinks {
				k.malformed(i, bad)
			}
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

// counts says how many readings went out, by room and in all, how many
// payloads were not JSON, how many readings a broker missed, and how many
// HTTP clients listen.
func (f *feed) counts() string {
	var b strings.Builder
	var all, dropped uint64
	for i, r := range f.cfg.rooms {
		n := f.taken[i].Load()
		all += n
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %d", r.name, n)
	}
	for _, s := range f.sinks {
		dropped += s.dropped()
	}
	fmt.Fprintf(&b, " (%d in all); %d not JSON; %d readings dropped while disconnected", all, f.malformed.Load(), dropped)
	if f.http != nil {
		fmt.Fprintf(&b, "; %d HTTP clients", f.http.clients())
	}
	return b.String()
}

// states is each sink's state, by name, for /healthz.
func (f *feed) states() map[string]string {
	out := map[string]string{}
	for _, s := range f.sinks {
		switch s.(type) {
		case *mqttSink:
			out["mqtt"] = s.state()
		case *natsSink:
			out["nats"] = s.state()
		case *httpSink:
			out["http"] = s.state()
		}
	}
	return out
}
