package pluginhost

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/backend/grpcplugin"
	"github.com/grafana/grafana-plugin-sdk-go/genproto/pluginv2"
	"github.com/hashicorp/go-hclog"
	goplugin "github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"
)

// Options configure Start. Only Binary is required.
type Options struct {
	// Binary is the plugin executable to run (see Build and Locate).
	Binary string
	// LogOutput receives the plugin's log lines, which go-plugin reads from
	// the plugin's stderr as JSON and re-logs through an hclog logger named
	// "plugin". Nil discards them (and go-plugin's own logs).
	LogOutput io.Writer
	// LogLevel is the least level written to LogOutput. Zero means Debug.
	LogLevel hclog.Level
	// Stderr receives a raw copy of every line the plugin writes to stderr,
	// including the ones that are not log lines (a panic, a race report).
	// Nil discards them.
	Stderr io.Writer
	// Env is added to the plugin's environment, which is otherwise this
	// process's environment, as Grafana passes its own by default.
	Env []string
	// GRPCDialOptions are added to the host's gRPC connection, as a host
	// with other flow-control windows would set them. Nil keeps gRPC's
	// defaults, which Grafana uses.
	GRPCDialOptions []grpc.DialOption
	// StartTimeout bounds the start and the handshake. Zero means one
	// minute, or what is left of Start's context when that is shorter.
	StartTimeout time.Duration
}

// Host is a running plugin process and the clients Grafana would use to talk
// to it. Close it when done.
type Host struct {
	// Diagnostics serves CheckHealth and CollectMetrics.
	Diagnostics pluginv2.DiagnosticsClient
	// Data serves QueryData.
	Data pluginv2.DataClient
	// Stream serves SubscribeStream, RunStream and PublishStream.
	Stream pluginv2.StreamClient

	client    *goplugin.Client
	closeOnce sync.Once
}

// standaloneEnvPrefix starts the variable that would switch an SDK plugin to
// its standalone debug mode; Grafana never sets it for the plugins it
// starts, so neither does Start.
const standaloneEnvPrefix = "GF_PLUGIN_GRPC_ADDRESS_"

// Start runs the plugin binary as Grafana does: go-plugin with the SDK's
// handshake, gRPC only, and the plugin set Grafana uses (protocol version 2).
// It returns once the handshake is done and the diagnostics, data and stream
// clients are dispensed. Cancelling ctx ends a start in progress at once,
// and the process is killed when its start is over; it does not stop a
// started plugin (Close does).
func Start(ctx context.Context, opts Options) (*Host, error) {
	if opts.Binary == "" {
		return nil, errors.New("pluginhost: Options.Binary is empty")
	}
	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < timeout {
		timeout = max(time.Until(deadline), time.Millisecond)
	}
	stderr := opts.Stderr
	if stderr == nil {
		stderr = io.Discard
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("starting the plugin %s: %w", opts.Binary, err)
	}
	cmd := exec.Command(opts.Binary)
	cmd.Env = pluginEnv(os.Environ(), opts.Env)
	client := goplugin.NewClient(&goplugin.ClientConfig{
		HandshakeConfig:  Handshake(),
		VersionedPlugins: map[int]goplugin.PluginSet{grpcplugin.ProtocolVersion: PluginSet()},
		Cmd:              cmd,
		AllowedProtocols: []goplugin.Protocol{goplugin.ProtocolGRPC},
		Logger:           newLogger(opts.LogOutput, opts.LogLevel),
		Stderr:           stderr,
		StartTimeout:     timeout,
		GRPCDialOptions:  opts.GRPCDialOptions,
		// The SDK plugin writes nothing to stdout; anything there would be a
		// bug worth seeing in the plugin's raw stderr copy.
		SyncStdout: stderr,
	})
	type started struct {
		host *Host
		err  error
	}
	done := make(chan started, 1)
	go func() {
		host, err := dispense(client)
		done <- started{host, err}
	}()
	select {
	case s := <-done:
		if s.err != nil {
			client.Kill()
			return nil, fmt.Errorf("starting the plugin %s: %w", opts.Binary, s.err)
		}
		return s.host, nil
	case <-ctx.Done():
		// Kill now would wait for the start under way (go-plugin holds its
		// lock until the handshake is done), or, when the start has not
		// launched the process yet, find nothing to kill and let the
		// process outlive the host: kill it once the start is over.
		go func() {
			<-done
			client.Kill()
		}()
		return nil, fmt.Errorf("starting the plugin %s: %w", opts.Binary, ctx.Err())
	}
}

// dispense completes the handshake and takes the clients Grafana uses.
func dispense(client *goplugin.Client) (*Host, error) {
	rpc, err := client.Client()
	if err != nil {
		return nil, err
	}
	h := &Host{client: client}
	if h.Diagnostics, err = dispenseAs[pluginv2.DiagnosticsClient](rpc, DiagnosticsKey); err != nil {
		return nil, err
	}
	if h.Data, err = dispenseAs[pluginv2.DataClient](rpc, DataKey); err != nil {
		return nil, err
	}
	if h.Stream, err = dispenseAs[pluginv2.StreamClient](rpc, StreamKey); err != nil {
		return nil, err
	}
	return h, nil
}

// dispenseAs dispenses key and checks that it is a T.
func dispenseAs[T any](rpc goplugin.ClientProtocol, key string) (T, error) {
	var zero T
	raw, err := rpc.Dispense(key)
	if err != nil {
		return zero, fmt.Errorf("dispensing %q: %w", key, err)
	}
	c, ok := raw.(T)
	if !ok {
		return zero, fmt.Errorf("dispensing %q: got %T, want %T", key, raw, (*T)(nil))
	}
	return c, nil
}

// pluginEnv is the host's environment less the standalone-mode switch, plus
// extra.
func pluginEnv(host, extra []string) []string {
	env := make([]string, 0, len(host)+len(extra))
	for _, kv := range host {
		if !strings.HasPrefix(kv, standaloneEnvPrefix) {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

// Exited reports whether the plugin process has exited, for whatever reason.
func (h *Host) Exited() bool { return h.client.Exited() }

// Pid is the plugin process's id, or 0 when it is not known.
func (h *Host) Pid() int {
	if rc := h.client.ReattachConfig(); rc != nil {
		return rc.Pid
	}
	return 0
}

// Close asks the plugin to shut down, kills it when it does not within two
// seconds, and waits until the process and its output pipes are done. It is
// safe to call more than once.
func (h *Host) Close() {
	h.closeOnce.Do(h.client.Kill)
}
