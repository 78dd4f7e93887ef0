package pluginhost

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// Locate returns the plugin binary to run: the file named by the
// PULSE_PLUGIN_BINARY environment variable when it is set (best an absolute
// path: go test runs each package in its own directory), otherwise a fresh
// Build with opts.
func Locate(ctx context.Context, opts BuildOptions) (string, error) {
	if path := os.Getenv(BinaryEnv); path != "" {
		info, err := os.Stat(path)
		if err != nil && !filepath.IsAbs(path) {
			return "", fmt.Errorf("%s=%s: %w (a relative path is taken from the working directory, %s; go test runs in the package's directory, so give an absolute path)",
				BinaryEnv, path, err, workingDir())
		}
		if err != nil {
			return "", fmt.Errorf("%s=%s: %w", BinaryEnv, path, err)
		}
		if info.IsDir() || (runtime.GOOS != "windows" && info.Mode()&0o111 == 0) {
			return "", fmt.Errorf("%s=%s is not an executable file", BinaryEnv, path)
		}
		return filepath.Abs(path)
	}
	return Build(ctx, opts)
}

// workingDir is the working directory, or "?" when it is unknown.
func workingDir() string {
	wd, err := os.Getwd()
	if err != nil {
		return "?"
	}
	return wd
}
