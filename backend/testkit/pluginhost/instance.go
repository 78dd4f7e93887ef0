package pluginhost

import (
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
)

// Instance describes one Pulse data source as Grafana would send it in every
// request's plugin context.
type Instance struct {
	// UID is the data source's uid; channels are ds/<UID>/<path>.
	UID string
	// Name is the data source's display name.
	Name string
	// JSONData is the settings' raw jsonData bytes, sent as they are (they
	// need not be valid JSON). Nil sends none.
	JSONData []byte
	// SecureJSONData is the settings' decrypted secureJsonData (passwords,
	// keys), as Grafana sends it. Nil sends none.
	SecureJSONData map[string]string
	// Updated is when the settings last changed. Zero means the Unix epoch.
	Updated time.Time
}

// orgID is the organization of every request, Grafana's default org.
const orgID = 1

// PluginContext is the plugin context Grafana sends with every request for
// this data source: org 1, Pulse's plugin id and the instance settings.
func (i Instance) PluginContext() *pluginv2.PluginContext {
	var updated int64
	if !i.Updated.IsZero() {
		updated = i.Updated.UnixMilli()
	}
	return &pluginv2.PluginContext{
		OrgId:    orgID,
		PluginId: PluginID,
		DataSourceInstanceSettings: &pluginv2.DataSourceInstanceSettings{
			Uid:                     i.UID,
			Name:                    i.Name,
			JsonData:                i.JSONData,
			DecryptedSecureJsonData: i.SecureJSONData,
			LastUpdatedMS:           updated,
		},
	}
}

// CheckHealthRequest is Grafana's health check of this data source ("Save &
// test").
func (i Instance) CheckHealthRequest() *pluginv2.CheckHealthRequest {
	return &pluginv2.CheckHealthRequest{PluginContext: i.PluginContext()}
}

// SubscribeStreamRequest is Grafana's subscription of a viewer to the
// channel ds/<UID>/<path>; path is the part after the uid.
func (i Instance) SubscribeStreamRequest(path string) *pluginv2.SubscribeStreamRequest {
	return &pluginv2.SubscribeStreamRequest{PluginContext: i.PluginContext(), Path: path}
}

// RunStreamRequest is Grafana's request to produce the channel
// ds/<UID>/<path>.
func (i Instance) RunStreamRequest(path string) *pluginv2.RunStreamRequest {
	return &pluginv2.RunStreamRequest{PluginContext: i.PluginContext(), Path: path}
}

// PublishStreamRequest is a viewer's attempt to publish data to the channel
// ds/<UID>/<path>.
func (i Instance) PublishStreamRequest(path string, data []byte) *pluginv2.PublishStreamRequest {
	return &pluginv2.PublishStreamRequest{PluginContext: i.PluginContext(), Path: path, Data: data}
}

// ChannelPrefix is what a channel of this data source starts with:
// "ds/<UID>/".
func (i Instance) ChannelPrefix() string { return "ds/" + i.UID + "/" }
