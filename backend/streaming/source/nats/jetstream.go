package nats

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// Consumers' inactivity thresholds: the server deletes a consumer this
// long after its client went silent. An ordered consumer that outlives
// its consumer makes a new one where it left off.
const (
	orderedInactive = time.Minute
	probeInactive   = 10 * time.Second
)

// maxCandidateStreams bounds how many streams whose subjects overlap a
// subject are examined.
const maxCandidateStreams = 100

// stored is a subscription's ordered consumer of a stream.
type stored struct {
	stream   string
	consumer jetstream.Consumer
	consume  jetstream.ConsumeContext
	replay   *replay
}

// start is where an ordered consumer starts: at a sequence, or (seq 0)
// at the subscription's since; pending messages were stored from there
// on when it was found, and last was the stream's last sequence.
type start struct {
	seq, pending, last uint64
}

// subscribeStored reads subject from the JetStream stream that keeps
// every subject it matches, from since on: nil, nil when there is no
// such stream (or no JetStream), and the caller subscribes with core
// NATS.
func (c *Client) subscribeStored(nc *nats.Conn, js jetstream.JetStream, subject string, since time.Time, maxReplay int, g *gate) (*stored, error) {
	stream, err := c.findStream(js, subject)
	switch {
	case noJetStream(err):
		c.o.Logger.Debug("NATS server has no JetStream; subscribing to live messages only", "subject", streaming.Excerpt(subject))
		return nil, nil
	case err != nil:
		c.o.Logger.Warn("NATS could not look up the JetStream stream of a subject; subscribing to live messages only",
			"subject", streaming.Excerpt(subject), "error", c.detail(err))
		return nil, nil
	case stream == "":
		return nil, nil
	}
	at, err := c.startAt(nc, js, stream, subject, since, maxReplay)
	if err != nil {
		return nil, fmt.Errorf("cannot find where to start reading JetStream stream %s for subject %s: %s", stream, streaming.Excerpt(subject), c.detail(err))
	}
	cfg := jetstream.OrderedConsumerConfig{
		FilterSubjects:    []string{subject},
		InactiveThreshold: orderedInactive,
	}
	if at.seq > 0 {
		cfg.DeliverPolicy, cfg.OptStartSeq = jetstream.DeliverByStartSequencePolicy, at.seq
	} else {
		cfg.DeliverPolicy, cfg.OptStartTime = jetstream.DeliverByStartTimePolicy, &since
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.o.RequestTimeout)
	defer cancel()
	consumer, err := js.OrderedConsumer(ctx, stream, cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot read JetStream stream %s for subject %s: %s", stream, streaming.Excerpt(subject), c.detail(err))
	}
	r := newReplay(at.pending, at.last)
	consume, err := consumer.Consume(func(m jetstream.Msg) {
		msg := Message{Subject: m.Subject(), Payload: m.Data(), Arrival: time.Now()}
		md, err := m.Metadata()
		if err == nil {
			msg.Arrival, msg.Sequence = md.Timestamp, md.Sequence.Stream
		}
		if g.call(msg) && err == nil {
			r.delivered(md.Sequence.Stream, md.NumPending)
		}
	}, jetstream.ConsumeErrHandler(func(_ jetstream.ConsumeContext, err error) {
		c.o.Logger.Debug("NATS JetStream consumer", "stream", stream, "subject", streaming.Excerpt(subject), "error", c.detail(err))
	}))
	if err != nil {
		return nil, fmt.Errorf("cannot read JetStream stream %s for subject %s: %s", stream, streaming.Excerpt(subject), c.detail(err))
	}
	return &stored{stream: stream, consumer: consumer, consume: consume, replay: r}, nil
}

// stop ends the consumer, asks the server to delete it without waiting
// for the answer (its inactivity threshold deletes it otherwise), and
// ends the wait for its replay.
func (s *stored) stop(c *Client) {
	s.consume.Stop()
	if info := s.consumer.CachedInfo(); info != nil {
		c.deleteConsumer(s.stream, info.Name)
	}
	s.replay.finish()
}

// findStream is the stream that keeps every subject that subject
// matches, "" when none does.
func (c *Client) findStream(js jetstream.JetStream, subject string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.o.RequestTimeout)
	defer cancel()
	// The server lists the streams whose subjects overlap subject; only
	// one that keeps all of it serves it without a gap.
	lister := js.StreamNames(ctx, jetstream.WithStreamListSubject(subject))
	var names []string
	for name := range lister.Name() {
		if len(names) < maxCandidateStreams {
			names = append(names, name)
		}
	}
	if err := lister.Err(); err != nil {
		return "", err
	}
	for _, name := range names {
		stream, err := js.Stream(ctx, name)
		if errors.Is(err, jetstream.ErrStreamNotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		for _, pattern := range stream.CachedInfo().Config.Subjects {
			if Covers(pattern, subject) {
				return name, nil
			}
		}
	}
	return "", nil
}

// startAt finds where to read stream for subject: at since when at most
// maxReplay messages of subject are stored from since on (or maxReplay
// is 0 or less), otherwise at the sequence from which maxReplay are.
// Counting needs consumers: the server counts a new consumer's pending
// messages, and the sequence is found by bisection over the stream's
// sequences, one short-lived consumer per step.
func (c *Client) startAt(nc *nats.Conn, js jetstream.JetStream, stream, subject string, since time.Time, maxReplay int) (start, error) {
	ctx, cancel := context.WithTimeout(context.Background(), c.o.RequestTimeout)
	s, err := js.Stream(ctx, stream)
	cancel()
	if err != nil {
		return start{}, err
	}
	state := s.CachedInfo().State
	at := start{last: state.LastSeq}
	if at.pending, err = c.pendingFrom(nc, js, stream, jetstream.ConsumerConfig{
		FilterSubject: subject, DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &since,
	}); err != nil {
		return start{}, err
	}
	if maxReplay <= 0 || at.pending <= uint64(maxReplay) {
		return at, nil
	}
	want := uint64(maxReplay)
	bySeq := func(seq uint64) (uint64, error) {
		return c.pendingFrom(nc, js, stream, jetstream.ConsumerConfig{
			FilterSubject: subject, DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: seq,
		})
	}
	// pending(lo) >= want > pending(hi), pending falling as the sequence
	// grows: the largest lo has pending(lo) == want.
	lo, hi := max(state.FirstSeq, 1), state.LastSeq+1
	var pendingLo uint64
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		p, err := bySeq(mid)
		if err != nil {
			return start{}, err
		}
		if p >= want {
			lo, pendingLo = mid, p
		} else {
			hi = mid
		}
	}
	if pendingLo == 0 {
		if pendingLo, err = bySeq(lo); err != nil {
			return start{}, err
		}
	}
	at.seq, at.pending = lo, pendingLo
	return at, nil
}

// pendingFrom counts the messages a consumer of cfg would deliver, with
// a pull consumer that delivers none and is deleted at once.
func (c *Client) pendingFrom(nc *nats.Conn, js jetstream.JetStream, stream string, cfg jetstream.ConsumerConfig) (uint64, error) {
	cfg.AckPolicy = jetstream.AckNonePolicy
	cfg.MemoryStorage = true
	cfg.InactiveThreshold = probeInactive
	ctx, cancel := context.WithTimeout(context.Background(), c.o.RequestTimeout)
	defer cancel()
	consumer, err := js.CreateConsumer(ctx, stream, cfg)
	if err != nil {
		return 0, err
	}
	info := consumer.CachedInfo()
	c.deleteConsumerOn(nc, stream, info.Name)
	return info.NumPending, nil
}

// deleteConsumer asks the server to delete a consumer, not waiting for
// the answer.
func (c *Client) deleteConsumer(stream, name string) {
	c.mu.Lock()
	nc := c.nc
	c.mu.Unlock()
	if nc != nil {
		c.deleteConsumerOn(nc, stream, name)
	}
}

func (c *Client) deleteConsumerOn(nc *nats.Conn, stream, name string) {
	if name == "" {
		return
	}
	// A reply subject nobody listens on: the server answers JetStream
	// requests only when they have one.
	_ = nc.PublishRequest("$JS.API.CONSUMER.DELETE."+stream+"."+name, nc.NewRespInbox(), nil)
}

// noJetStream reports whether err says the server or account has no
// JetStream.
func noJetStream(err error) bool {
	return errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrJetStreamNotEnabled) ||
		errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount) || errors.Is(err, nats.ErrJetStreamNotEnabled)
}
