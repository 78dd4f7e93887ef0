//go:build mage

// Pulse's build and test targets. Run them with `go tool mage <target>`
// from the repository root; `go tool mage -l` lists them.
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"syscall"
	"time"

	"github.com/grafana/grafana-plugin-sdk-go/build"
	"github.com/magefile/mage/mg"
	"github.com/magefile/mage/sh"
	"github.com/magefile/mage/target"
)

// workspace matches every Go package of every module in go.work: a plain
// ./... at the root matches none of the nested modules.
const workspace = "github.com/pulse-datasource/pulse/..."

// chromium is Debian's Chromium; Playwright never downloads a browser here.
const chromium = "/usr/bin/chromium"

func init() {
	// The SDK builds ./pkg by default; Pulse's main package lives in the
	// workspace's plugin module. The callback may get a zero Config.
	_ = build.SetBeforeBuildCallback(func(cfg build.Config) (build.Config, error) {
		cfg.RootPackagePath = "./backend/plugin"
		cfg.PluginJSONPath = "src"
		cfg.OutputBinaryPath = "dist"
		return cfg, nil
	})
}

// Default builds the backend for every platform.
var Default = BuildAll

// BuildAll builds dist/gpx_pulse_streaming_<os>_<arch> for linux/amd64,
// linux/arm64, linux/arm, darwin/amd64, darwin/arm64 and windows/amd64.
func BuildAll() {
	build.BuildAll()
}

// Backend builds the backend for this machine only.
func Backend() error {
	return build.Build{}.Backend()
}

// Vet runs go vet over the whole workspace.
func Vet() error {
	return sh.RunV("go", "vet", workspace)
}

// Test runs every Go spec of the workspace with the race detector. The
// host suite drives the binary that Backend just built into dist/.
func Test() error {
	mg.Deps(Backend)
	binary, err := filepath.Abs(filepath.Join("dist", hostBinary()))
	if err != nil {
		return err
	}
	env := map[string]string{"PULSE_PLUGIN_BINARY": binary}
	if err := sh.RunWithV(env, "go", "test", "-race", "-count=1", workspace); err != nil {
		return err
	}
	if os.Getenv("GRAFANA_URL") == "" {
		fmt.Println("Skipped: the contract against a real Grafana (label grafana), as GRAFANA_URL is not set; see `go tool mage grafana`.")
	}
	return nil
}

// grafanaSpecs is the suite that runs the contract against a real Grafana.
const grafanaSpecs = "github.com/pulse-datasource/pulse/backend/testkit/grafanaspec"

// Grafana runs the streaming contract against the Grafana at GRAFANA_URL
// (docker compose up -d --build --wait starts one): the specs labelled
// grafana, verbosely, so that a skip shows its reason.
func Grafana() error {
	// In the workflow the specs exist to run: skipping them there would
	// pass a job that checked nothing.
	if os.Getenv("GRAFANA_URL") == "" && os.Getenv("GITHUB_ACTIONS") == "true" {
		return fmt.Errorf("GRAFANA_URL is not set: the workflow must name the Grafana that docker compose started")
	}
	return sh.RunV("go", "test", "-count=1", "-v", grafanaSpecs,
		"-ginkgo.label-filter=grafana", "-ginkgo.v", "-ginkgo.timeout=20m")
}

// Install installs the frontend's packages from package-lock.json when
// node_modules is missing or older than the lock file.
func Install() error {
	stale, err := target.Path(filepath.Join("node_modules", ".package-lock.json"), "package-lock.json", "package.json")
	if err != nil || !stale {
		return err
	}
	return sh.RunWithV(map[string]string{"PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD": "1"}, "npm", "ci")
}

// Frontend type-checks, lints, unit-tests and builds the frontend, then
// checks the bundle as Grafana would load it.
func Frontend() error {
	mg.Deps(Install)
	for _, script := range []string{"typecheck", "lint", "test:ci", "build", "test:bundle"} {
		if err := sh.RunV("npm", "run", script); err != nil {
			return err
		}
	}
	return nil
}

// Browser drives the real editors in Chromium (needs /usr/bin/chromium).
func Browser() error {
	mg.Deps(Install)
	if _, err := os.Stat(chromium); err != nil {
		return fmt.Errorf("the browser check needs Chromium at %s: apt-get install -y chromium", chromium)
	}
	return sh.RunV("npm", "run", "test:browser")
}

// Compose validates docker-compose.yaml and the provisioning it mounts.
func Compose() error {
	return sh.RunV("bash", "scripts/validate-compose.sh")
}

// Verify runs the whole test suite: the workflow lint, Go vet and specs,
// the frontend's checks, the six binaries packaged into the catalog archives
// and checked, the browser check and the compose validation. This is what
// CI runs.
func Verify() {
	mg.SerialDeps(Actionlint, Vet, Test, Frontend, BuildAll, Package, CheckPackage, Browser, Compose)
}

// Actionlint lints the GitHub workflows in .github/workflows; any finding
// fails. It runs shellcheck over run: scripts where shellcheck is installed.
func Actionlint() error {
	var files []string
	for _, pattern := range []string{"*.yml", "*.yaml"} {
		found, err := filepath.Glob(filepath.Join(".github", "workflows", pattern))
		if err != nil {
			return err
		}
		files = append(files, found...)
	}
	if len(files) == 0 {
		return fmt.Errorf("no workflows in .github/workflows")
	}
	return sh.RunV("go", append([]string{"tool", "actionlint"}, files...)...)
}

// Package zips the built plugin (npm run build and BuildAll first) into
// build/: <id>-<version>.zip for every platform and
// <id>-<version>.<os>_<arch>.zip for each, with a .sha256 beside each zip.
// With GRAFANA_ACCESS_POLICY_TOKEN set it signs every archive first.
func Package() error {
	return pulseRelease("package", "-dist", "dist", "-out", "build")
}

// CheckPackage applies the offline catalog rules to every zip in build/
// against package.json's version; a failure names the rules broken.
func CheckPackage() error {
	return pulseRelease("check")
}

// CheckTag fails unless tag is v + the version of package.json and
// plugin.json (src/ and, once built, dist/): go tool mage checkTag v0.1.0.
func CheckTag(tag string) error {
	return pulseRelease("check-tag", tag)
}

// ReleaseNotes writes the tag's CHANGELOG.md section to
// build/release-notes.md: go tool mage releaseNotes v0.1.0.
func ReleaseNotes(tag string) error {
	return pulseRelease("notes", "-o", filepath.Join("build", "release-notes.md"), tag)
}

// Tail builds the plugin and prints its live stream in the terminal until
// PULSE_DURATION (a Go duration such as 30s) elapses or Ctrl-C is pressed.
// PULSE_QUERY sets the query as JSON ('{"kind":"sine","stepMs":200}'),
// PULSE_SETTINGS the data source's jsonData as JSON, and PULSE_VERBOSE=1
// shows the plugin's own log. It exits with pulse-tail's status: 0 at the
// end or on Ctrl-C, 1 for a failure, 2 for bad input; 130 for Ctrl-C during
// the builds.
func Tail() error {
	// Ctrl-C during the builds ends Tail with 130 and no error of its own
	// (mage says it is cancelling); once pulse-tail runs, it handles Ctrl-C.
	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt)
	defer signal.Stop(interrupt)

	fmt.Fprintln(os.Stderr, "Building pulse-tail (a first build can take a few minutes)…")
	tail, err := buildTail()
	if err != nil {
		exitIfInterrupted(interrupt)
		return err
	}
	// Bad input fails now rather than after the plugin's build; pulse-tail
	// prints the error.
	check := exec.Command(tail, "-check")
	check.Stdout, check.Stderr = os.Stdout, os.Stderr
	if err := check.Run(); err != nil {
		exitLike(err)
		return fmt.Errorf("checking the input with pulse-tail: %w", err)
	}
	fmt.Fprintln(os.Stderr, "Building the plugin backend (a first build can take a few minutes)…")
	if err := tailDeps(Backend); err != nil {
		exitIfInterrupted(interrupt)
		return err
	}
	binary, err := filepath.Abs(filepath.Join("dist", hostBinary()))
	if err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "Starting pulse-tail…")
	return execTail(tail, "-binary", binary)
}

// tailDeps is mg.Deps with its failure as an error rather than a panic.
func tailDeps(fns ...any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	mg.Deps(fns...)
	return nil
}

// exitIfInterrupted exits with 130, the status of a command stopped by
// Ctrl-C, when a build failed because the user pressed it: the signal
// reaches the go command and this process together, in no given order.
func exitIfInterrupted(interrupt <-chan os.Signal) {
	select {
	case <-interrupt:
		os.Exit(130)
	case <-time.After(200 * time.Millisecond):
	}
}

// buildTail compiles cmd/pulse-tail into the user's cache directory (not
// dist/, which holds only what the catalog archives ship) and returns its
// path. It is built rather than run with go run, which would add its own
// "exit status" line to pulse-tail's errors and turn its status into 1.
func buildTail() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	dir = filepath.Join(dir, "pulse-streaming-datasource")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := "pulse-tail"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	out := filepath.Join(dir, name)
	build := exec.Command(mg.GoCmd(), "build", "-o", out, "./cmd/pulse-tail")
	build.Dir = filepath.Join("backend", "testkit")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return "", fmt.Errorf("building pulse-tail: %w", err)
	}
	return out, nil
}

// execTail runs pulse-tail in place of this process, so that what the
// terminal shows and the exit status are pulse-tail's alone: no "Error:"
// line from mage after pulse-tail's own, no mage line on Ctrl-C, which
// pulse-tail gets straight from the terminal. Where a process cannot be
// replaced (Windows), pulse-tail runs as a child and Tail exits with its
// status.
func execTail(path string, args ...string) error {
	argv := append([]string{path}, args...)
	execErr := syscall.Exec(path, argv, os.Environ())
	// Exec returns only when it failed.
	cmd := exec.Command(path, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		exitLike(err)
		return fmt.Errorf("running pulse-tail: %w (exec: %v)", err, execErr)
	}
	return nil
}

// exitLike exits with the status of a pulse-tail that ran and failed: it
// printed its error already, so mage must add none. It returns for an error
// of another kind.
func exitLike(err error) {
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.Exited() {
		os.Exit(exit.ExitCode())
	}
}

// pulseRelease runs cmd/pulse-release, the packaging and release checks
// (internal/catalog, internal/release). It is run rather than imported so
// that the Dockerfile, which compiles this magefile for BuildAll, needs no
// more than the backend sources.
func pulseRelease(args ...string) error {
	return sh.RunV("go", append([]string{"run", "./cmd/pulse-release"}, args...)...)
}

// Bench measures the streaming backend through the real plugin host
// (throughput and bytes per row against a tutorial loop and the SDK limit,
// latency, scale, stalled streams, the worst QueryData request, MQTT
// against a reference that works like grafana/mqtt-datasource on a
// mosquitto of its own, and NATS, SSE, NDJSON and WebSocket against a
// reference that sends one frame with its schema per message), prints the
// tables and writes them to docs/benchmarks.md. It takes about twelve
// minutes and wants a quiet machine; PULSE_BENCH_SECTIONS chooses
// sections.
func Bench() error {
	mg.Deps(Backend)
	binary, err := filepath.Abs(filepath.Join("dist", hostBinary()))
	if err != nil {
		return err
	}
	env := map[string]string{"PULSE_PLUGIN_BINARY": binary, "PULSE_BENCH_COMMAND": "go tool mage bench"}
	return runInWith(env, "backend/testkit", "go", "run", "./cmd/pulse-bench", "-out", filepath.Join("..", "..", "docs", "benchmarks.md"))
}

// hostBinary is the name the SDK's build gives this machine's binary.
func hostBinary() string {
	name := fmt.Sprintf("gpx_pulse_streaming_%s_%s", runtime.GOOS, runtime.GOARCH)
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return name
}

// runInWith runs a command in dir with env added to its environment, and
// its output on the terminal.
func runInWith(env map[string]string, dir, cmd string, args ...string) error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	if err := os.Chdir(dir); err != nil {
		return err
	}
	defer os.Chdir(wd)
	return sh.RunWithV(env, cmd, args...)
}
