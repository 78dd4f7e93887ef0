package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hashicorp/go-hclog"

	"github.com/pulse-datasource/pulse/backend/testkit/pluginhost"
)

// refPluginPackage is the reference plugin's package, relative to the
// plugin module.
const refPluginPackage = "github.com/pulse-datasource/pulse/backend/testkit/bench/refplugin"

// binaries builds or locates the two plugins a run needs, once each, into
// a temporary directory that cleanup removes.
type binaries struct {
	cfg       config
	log       io.Writer
	dir       string
	pulse     string
	reference string
}

func newBinaries(cfg config, log io.Writer) *binaries {
	return &binaries{cfg: cfg, log: log, pulse: cfg.binary}
}

// tempDir is the run's build directory, made on first use.
func (b *binaries) tempDir() (string, error) {
	if b.dir == "" {
		dir, err := os.MkdirTemp("", "pulse-bench-")
		if err != nil {
			return "", err
		}
		b.dir = dir
	}
	return b.dir, nil
}

// Pulse is the real plugin: -binary, else $PULSE_PLUGIN_BINARY, else a
// fresh build.
func (b *binaries) Pulse(ctx context.Context) (string, error) {
	if b.pulse != "" {
		return filepath.Abs(b.pulse)
	}
	dir, err := b.tempDir()
	if err != nil {
		return "", err
	}
	if os.Getenv(pluginhost.BinaryEnv) == "" {
		fmt.Fprintln(b.log, "building the plugin…")
	}
	b.pulse, err = pluginhost.Locate(ctx, pluginhost.BuildOptions{OutputDir: dir})
	return b.pulse, err
}

// Reference is the reference plugin, built on first use.
func (b *binaries) Reference(ctx context.Context) (string, error) {
	if b.reference != "" {
		return b.reference, nil
	}
	dir, err := b.tempDir()
	if err != nil {
		return "", err
	}
	fmt.Fprintln(b.log, "building the reference plugin…")
	b.reference, err = pluginhost.Build(ctx, pluginhost.BuildOptions{OutputDir: dir, Package: refPluginPackage})
	return b.reference, err
}

// start runs the plugin binary locate gives (Pulse or Reference) as
// Grafana does.
func (b *binaries) start(ctx context.Context, locate func(context.Context) (string, error)) (*pluginhost.Host, error) {
	binary, err := locate(ctx)
	if err != nil {
		return nil, err
	}
	opts := b.hostOptions()
	opts.Binary = binary
	return pluginhost.Start(ctx, opts)
}

// hostOptions send the plugins' warnings and errors to the log with -v.
func (b *binaries) hostOptions() pluginhost.Options {
	var opts pluginhost.Options
	if b.cfg.verbose {
		opts.LogOutput, opts.LogLevel, opts.Stderr = b.log, hclog.Warn, b.log
	}
	return opts
}

func (b *binaries) cleanup() {
	if b.dir != "" {
		_ = os.RemoveAll(b.dir)
	}
}
