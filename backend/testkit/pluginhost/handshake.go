package pluginhost

import (
	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	goplugin "github.com/hashicorp/go-plugin"
)

// Handshake is the go-plugin handshake Grafana uses for backend plugins:
// protocol version 2 and the "grafana_plugin_type" = "datasource" cookie.
func Handshake() goplugin.HandshakeConfig {
	return goplugin.HandshakeConfig{
		ProtocolVersion:  grpcplugin.ProtocolVersion,
		MagicCookieKey:   grpcplugin.MagicCookieKey,
		MagicCookieValue: grpcplugin.MagicCookieValue,
	}
}

// Plugin set keys, as Grafana names the services of a backend plugin.
const (
	DiagnosticsKey = "diagnostics"
	ResourceKey    = "resource"
	DataKey        = "data"
	StreamKey      = "stream"
)

// PluginSet is the set of services Grafana dispenses from a backend plugin,
// keyed as Grafana keys them. Their GRPCClient methods give the pluginv2
// clients.
func PluginSet() goplugin.PluginSet {
	return goplugin.PluginSet{
		DiagnosticsKey: &grpcplugin.DiagnosticsGRPCPlugin{},
		ResourceKey:    &grpcplugin.ResourceGRPCPlugin{},
		DataKey:        &grpcplugin.DataGRPCPlugin{},
		StreamKey:      &grpcplugin.StreamGRPCPlugin{},
	}
}
