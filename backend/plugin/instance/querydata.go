package instance

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// QueryData answers each query on its own: a bad query gets its own error
// response and never spoils the others. One request computes at most
// streaming.MaxRequestPoints points across its queries: the queries that
// would pass that budget, in the request's order, get an error instead of
// frames. A cancelled request stops computing at once.
func (i *Instance) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	planned := make([]plannedQuery, len(req.Queries))
	var asked int64
	for n, dq := range req.Queries {
		planned[n] = i.plan(dq)
		asked += planned[n].points
	}
	var budget int64 = streaming.MaxRequestPoints
	for n, dq := range req.Queries {
		p := planned[n]
		switch {
		case p.err != nil:
			resp.Responses[dq.RefID] = badQuery(p.err)
		case ctx.Err() != nil:
			resp.Responses[dq.RefID] = cancelled(ctx)
		case p.points > budget:
			i.metrics.RefusedQuery()
			resp.Responses[dq.RefID] = backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream,
				fmt.Sprintf("this request asks for %s points across its queries (this one %s); the limit is %s per request: "+
					"narrow the time range, lower maxDataPoints or the series, or split the queries",
					streaming.FormatNumber(float64(asked)), streaming.FormatNumber(float64(p.points)), streaming.FormatNumber(streaming.MaxRequestPoints)))
		default:
			budget -= p.points
			resp.Responses[dq.RefID] = i.answer(ctx, dq, p)
		}
	}
	return resp, nil
}

// plannedQuery is a query read and checked, with the points its backfill
// will compute.
type plannedQuery struct {
	query   streaming.Query
	unknown []string
	points  int64
	err     error
}

// plan reads and checks a query and counts its points, computing none.
func (i *Instance) plan(dq backend.DataQuery) plannedQuery {
	limits, err := i.limits()
	if err != nil {
		return plannedQuery{err: err}
	}
	q, unknown, err := streaming.ReadQuery(dq.JSON)
	if err == nil {
		err = limits.Check(q)
	}
	if err != nil {
		return plannedQuery{err: err}
	}
	return plannedQuery{query: q, unknown: unknown, points: q.BackfillPoints(dq.TimeRange.From, dq.TimeRange.To, dq.MaxDataPoints)}
}

// answer computes a planned query's frame.
func (i *Instance) answer(ctx context.Context, dq backend.DataQuery, p plannedQuery) backend.DataResponse {
	q := p.query
	frame, err := q.BackfillContext(ctx, dq.TimeRange.From, dq.TimeRange.To, dq.MaxDataPoints)
	if err != nil {
		return cancelled(ctx)
	}
	frame.RefID = dq.RefID
	meta := &data.FrameMeta{}
	if len(p.unknown) > 0 {
		meta.Notices = append(meta.Notices, data.Notice{Severity: data.NoticeSeverityWarning, Text: unknownFieldsNotice(p.unknown)})
	}
	if q.WithStreaming {
		channel, err := q.Channel(i.uid)
		if err != nil {
			return badQuery(err)
		}
		meta.Channel = channel
	}
	if meta.Channel != "" || len(meta.Notices) > 0 {
		frame.SetMeta(meta)
	}
	return backend.DataResponse{Frames: data.Frames{frame}}
}

// maxNamedUnknown is how many unknown fields a notice names.
const maxNamedUnknown = 5

// unknownFieldsNotice says which fields of a query Pulse ignored.
func unknownFieldsNotice(unknown []string) string {
	names := make([]string, 0, min(len(unknown), maxNamedUnknown))
	for _, name := range unknown[:min(len(unknown), maxNamedUnknown)] {
		names = append(names, streaming.Excerpt(name))
	}
	text := strings.Join(names, ", ")
	if more := len(unknown) - len(names); more > 0 {
		text += fmt.Sprintf(" and %d more", more)
	}
	if len(unknown) == 1 {
		return "unknown query field " + text + " is ignored; check its spelling"
	}
	return "unknown query fields " + text + " are ignored; check their spelling"
}

// cancelled is the response of a query whose request was cancelled before
// it was computed.
func cancelled(ctx context.Context) backend.DataResponse {
	return backend.ErrDataResponseWithSource(backend.StatusTimeout, backend.ErrorSourceDownstream, "the request was cancelled before this query was computed: "+ctx.Err().Error())
}

func badQuery(err error) backend.DataResponse {
	msg := "invalid query: " + err.Error()
	var fe *streaming.FieldError
	if !errors.As(err, &fe) || errors.Is(err, errInvalidSettings) {
		msg = err.Error()
	}
	return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, msg)
}
