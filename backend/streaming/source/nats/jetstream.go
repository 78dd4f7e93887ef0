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
	stream, err := c.findStream(context.Background(), js, subject)
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
	at, err := c.startAt(context.Background(), nc, js, stream, subject, since, maxReplay, 0)
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

// How Stored reads a window.
const (
	// readBatch is the most messages Stored asks the server for at once:
	// it bounds the buffers of one fetch, and how far Stored may read
	// past the window's end.
	readBatch = 500
	// readAttempts is how many consumers Stored makes at most to read a
	// window: another one starts after the last message received when
	// messages were lost on the way (the connection dropped and came
	// back meanwhile) or the server sent none though some were pending.
	readAttempts = 4
)

// Stored returns the newest max messages (all when max <= 0) that the
// JetStream stream keeping every subject `subject` matches stored from
// since on and before until, oldest first, each with its Arrival (the
// stream's timestamp) and Sequence set. ok is false, with no error, when
// no stream keeps every subject it matches or the server has no
// JetStream. It stops with ctx's error when ctx ends first, and fails
// with an error wrapping ErrNotConnected while the connection is down.
//
// The subject is checked as Subscribe checks it. A zero since is the
// stream's first message; an until not after since is an empty window.
// Stored counts the window's messages before it reads them, and reads
// only from where the newest max of them start (found as Subscribe finds
// where maxReplay messages start): it holds at most max messages, and
// reads at most a few past until. Messages the stream stores while
// Stored counts can make it return a few fewer than max, never more, and
// never one outside the window. Each request to the server also gives up
// after Options.RequestTimeout.
func (c *Client) Stored(ctx context.Context, subject string, since, until time.Time, max int) (msgs []Message, ok bool, err error) {
	if err := c.s.CheckSubject(subject); err != nil {
		return nil, false, err
	}
	nc, js, err := c.conn()
	if err != nil {
		return nil, false, err
	}
	if !nc.IsConnected() {
		return nil, false, c.notConnected("look up the JetStream stream", subject)
	}
	stream, err := c.findStream(ctx, js, subject)
	switch {
	case err != nil && ctx.Err() == nil && nc.IsConnected() && noJetStream(err):
		return nil, false, nil
	case err != nil:
		return nil, false, c.storedErr(ctx, nc, "look up the JetStream stream", subject, err)
	case stream == "":
		return nil, false, nil
	case !until.After(since):
		return nil, true, nil
	}
	what := "count the messages of JetStream stream " + stream
	// The messages stored from until on, counted before those from since
	// on: messages stored in between make the window look larger, so
	// that reading stops at until rather than short of it.
	after, err := c.pendingFrom(ctx, nc, js, stream, fromTime(subject, until))
	if err != nil {
		return nil, false, c.storedErr(ctx, nc, what, subject, err)
	}
	at, err := c.startAt(ctx, nc, js, stream, subject, since, max, after)
	if err != nil {
		return nil, false, c.storedErr(ctx, nc, what, subject, err)
	}
	if at.pending <= after {
		return nil, true, nil
	}
	limit := at.pending - after
	if max > 0 {
		limit = min(limit, uint64(max))
	}
	msgs, err = c.readStored(ctx, nc, js, stream, subject, at.seq, since, until, limit)
	if err != nil {
		return nil, false, c.storedErr(ctx, nc, "read JetStream stream "+stream, subject, err)
	}
	return msgs, true, nil
}

// errLost says that messages of a window were lost on the way more often
// than Stored tries again.
var errLost = errors.New("messages were lost on the way; the connection may be unstable")

// readStored reads the messages of subject from stream that were stored
// before until: from sequence seq on, or, when seq is 0, from since on;
// at most limit of them, oldest first.
func (c *Client) readStored(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, stream, subject string, seq uint64, since, until time.Time, limit uint64) ([]Message, error) {
	msgs := make([]Message, 0, min(limit, readBatch))
	for range readAttempts {
		cfg := fromTime(subject, since)
		switch {
		case len(msgs) > 0:
			// Go on after the last message received.
			cfg = jetstream.ConsumerConfig{FilterSubject: subject, DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: msgs[len(msgs)-1].Sequence + 1}
		case seq > 0:
			cfg = jetstream.ConsumerConfig{FilterSubject: subject, DeliverPolicy: jetstream.DeliverByStartSequencePolicy, OptStartSeq: seq}
		}
		complete, err := c.readConsumer(ctx, nc, js, stream, cfg, until, limit, &msgs)
		if err != nil || complete {
			return msgs, err
		}
	}
	return nil, errLost
}

// readConsumer reads with one pull consumer of cfg, appending to msgs the
// messages stored before until, until msgs holds limit messages.
// complete is false, with no error, when a message was lost on the way
// (the consumer's sequence skipped one), or when the server sent none
// though the consumer had some pending (they were deleted meanwhile, or
// the answer was lost): the caller reads on with another consumer, which
// counts anew what is left. The consumer is deleted when it returns.
func (c *Client) readConsumer(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, stream string, cfg jetstream.ConsumerConfig, until time.Time, limit uint64, msgs *[]Message) (complete bool, err error) {
	cfg.AckPolicy = jetstream.AckNonePolicy
	cfg.MemoryStorage = true
	cfg.InactiveThreshold = probeInactive
	rctx, cancel := context.WithTimeout(ctx, c.o.RequestTimeout)
	consumer, err := js.CreateConsumer(rctx, stream, cfg)
	cancel()
	if err != nil {
		return false, err
	}
	info := consumer.CachedInfo()
	defer c.deleteConsumerOn(nc, stream, info.Name)
	if info.NumPending == 0 {
		return true, nil
	}
	var delivered uint64 // the consumer's sequence of the last message received
	for uint64(len(*msgs)) < limit {
		// NoWait: the server sends what it has, up to the batch, and
		// says so when it has no more, rather than waiting for more.
		batch, err := consumer.FetchNoWait(int(min(limit-uint64(len(*msgs)), readBatch)))
		if err != nil {
			return false, err
		}
		got := 0
	fetch:
		for {
			select {
			case m, open := <-batch.Messages():
				if !open {
					break fetch
				}
				got++
				md, err := m.Metadata()
				if err != nil {
					return false, err
				}
				if md.Sequence.Consumer != delivered+1 {
					return false, nil
				}
				delivered = md.Sequence.Consumer
				if !md.Timestamp.Before(until) {
					return true, nil
				}
				*msgs = append(*msgs, Message{Subject: m.Subject(), Payload: m.Data(), Arrival: md.Timestamp, Sequence: md.Sequence.Stream})
				// Not md.NumPending == 0: servers (2.9 at least) can
				// count one too few for a consumer that starts at a time.
				if uint64(len(*msgs)) >= limit {
					return true, nil
				}
			case <-ctx.Done():
				return false, ctx.Err()
			}
		}
		if err := batch.Error(); err != nil {
			return false, err
		}
		if got == 0 {
			// None though the window's count said more are stored: a
			// new consumer counts anew what is left, if anything.
			if !nc.IsConnected() {
				return false, nats.ErrConnectionClosed
			}
			return false, nil
		}
	}
	return true, nil
}

// storedErr is Stored's error for err, met while trying to do what for
// subject: one wrapping ctx's error when ctx ended, one wrapping
// ErrNotConnected when the connection is down.
func (c *Client) storedErr(ctx context.Context, nc *nats.Conn, what, subject string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("gave up trying to %s for subject %s: %w", what, streaming.Excerpt(subject), ctx.Err())
	}
	if !nc.IsConnected() {
		return c.notConnected(what, subject)
	}
	return fmt.Errorf("cannot %s for subject %s: %s", what, streaming.Excerpt(subject), c.detail(err))
}

// notConnected is the error of a call that needed the server to do what
// for subject while the connection was down.
func (c *Client) notConnected(what, subject string) error {
	return fmt.Errorf("%w at %s: cannot %s for subject %s now; try again once the server can be reached",
		ErrNotConnected, c.s.URL, what, streaming.Excerpt(subject))
}

// findStream is the stream that keeps every subject that subject
// matches, "" when none does. It gives up when ctx ends, or after
// RequestTimeout.
func (c *Client) findStream(ctx context.Context, js jetstream.JetStream, subject string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, c.o.RequestTimeout)
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
// maxReplay messages of subject are stored from since on, not counting
// the newest beyond of them (or maxReplay is 0 or less), otherwise at the
// sequence from which maxReplay are, again not counting the newest
// beyond. A subscription counts them all (beyond 0); Stored leaves out
// those stored from its until on. A zero since is the stream's first
// message. Counting needs consumers: the server counts a new consumer's
// pending messages, and the sequence is found by bisection over the
// stream's sequences, one short-lived consumer per step. It gives up
// when ctx ends; each request also after RequestTimeout.
func (c *Client) startAt(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, stream, subject string, since time.Time, maxReplay int, beyond uint64) (start, error) {
	rctx, cancel := context.WithTimeout(ctx, c.o.RequestTimeout)
	s, err := js.Stream(rctx, stream)
	cancel()
	if err != nil {
		return start{}, err
	}
	state := s.CachedInfo().State
	at := start{last: state.LastSeq}
	if at.pending, err = c.pendingFrom(ctx, nc, js, stream, fromTime(subject, since)); err != nil {
		return start{}, err
	}
	if maxReplay <= 0 || at.pending <= uint64(maxReplay)+beyond {
		return at, nil
	}
	want := uint64(maxReplay) + beyond
	bySeq := func(seq uint64) (uint64, error) {
		return c.pendingFrom(ctx, nc, js, stream, jetstream.ConsumerConfig{
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

// fromTime is the configuration of a consumer of subject that starts at
// the first message stored at t or later; at the stream's first message
// for a zero t.
func fromTime(subject string, t time.Time) jetstream.ConsumerConfig {
	if t.IsZero() {
		return jetstream.ConsumerConfig{FilterSubject: subject, DeliverPolicy: jetstream.DeliverAllPolicy}
	}
	return jetstream.ConsumerConfig{FilterSubject: subject, DeliverPolicy: jetstream.DeliverByStartTimePolicy, OptStartTime: &t}
}

// pendingFrom counts the messages a consumer of cfg would deliver, with
// a pull consumer that delivers none and is deleted at once. It gives up
// when ctx ends, or after RequestTimeout.
func (c *Client) pendingFrom(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, stream string, cfg jetstream.ConsumerConfig) (uint64, error) {
	cfg.AckPolicy = jetstream.AckNonePolicy
	cfg.MemoryStorage = true
	cfg.InactiveThreshold = probeInactive
	ctx, cancel := context.WithTimeout(ctx, c.o.RequestTimeout)
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
