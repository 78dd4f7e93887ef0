package feed

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/history"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
)

// query is one feed query of a QueryData request: the rows its tap keeps
// within the time range.
type query struct {
	feed    *Feed
	q       Query
	r       source.Range
	unknown []string
	path    string
	tap     *tap
	fresh   bool // the query made the tap: wait for its first messages
	entries []history.Entry
	read    bool
	// unconfirmed is set when the query made the tap and the Upstream did
	// not confirm the subscription within Options.SubscribeWait.
	unconfirmed bool
	// storedErr is why the older rows of the range could not be read from
	// a Store.
	storedErr error
}

// rows reads the tap's rows within the time range, once, sorted by time
// (stably: rows of one time keep the order they came in): the newest
// maxDataPoints of them (streaming.DefaultMaxPoints when the panel gives
// none).
func (q *query) rows() []history.Entry {
	if !q.read {
		q.read = true
		q.entries = q.tap.ring.Range(q.r.From, q.r.To)
		slices.SortStableFunc(q.entries, func(a, b history.Entry) int { return a.Row.Time.Compare(b.Row.Time) })
		if limit := q.limit(); int64(len(q.entries)) > limit {
			q.entries = q.entries[int64(len(q.entries))-limit:]
		}
	}
	return q.entries
}

// Points counts the values of the rows within the range when planned: rows
// times value fields.
func (q *query) Points() int64 {
	rows := int64(len(q.rows()))
	if s, _ := q.store(); s != nil {
		rows = q.limit() // older rows may come from the Store
	}
	return rows * int64(max(1, q.tap.columns()))
}

// Frames returns the rows within the range: one wide frame when streaming
// (the channel's layout, so that the stream continues it), one frame per
// series otherwise. A query that subscribed first waits, at most
// Options.SubscribeWait, for the Upstream to confirm the subscription, then
// at most Options.FirstMessageWait for the first messages (retained ones),
// or, when its Upstream replays stored messages, until ctx ends for all of
// them.
func (q *query) Frames(ctx context.Context) (data.Frames, error) {
	q.feed.touch(q.tap)
	switch {
	case q.fresh && q.tap.replayed != nil:
		// The Upstream replays stored messages: wait for all of them.
		select {
		case <-q.tap.replayed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		q.read = false
	case q.fresh:
		if err := q.awaitConfirmation(ctx); err != nil {
			return nil, err
		}
		timer := time.NewTimer(q.feed.opts.FirstMessageWait)
		select {
		case <-q.tap.first:
			// Retained messages come in a burst: give the rest of it a moment.
			select {
			case <-timer.C:
			case <-ctx.Done():
			case <-time.After(q.feed.opts.FirstMessageWait / 5):
			}
		case <-timer.C:
		case <-ctx.Done():
		}
		timer.Stop()
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		q.read = false
	}
	entries, err := q.withStored(ctx, q.rows())
	if err != nil {
		return nil, err
	}
	if q.q.WithStreaming {
		f, _ := q.tap.wideFrame(entries, 0)
		return data.Frames{f}, nil
	}
	frames := q.tap.seriesFrames(entries)
	if len(frames) == 0 {
		// No rows yet: an empty frame says so, with the query's fields.
		frames = data.Frames{data.NewFrame(q.q.Target, data.NewField(streaming.TimeField, nil, []time.Time{}))}
	}
	return frames, nil
}

// awaitConfirmation waits, at most Options.SubscribeWait, until the
// Upstream confirmed the tap's subscription, and notes when it did not.
func (q *query) awaitConfirmation(ctx context.Context) error {
	if q.tap.confirmed == nil {
		return nil
	}
	timer := time.NewTimer(q.feed.opts.SubscribeWait)
	defer timer.Stop()
	select {
	case <-q.tap.confirmed:
	case <-timer.C:
		q.unconfirmed = true
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// Path is the channel path when the query streams.
func (q *query) Path() string { return q.path }

// Notices warn about ignored fields, and about a subscription that was
// not confirmed in time.
func (q *query) Notices() []data.Notice {
	var notices []data.Notice
	if len(q.unknown) > 0 {
		notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: source.UnknownFieldsNotice(q.unknown)})
	}
	if q.unconfirmed {
		notices = append(notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: fmt.Sprintf(
			"The connection has not confirmed the subscription to %s yet (waited %s): its values, retained ones too, "+
				"appear once it does. Save & test tells whether the data source can connect.",
			streaming.Excerpt(q.q.Target), q.feed.opts.SubscribeWait)})
	}
	if n := q.storedNotice(); n != nil {
		notices = append(notices, *n)
	}
	return notices
}
