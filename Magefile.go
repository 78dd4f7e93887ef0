//go:build mage

// Pulse's build and test targets. Run them with `go tool mage <target>`
// from the repository root; `go tool mage -l` lists them.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

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
const grafanaSpecs = "github.com/pulse-datasource/pulse/backend/plugin/grafanaspec"

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

// Tail builds the plugin and prints a live stream from it in the terminal;
// pass a query as JSON in PULSE_QUERY, e.g. '{"kind":"sine","stepMs":200}'.
func Tail() error {
	mg.Deps(Backend)
	args := []string{"run", "./cmd/pulse-tail", "-binary", filepath.Join("..", "..", "dist", hostBinary())}
	if q := os.Getenv("PULSE_QUERY"); q != "" {
		args = append(args, "-query", q)
	}
	return runIn("backend/plugin", "go", args...)
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
// latency, scale), prints the tables and writes them to docs/benchmarks.md.
// It takes about two and a half minutes and wants a quiet machine.
func Bench() error {
	mg.Deps(Backend)
	binary, err := filepath.Abs(filepath.Join("dist", hostBinary()))
	if err != nil {
		return err
	}
	env := map[string]string{"PULSE_PLUGIN_BINARY": binary, "PULSE_BENCH_COMMAND": "go tool mage bench"}
	return runInWith(env, "backend/plugin", "go", "run", "./cmd/pulse-bench", "-out", filepath.Join("..", "..", "docs", "benchmarks.md"))
}

// hostBinary is the name the SDK's build gives this machine's binary.
func hostBinary() string {
	name := fmt.Sprintf("gpx_pulse_streaming_%s_%s", runtime.GOOS, runtime.GOARCH)
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return name
}

// runIn runs a command in dir, with its output on the terminal.
func runIn(dir, cmd string, args ...string) error {
	return runInWith(nil, dir, cmd, args...)
}

// runInWith is runIn with env added to the command's environment.
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
