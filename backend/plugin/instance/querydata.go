package instance

import (
	"context"
	"errors"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
	"github.com/grafana/grafana-plugin-sdk-go/data"

	"github.com/pulse-datasource/pulse/backend/streaming"
)

// QueryData answers each query on its own: a bad query gets its own error
// response and never spoils the others.
func (i *Instance) QueryData(ctx context.Context, req *backend.QueryDataRequest) (*backend.QueryDataResponse, error) {
	resp := backend.NewQueryDataResponse()
	for _, dq := range req.Queries {
		resp.Responses[dq.RefID] = i.query(dq)
	}
	return resp, nil
}

func (i *Instance) query(dq backend.DataQuery) backend.DataResponse {
	limits, err := i.limits()
	if err != nil {
		return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, err.Error())
	}
	q, err := streaming.ParseQuery(dq.JSON)
	if err == nil {
		err = limits.Check(q)
	}
	if err != nil {
		return badQuery(err)
	}
	frame := q.Backfill(dq.TimeRange.From, dq.TimeRange.To, dq.MaxDataPoints)
	frame.RefID = dq.RefID
	if q.WithStreaming {
		channel, err := q.Channel(i.uid)
		if err != nil {
			return badQuery(err)
		}
		frame.SetMeta(&data.FrameMeta{Channel: channel})
	}
	return backend.DataResponse{Frames: data.Frames{frame}}
}

func badQuery(err error) backend.DataResponse {
	msg := "invalid query: " + err.Error()
	var fe *streaming.FieldError
	if !errors.As(err, &fe) {
		msg = err.Error()
	}
	return backend.ErrDataResponseWithSource(backend.StatusBadRequest, backend.ErrorSourceDownstream, msg)
}
