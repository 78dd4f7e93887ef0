package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"
)

func TestMosquittoConf(t *testing.T) {
	open := func(port int) listener { return listener{port: port, protocol: "mqtt", anonymous: true} }
	for _, tc := range []struct {
		name, conf string
		want       []listener
		err        string
	}{
		{"the repository's", "listener 1883\nallow_anonymous true\n", []listener{open(1883)}, ""},
		{"anonymous off by default", "listener 1883\n", []listener{{port: 1883, protocol: "mqtt"}}, ""},
		{"global, set after the listeners", "listener 1883\nlistener 9001\nprotocol websockets\n# comment\nallow_anonymous true\n",
			[]listener{open(1883), {port: 9001, protocol: "websockets", anonymous: true}}, ""},
		{"per listener", "per_listener_settings true\nlistener 1883\nallow_anonymous true\nlistener 1884 127.0.0.1\n",
			[]listener{open(1883), {port: 1884, bind: "127.0.0.1", protocol: "mqtt"}}, ""},
		{"no listener", "allow_anonymous true\n", nil, "no listener"},
		{"a bad port", "listener x\n", nil, `listener port "x"`},
		{"a bad boolean", "listener 1883\nallow_anonymous yes\n", nil, "allow_anonymous takes true or false"},
		{"protocol before any listener", "protocol websockets\n", nil, "protocol needs a listener"},
	} {
		got, err := parseMosquittoConf(tc.conf)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err == "" && !equalListeners(got, tc.want):
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func equalListeners(a, b []listener) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestImageReferences(t *testing.T) {
	for _, tc := range []struct {
		ref, host, tag, repo string
	}{
		{"eclipse-mosquitto:2.0.22", "", "2.0.22", "eclipse-mosquitto"},
		{"grafana/grafana:13.2.3", "", "13.2.3", "grafana/grafana"},
		{"golang:1.26.8-bookworm", "", "1.26.8-bookworm", "golang"},
		{"eclipse-mosquitto", "", "", "eclipse-mosquitto"},
		{"mirror.invalid/eclipse-mosquitto:2.0.22", "mirror.invalid", "2.0.22", "mirror.invalid/eclipse-mosquitto"},
		{"localhost/pulse:1", "localhost", "1", "localhost/pulse"},
		{"mirror.invalid:5000/a/b:3", "mirror.invalid:5000", "3", "mirror.invalid:5000/a/b"},
		{"mirror.invalid:5000/a/b", "mirror.invalid:5000", "", "mirror.invalid:5000/a/b"},
	} {
		if got := registryHost(tc.ref); got != tc.host {
			t.Errorf("registryHost(%s) = %q, want %q", tc.ref, got, tc.host)
		}
		if got := imageTag(tc.ref); got != tc.tag {
			t.Errorf("imageTag(%s) = %q, want %q", tc.ref, got, tc.tag)
		}
		if got := imageRepository(tc.ref); got != tc.repo {
			t.Errorf("imageRepository(%s) = %q, want %q", tc.ref, got, tc.repo)
		}
	}
}

// loadRepoProject loads the repository's docker-compose.yaml.
func loadRepoProject(t *testing.T) *types.Project {
	t.Helper()
	project, err := LoadProject(context.Background(), filepath.Join(repoRoot, "docker-compose.yaml"), absRoot(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	return project
}

// A provisioned MQTT data source must name the compose file's broker on a
// port it serves.
func TestMQTTDataSourcesNameTheBroker(t *testing.T) {
	project := loadRepoProject(t)
	contract := loadRepoContract(t)
	for _, tc := range []struct {
		name     string
		jsonData map[string]any
		want     string // "" when it passes
	}{
		{"the repository's", nil, ""},
		{"a user on the anonymous listener", map[string]any{"username": "grafana"}, ""},
		{"the default port", map[string]any{"uri": "mqtt://mosquitto"}, ""},
		{"no such service", map[string]any{"uri": "tcp://broker:1883"}, "names broker, which is no service of the compose file"},
		{"another service", map[string]any{"uri": "tcp://grafana:1883"}, "names service grafana, not the broker mosquitto"},
		{"a port the broker does not serve", map[string]any{"uri": "tcp://mosquitto:1884"}, "the broker has no listener on port 1884 (it listens on 1883)"},
		{"TLS", map[string]any{"uri": "tls://mosquitto:1883"}, "no TLS listener"},
		{"websockets on the MQTT port", map[string]any{"uri": "ws://mosquitto:1883"}, "the broker's listener 1883 speaks mqtt, and ws:// wants websockets"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := editProvisioning(t, "pulse-mqtt.yaml", "", func(ds, _ map[string]any) {
				for k, v := range tc.jsonData {
					jsonData(ds)[k] = v
				}
			})
			expectFailure(t, CheckStack(project, readRepoProvisioning(t, dir), contract.MQTT), tc.want)
		})
	}
}
