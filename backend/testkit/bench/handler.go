package bench

import (
	"context"
	"fmt"

	"github.com/grafana/grafana-plugin-sdk-go/backend"
)

// Handler is the reference plugin's stream handler: RunStream runs the
// design a path names on the query the rest of the path encodes, or, for a
// path "mqtt/<topic>" (MQTTReferencePath), the MQTT reference on that topic
// of the broker the data source's jsonData names ({"uri": …}), and for
// "mqtt-floor/<topic>" the MQTT client floor, and for "ref-<kind>/<target>"
// (FeedReferencePath) the feed reference on that subject or path of the
// server the data source's jsonData names ({"url": …}).
// SubscribeStream admits any such path; PublishStream is refused, as in
// Pulse. It also answers health checks, so a host can tell it is up.
type Handler struct {
	// MQTT runs the MQTT reference's streams; nil refuses MQTT paths.
	MQTT *MQTTReference
	// Feeds runs the feed reference's streams (NATS, SSE, NDJSON,
	// WebSocket); nil refuses their paths.
	Feeds *FeedReference
}

var (
	_ backend.StreamHandler      = Handler{}
	_ backend.CheckHealthHandler = Handler{}
)

// SubscribeStream admits the paths RunStream can run and nothing else.
func (h Handler) SubscribeStream(_ context.Context, req *backend.SubscribeStreamRequest) (*backend.SubscribeStreamResponse, error) {
	if _, _, ok := ParseMQTTReferencePath(req.Path); ok && h.MQTT != nil {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
	}
	if _, _, ok := ParseFeedReferencePath(req.Path); ok && h.Feeds != nil {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
	}
	if _, _, err := ParseDesignPath(req.Path); err != nil {
		return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusNotFound}, nil
	}
	return &backend.SubscribeStreamResponse{Status: backend.SubscribeStreamStatusOK}, nil
}

// PublishStream is refused.
func (Handler) PublishStream(context.Context, *backend.PublishStreamRequest) (*backend.PublishStreamResponse, error) {
	return &backend.PublishStreamResponse{Status: backend.PublishStreamStatusPermissionDenied}, nil
}

// RunStream sends the path's design as fast as the host reads, until ctx
// ends; an MQTT reference path streams its topic one frame per tick, a
// feed reference path its subject or path one frame per message.
func (h Handler) RunStream(ctx context.Context, req *backend.RunStreamRequest, sender *backend.StreamSender) error {
	var jsonData []byte
	if s := req.PluginContext.DataSourceInstanceSettings; s != nil {
		jsonData = s.JSONData
	}
	if kind, target, ok := ParseFeedReferencePath(req.Path); ok && h.Feeds != nil {
		return h.Feeds.RunStream(ctx, jsonData, kind, target, sender)
	}
	if topic, floor, ok := ParseMQTTReferencePath(req.Path); ok && h.MQTT != nil {
		if floor {
			return h.MQTT.RunFloor(ctx, jsonData, topic, sender)
		}
		return h.MQTT.RunStream(ctx, jsonData, topic, sender)
	}
	design, q, err := ParseDesignPath(req.Path)
	if err != nil {
		return fmt.Errorf("reference plugin: %w", err)
	}
	switch design {
	case DesignTutorial:
		return RunTutorial(ctx, q, sender)
	case DesignSDKLimit:
		return RunSDKLimit(ctx, q, sender)
	default:
		return RunPulse(ctx, q, sender)
	}
}

// CheckHealth says the reference plugin runs.
func (Handler) CheckHealth(context.Context, *backend.CheckHealthRequest) (*backend.CheckHealthResult, error) {
	return &backend.CheckHealthResult{Status: backend.HealthStatusOk, Message: "reference plugin"}, nil
}
