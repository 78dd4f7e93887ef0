package pluginhost

import "runtime"

// Executable is the plugin's executable name as in src/plugin.json; the
// built binary is named Executable_<GOOS>_<GOARCH>, as Grafana expects.
const Executable = "gpx_pulse_streaming"

// PluginID is Pulse's plugin id.
const PluginID = "pulse-streaming-datasource"

// MainPackage is the import path of the plugin's main package.
const MainPackage = "github.com/pulse-datasource/pulse/backend/plugin"

// BinaryEnv names the environment variable that points at a prebuilt plugin
// binary (CI sets it to the binary mage built in dist/). When it is empty,
// Locate builds the plugin.
const BinaryEnv = "PULSE_PLUGIN_BINARY"

// BinaryName is the executable's file name for goos and goarch, the way the
// SDK's build tooling names it: gpx_pulse_streaming_linux_amd64,
// gpx_pulse_streaming_windows_amd64.exe.
func BinaryName(goos, goarch string) string {
	name := Executable + "_" + goos + "_" + goarch
	if goos == "windows" {
		name += ".exe"
	}
	return name
}

// HostBinaryName is BinaryName for the platform this program runs on.
func HostBinaryName() string { return BinaryName(runtime.GOOS, runtime.GOARCH) }
