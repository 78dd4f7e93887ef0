package pluginhost

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// BuildOptions configure Build. The zero value builds into a new temporary
// directory from the module that holds this package's source.
type BuildOptions struct {
	// OutputDir is where the binary is written. Empty means a new directory
	// under os.TempDir(); removing it is the caller's business.
	OutputDir string
	// ModuleDir is the plugin module's root directory (its main package).
	// Empty means the module holding this package's source, found from the
	// source path or, failing that, with `go list` from the working directory.
	ModuleDir string
	// Race builds the plugin with the race detector, so that a data race in
	// the plugin shows up in its stderr while a suite drives it.
	Race bool
	// Package is the main package to build instead of the plugin's: an
	// import path, or a directory relative to ModuleDir such as
	// "./cmd/other". Its binary is named after the package's last path
	// element with the same _<GOOS>_<GOARCH> suffix, so it never passes for
	// the plugin. Empty builds the plugin. Locate, which prefers the binary
	// PULSE_PLUGIN_BINARY names, is for the plugin only: call Build for
	// another package.
	Package string
}

// Build compiles the plugin's main package (or opts.Package) with `go build`
// for this host's GOOS and GOARCH and returns the binary's path. A failed
// build's error carries the go command's output. Every call builds, so a
// test never runs a stale binary; the go build cache keeps it quick.
func Build(ctx context.Context, opts BuildOptions) (string, error) {
	moduleDir := opts.ModuleDir
	if moduleDir == "" {
		var err error
		if moduleDir, err = ModuleDir(ctx); err != nil {
			return "", err
		}
	}
	outDir := opts.OutputDir
	if outDir == "" {
		var err error
		if outDir, err = os.MkdirTemp("", "pulse-plugin-"); err != nil {
			return "", fmt.Errorf("creating a directory for the plugin binary: %w", err)
		}
	}
	out, err := filepath.Abs(filepath.Join(outDir, buildBinaryName(opts.Package)))
	if err != nil {
		return "", err
	}
	args := []string{"build", "-o", out}
	if opts.Race {
		args = append(args, "-race")
	}
	args = append(args, buildTarget(opts.Package))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = moduleDir
	cmd.Env = append(os.Environ(), "GOOS="+runtime.GOOS, "GOARCH="+runtime.GOARCH)
	output, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go %s in %s: %w\n%s", strings.Join(args, " "), moduleDir, err, output)
	}
	return out, nil
}

// buildTarget is the package argument of go build: the plugin's main
// package, the module root, unless another one is asked for.
func buildTarget(pkg string) string {
	if pkg == "" {
		return "."
	}
	return pkg
}

// buildBinaryName is the file name Build writes: the plugin's name, or the
// other package's last path element with the platform suffix.
func buildBinaryName(pkg string) string {
	if pkg == "" {
		return HostBinaryName()
	}
	name := path.Base(filepath.ToSlash(pkg)) + "_" + runtime.GOOS + "_" + runtime.GOARCH
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return name
}

// ModuleDir finds the plugin module's root directory: first beside this
// package's source (backend/plugin, beside backend/testkit), then by asking
// `go list` for MainPackage from the working directory.
func ModuleDir(ctx context.Context) (string, error) {
	if _, file, _, ok := runtime.Caller(0); ok {
		// This file is in backend/testkit/pluginhost; the plugin module is
		// backend/plugin.
		dir := filepath.Join(filepath.Dir(filepath.Dir(filepath.Dir(file))), "plugin")
		if isPluginModule(dir) {
			return dir, nil
		}
	}
	cmd := exec.CommandContext(ctx, "go", "list", "-f", "{{.Dir}}", MainPackage)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("finding the plugin module (go list %s): %w\n%s", MainPackage, err, stderr.String())
	}
	dir := strings.TrimSpace(string(out))
	if !isPluginModule(dir) {
		return "", errors.New("go list gave " + dir + ", which is not the plugin module")
	}
	return dir, nil
}

// isPluginModule reports whether dir holds the plugin module's go.mod.
func isPluginModule(dir string) bool {
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	return err == nil && bytes.Contains(mod, []byte("module "+MainPackage+"\n"))
}
