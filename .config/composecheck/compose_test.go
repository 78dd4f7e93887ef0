package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is the repository this module sits in.
const repoRoot = "../.."

func TestRepositoryComposeFileIsValid(t *testing.T) {
	var out strings.Builder
	errs := Run(context.Background(), filepath.Join(repoRoot, "docker-compose.yaml"), absRoot(t), nil, &out)
	for _, err := range errs {
		t.Error(err)
	}
	for _, want := range []string{
		"service grafana",
		"build arg   GRAFANA_VERSION=13.2.3",
		"port        3000:3000/tcp",
		"volume      bind ./provisioning -> /etc/grafana/provisioning",
		"depends_on  mosquitto (service_healthy)",
		"depends_on  demofeed (service_healthy)",
		"depends_on  nats (service_healthy)",
		"service mosquitto",
		"image       eclipse-mosquitto:2.0.22",
		"volume      bind ./.config/mosquitto -> /mosquitto/config (ro)",
		"service demofeed",
		"build       ., dockerfile .config/demofeed.Dockerfile",
		"environment PULSE_DEMO_URI=tcp://mosquitto:1883",
		"environment PULSE_DEMO_NATS=nats://nats:4222",
		"environment PULSE_DEMO_HTTP=:8090",
		"healthcheck CMD /pulse-demofeed -probe",
		"service nats",
		"image       nats:2.10.20-alpine",
		"command     --config /etc/nats/nats-server.conf --jetstream",
		"volume      bind ./.config/nats -> /etc/nats (ro)",
		"healthcheck CMD wget -q -O /dev/null http://127.0.0.1:8222/healthz",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the service listing lacks %q:\n%s", want, out.String())
		}
	}
}

func TestEnvironmentOverridesTheDefaults(t *testing.T) {
	env := []string{"GRAFANA_PORT=3999", "GRAFANA_VERSION=11.6.0", "GRAFANA_IMAGE=grafana/grafana-enterprise"}
	var out strings.Builder
	if errs := Run(context.Background(), filepath.Join(repoRoot, "docker-compose.yaml"), absRoot(t), env, &out); len(errs) > 0 {
		t.Fatal(errors.Join(errs...))
	}
	for _, want := range []string{"3999:3000/tcp", "GRAFANA_VERSION=11.6.0", "GRAFANA_IMAGE=grafana/grafana-enterprise"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("with %v the listing lacks %q:\n%s", env, want, out.String())
		}
	}
}

// Each testdata/compose file breaks one thing and says on its first line,
// "# want: TEXT", what the failure message must contain.
func TestBrokenComposeFilesFail(t *testing.T) {
	expectBrokenFilesFail(t, "testdata/compose/*.yaml", func(t *testing.T, file string) []error {
		return Run(context.Background(), file, absRoot(t), nil, io.Discard)
	})
}

// expectBrokenFilesFail runs check on every file matching pattern and wants
// each to fail with the message its "# want:" line names.
func expectBrokenFilesFail(t *testing.T, pattern string, check func(t *testing.T, file string) []error) {
	files, err := filepath.Glob(pattern)
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(strings.TrimSuffix(name, filepath.Ext(name)), func(t *testing.T) {
			want := wantLine(t, file)
			errs := check(t, file)
			if len(errs) == 0 {
				t.Fatalf("%s passed; want a failure containing %q", file, want)
			}
			msg := errors.Join(errs...).Error()
			if !strings.Contains(msg, want) {
				t.Fatalf("failure does not mention %q:\n%s", want, msg)
			}
			t.Logf("fails as it should: %s", msg)
		})
	}
}

func wantLine(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	want, ok := strings.CutPrefix(sc.Text(), "# want: ")
	if !ok || want == "" {
		t.Fatalf("%s: first line must be \"# want: TEXT\"", file)
	}
	return want
}

func absRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestRepositoryDockerfileFollowsTheRules(t *testing.T) {
	for _, err := range CheckDockerfile(filepath.Join(repoRoot, ".config", "Dockerfile"), absRoot(t), pluginID) {
		t.Error(err)
	}
}

// Each testdata/dockerfile file breaks one thing, as the compose files do.
func TestBrokenDockerfilesFail(t *testing.T) {
	expectBrokenFilesFail(t, "testdata/dockerfile/*.Dockerfile", func(t *testing.T, file string) []error {
		return CheckDockerfile(file, absRoot(t), pluginID)
	})
}

func TestRepositoryDemofeedDockerfileFollowsTheRules(t *testing.T) {
	goImage, err := goImageOf(filepath.Join(repoRoot, ".config", "Dockerfile"), absRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	if goImage != "golang:1.26.8-bookworm" {
		t.Errorf(".config/Dockerfile's Go image is %s", goImage)
	}
	for _, err := range CheckFeedDockerfile(filepath.Join(repoRoot, ".config", "demofeed.Dockerfile"), absRoot(t), goImage) {
		t.Error(err)
	}
}

// Each testdata/demofeed file breaks one thing of the demo feed's Dockerfile.
func TestBrokenDemofeedDockerfilesFail(t *testing.T) {
	expectBrokenFilesFail(t, "testdata/demofeed/*.Dockerfile", func(t *testing.T, file string) []error {
		return CheckFeedDockerfile(file, absRoot(t), "golang:1.26.8-bookworm")
	})
}
