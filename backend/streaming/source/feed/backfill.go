package feed

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/history"
	"github.com/pulse-datasource/pulse/backend/streaming/jsonframe"
)

// coveredFrom is the time from which the tap holds every message: when
// its subscription asked for stored messages from then on, or when it was
// made; once its history is full or evicted rows, the time of the oldest
// row it keeps.
func (t *tap) coveredFrom(maxRows int) time.Time {
	covered := t.covered
	if st := t.ring.Stats(); st.Evicted > 0 || st.Rows >= maxRows {
		if oldest, _, _ := t.ring.Since(0, 1); len(oldest) == 1 && oldest[0].Row.Time.After(covered) {
			covered = oldest[0].Row.Time
		}
	}
	return covered
}

// limit is how many rows the query returns at most: its maxDataPoints,
// streaming.DefaultMaxPoints when the panel gives none.
func (q *query) limit() int64 {
	if q.r.MaxPoints > 0 {
		return q.r.MaxPoints
	}
	return streaming.DefaultMaxPoints
}

// store is the feed's Upstream as a Store when it is one and may keep the
// query's target, with the time from which the tap holds every message;
// nil when the query's range needs nothing older than the tap holds.
func (q *query) store() (Store, time.Time) {
	s, ok := q.feed.up.(Store)
	if !ok || q.tap.unstored.Load() || q.r.From.IsZero() || q.r.To.IsZero() {
		return nil, time.Time{}
	}
	covered := q.tap.coveredFrom(q.feed.opts.Settings.HistoryMaxRows)
	if !q.r.From.Before(covered) {
		return nil, time.Time{}
	}
	return s, covered
}

// withStored adds to entries, the tap's rows within the query's range,
// the older rows of the range that the Upstream stored and the tap does
// not hold, when it is a Store: at most as many as the query can still
// return. They are decoded as the tap decodes messages and are not kept.
// It fails only when ctx ended; the Upstream's other errors become a
// notice and leave entries as they are.
func (q *query) withStored(ctx context.Context, entries []history.Entry) ([]history.Entry, error) {
	s, covered := q.store()
	room := q.limit() - int64(len(entries))
	if s == nil || room <= 0 {
		return entries, nil
	}
	until := covered
	if q.r.To.Before(until) {
		until = q.r.To.Add(time.Nanosecond) // the range includes To
	}
	msgs, ok, err := s.Stored(ctx, q.feed.opts.subscription(q.q, q.r.From, int(min(room, int64(q.feed.opts.Settings.HistoryMaxRows)))), until)
	switch {
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case err != nil:
		q.storedErr = fmt.Errorf("the rows before %s could not be read from where the %s source stores them: %w",
			covered.UTC().Format(time.RFC3339), q.feed.opts.Name, err)
		q.feed.opts.Logger.Warn("Could not read stored messages for a query", q.feed.opts.Label, streaming.Excerpt(q.q.Target), "error", err)
		return entries, nil
	case !ok:
		q.tap.unstored.Store(true)
		return entries, nil
	}
	older := q.decodeStored(msgs)
	if len(older) == 0 {
		return entries, nil
	}
	all := slices.Concat(older, entries)
	slices.SortStableFunc(all, func(a, b history.Entry) int { return a.Row.Time.Compare(b.Row.Time) })
	if int64(len(all)) > q.limit() {
		all = all[int64(len(all))-q.limit():]
	}
	return all, nil
}

// decodeStored decodes stored messages into entries within the query's
// range, as the tap decodes messages, and makes the tap's layout cover
// them. Payloads that are not readable JSON are skipped: the tap counted
// them when they were live.
func (q *query) decodeStored(msgs []Message) []history.Entry {
	dec, err := jsonframe.NewDecoder(q.q.decoderOptions())
	if err != nil {
		return nil // the options were checked when the query was read
	}
	var out []history.Entry
	for _, m := range msgs {
		rows, err := dec.Decode(m.Payload, m.Arrival)
		if err != nil {
			continue
		}
		rows = slices.DeleteFunc(rows, func(r jsonframe.Row) bool { return r.Time.Before(q.r.From) || r.Time.After(q.r.To) })
		if len(rows) == 0 {
			continue
		}
		q.tap.mu.Lock()
		q.tap.layout.observe(m.Series, rows)
		q.tap.mu.Unlock()
		for _, r := range rows {
			out = append(out, history.Entry{Series: m.Series, Row: r})
		}
	}
	return out
}

// storedNotice is the notice of a failed read of stored messages, nil
// when there was none.
func (q *query) storedNotice() *data.Notice {
	if q.storedErr == nil || errors.Is(q.storedErr, context.Canceled) {
		return nil
	}
	return &data.Notice{Severity: data.NoticeSeverityWarning, Text: q.storedErr.Error()}
}
