package instance

import (
	"context"
	"errors"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
	"github.com/pulse-datasource/pulse/backend/streaming/source"
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

// plannedQuery is a query read and checked, with the points it will
// compute.
type plannedQuery struct {
	query  source.Query
	points int64
	err    error
}

// plan reads and checks a query and counts its points, computing none.
func (i *Instance) plan(dq backend.DataQuery) plannedQuery {
	if i.settingsErr != nil {
		return plannedQuery{err: i.settingsErr}
	}
	q, err := i.src.Query(dq.JSON, source.Range{From: dq.TimeRange.From, To: dq.TimeRange.To, MaxPoints: dq.MaxDataPoints})
	if err != nil {
		return plannedQuery{err: err}
	}
	return plannedQuery{query: q, points: q.Points()}
}

// answer computes a planned query's frames, naming its channel and
// carrying its notices on the first.
func (i *Instance) answer(ctx context.Context, dq backend.DataQuery, p plannedQuery) backend.DataResponse {
	frames, err := p.query.Frames(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return cancelled(ctx)
		}
		return badQuery(err)
	}
	for _, f := range frames {
		f.RefID = dq.RefID
	}
	meta := &data.FrameMeta{Notices: p.query.Notices()}
	if path := p.query.Path(); path != "" {
		channel, err := source.Channel(i.uid, path)
		if err != nil {
			return badQuery(err)
		}
		meta.Channel = channel
	}
	if len(frames) > 0 && (meta.Channel != "" || len(meta.Notices) > 0) {
		frames[0].SetMeta(meta)
	}
	return backend.DataResponse{Frames: frames}
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
