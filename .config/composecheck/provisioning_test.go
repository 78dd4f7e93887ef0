package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	yaml "go.yaml.in/yaml/v4"
)

const pluginID = "pulse-streaming-datasource"

func readRepoProvisioning(t *testing.T, dir string) *Provisioning {
	t.Helper()
	p, err := ReadProvisioning(dir)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRepositoryProvisioningFollowsTheQueryModel(t *testing.T) {
	p := readRepoProvisioning(t, filepath.Join(repoRoot, "provisioning"))
	for _, err := range p.Check(loadRepoContract(t), pluginID, provisioningPath) {
		t.Error(err)
	}
	if len(p.Dashboards) == 0 {
		t.Error("no dashboards were read")
	}
}

// The e2e tests and the README rely on these names, ids and settings.
func TestProvisionedFixturesTheE2ETestsUse(t *testing.T) {
	p := readRepoProvisioning(t, filepath.Join(repoRoot, "provisioning"))

	var pulse *DataSource
	for i := range p.DataSources {
		if p.DataSources[i].UID == "pulse" {
			pulse = &p.DataSources[i]
		}
	}
	if pulse == nil || pulse.Name != "Pulse" || pulse.Type != pluginID || !pulse.IsDefault ||
		filepath.Base(pulse.File) != "pulse.yaml" {
		t.Fatalf("want data source Pulse, uid pulse, default, in datasources/pulse.yaml; got %+v", pulse)
	}

	dash := dashboardByUID(t, p, "pulse-live")
	if dash["title"] != "Pulse — live signals" {
		t.Errorf("title %q", dash["title"])
	}
	if r, _ := dash["refresh"].(string); r != "" {
		t.Errorf("refresh is %q; live panels update by streaming, so it must be off", r)
	}
	if tr, _ := dash["time"].(map[string]any); tr["from"] != "now-5m" || tr["to"] != "now" {
		t.Errorf("time %v, want now-5m to now", dash["time"])
	}

	// Stable panel ids: links and the e2e tests may refer to them.
	wantIDs := map[string]float64{
		"Sine, three series (streaming)":  1,
		"Live counter":                    2,
		"Static counter":                  3,
		"Random walk (streaming)":         4,
		"Square and sawtooth (streaming)": 5,
	}
	panels := map[string]map[string]any{}
	for _, raw := range dash["panels"].([]any) {
		panel := raw.(map[string]any)
		panels[panel["title"].(string)] = panel
	}
	for title, id := range wantIDs {
		if panel, ok := panels[title]; !ok || panel["id"] != id {
			t.Errorf("panel %q: want id %v, got %v", title, id, panel["id"])
		}
	}
	if len(panels) != len(wantIDs) {
		t.Errorf("%d panels, want %d", len(panels), len(wantIDs))
	}

	// Every streaming kind is on show, streaming.
	kinds := map[string]bool{}
	for _, panel := range panels {
		for _, q := range targets(panel) {
			if q["withStreaming"] == true {
				kinds[q["kind"].(string)] = true
			}
		}
	}
	for _, kind := range []string{"sine", "counter", "randomWalk", "square", "sawtooth"} {
		if !kinds[kind] {
			t.Errorf("no streaming %s panel", kind)
		}
	}
	sine := targets(panels["Sine, three series (streaming)"])[0]
	if sine["kind"] != "sine" || sine["stepMs"] != 100.0 || sine["seriesCount"] != 3.0 {
		t.Errorf("sine query %v", sine)
	}

	// The live/static pair: the same counter query, streaming on and off,
	// shown as a whole number that changes with every point.
	live, static := panels["Live counter"], panels["Static counter"]
	for _, panel := range []map[string]any{live, static} {
		if panel["type"] != "stat" {
			t.Errorf("%q is a %v panel, want stat", panel["title"], panel["type"])
		}
		calcs := panel["options"].(map[string]any)["reduceOptions"].(map[string]any)["calcs"].([]any)
		if len(calcs) != 1 || (calcs[0] != "lastNotNull" && calcs[0] != "last") {
			t.Errorf("%q reduces with %v, want last or lastNotNull", panel["title"], calcs)
		}
		defaults := panel["fieldConfig"].(map[string]any)["defaults"].(map[string]any)
		if defaults["unit"] != "none" || defaults["decimals"] != 0.0 {
			t.Errorf("%q shows unit %v, decimals %v; want none and 0 so each new point shows", panel["title"], defaults["unit"], defaults["decimals"])
		}
	}
	lq, sq := targets(live)[0], targets(static)[0]
	if lq["kind"] != "counter" || lq["stepMs"] != 250.0 || lq["withStreaming"] != true {
		t.Errorf("Live counter query %v, want a streaming counter every 250 ms", lq)
	}
	if sq["withStreaming"] != false {
		t.Errorf("Static counter query %v must have withStreaming false", sq)
	}
	for _, k := range []string{"kind", "stepMs", "amplitude"} {
		if lq[k] != sq[k] {
			t.Errorf("Live and Static counter differ in %s: %v, %v", k, lq[k], sq[k])
		}
	}
}

// Each case breaks a copy of the real provisioning in one way.
func TestBrokenProvisioningFails(t *testing.T) {
	cases := []struct {
		name   string
		breaks func(ds map[string]any, dash map[string]any)
		want   string
	}{
		{"unknown query field", func(_, d map[string]any) { firstQuery(d)["stepMS"] = 100.0 }, `unknown field "stepMS"`},
		{"series out of bounds", func(_, d map[string]any) { firstQuery(d)["seriesCount"] = 17.0 }, "seriesCount: 17 is outside 1 … 16"},
		{"unknown kind", func(_, d map[string]any) { firstQuery(d)["kind"] = "triangle" }, `"triangle" is none of`},
		{"fractional step", func(_, d map[string]any) { firstQuery(d)["stepMs"] = 12.5 }, "stepMs: want an integer"},
		{"streaming as text", func(_, d map[string]any) { firstQuery(d)["withStreaming"] = "yes" }, "withStreaming: want a bool"},
		{"step below the data source's minimum", func(ds, _ map[string]any) {
			jsonData(ds)["minStepMs"] = 500
		}, "below data source \"Pulse\"'s minStepMs 500"},
		{"series above the data source's maximum", func(ds, _ map[string]any) {
			jsonData(ds)["maxSeries"] = 2
		}, "above data source \"Pulse\"'s maxSeries 2"},
		{"unknown setting", func(ds, _ map[string]any) { jsonData(ds)["maxPoints"] = 5 }, "jsonData.maxPoints is not a setting"},
		{"setting out of bounds", func(ds, _ map[string]any) { jsonData(ds)["maxSeries"] = 32 }, "jsonData.maxSeries: 32 is outside"},
		{"dangling data source uid", func(_, d map[string]any) {
			firstQuery(d)["datasource"] = map[string]any{"type": pluginID, "uid": "gone"}
		}, `data source uid "gone" is not a provisioned Pulse data source`},
		{"duplicate panel id", func(_, d map[string]any) {
			panels := d["panels"].([]any)
			panels[1].(map[string]any)["id"] = panels[0].(map[string]any)["id"]
		}, "is also panel"},
		{"panel without title", func(_, d map[string]any) { d["panels"].([]any)[0].(map[string]any)["title"] = "" }, "needs a title"},
	}
	contract := loadRepoContract(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := editProvisioning(t, "pulse.yaml", "pulse-live.json", tc.breaks)
			expectFailure(t, readRepoProvisioning(t, dir).Check(contract, pluginID, provisioningPath), tc.want)
		})
	}
}

func TestDashboardThatDoesNotParseFails(t *testing.T) {
	dir := copyProvisioning(t)
	if err := os.WriteFile(filepath.Join(dir, "dashboards", "broken.json"), []byte(`{"uid": "x",`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadProvisioning(dir); err == nil || !strings.Contains(err.Error(), "broken.json") {
		t.Fatalf("want a parse error naming broken.json, got %v", err)
	}
}

func dashboardByUID(t *testing.T, p *Provisioning, uid string) map[string]any {
	t.Helper()
	for _, d := range p.Dashboards {
		if d["uid"] == uid {
			return d
		}
	}
	t.Fatalf("no dashboard with uid %s", uid)
	return nil
}

func targets(panel map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := panel["targets"].([]any)
	for _, q := range list {
		out = append(out, q.(map[string]any))
	}
	return out
}

// firstQuery is the first query of the first panel that shows more than one
// series, so limits on seriesCount apply to it.
func firstQuery(dash map[string]any) map[string]any {
	for _, raw := range dash["panels"].([]any) {
		for _, q := range targets(raw.(map[string]any)) {
			if n, _ := q["seriesCount"].(float64); n > 2 {
				return q
			}
		}
	}
	panic("no query with seriesCount > 2 in the dashboard")
}

func jsonData(ds map[string]any) map[string]any {
	return ds["datasources"].([]any)[0].(map[string]any)["jsonData"].(map[string]any)
}

func copyProvisioning(t *testing.T) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "provisioning")
	if err := os.CopyFS(dst, os.DirFS(filepath.Join(repoRoot, "provisioning"))); err != nil {
		t.Fatal(err)
	}
	return dst
}

// editProvisioning copies the repository's provisioning, lets edit change
// the data source file datasources/<dsFile> and the dashboard
// dashboards/<dashFile> (none, and a nil dash, when dashFile is ""), and
// returns the copy's directory.
func editProvisioning(t *testing.T, dsFile, dashFile string, edit func(ds, dash map[string]any)) string {
	t.Helper()
	dir := copyProvisioning(t)
	dsPath := filepath.Join(dir, "datasources", dsFile)
	var ds, dash map[string]any
	readInto(t, dsPath, &ds, yaml.Unmarshal)
	dashPath := ""
	if dashFile != "" {
		dashPath = filepath.Join(dir, "dashboards", dashFile)
		readInto(t, dashPath, &dash, json.Unmarshal)
	}
	edit(ds, dash)
	writeFrom(t, dsPath, ds, yaml.Marshal)
	if dashPath != "" {
		writeFrom(t, dashPath, dash, json.Marshal)
	}
	return dir
}

// expectFailure fails t unless one of errs mentions want, or, when want
// is "", unless there are none.
func expectFailure(t *testing.T, errs []error, want string) {
	t.Helper()
	msg := errors.Join(errs...)
	switch {
	case want == "" && msg != nil:
		t.Fatal(msg)
	case want != "" && (msg == nil || !strings.Contains(msg.Error(), want)):
		t.Fatalf("want a failure mentioning %q, got: %v", want, msg)
	}
}

func readInto(t *testing.T, file string, v any, decode func([]byte, any) error) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := decode(raw, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

func writeFrom(t *testing.T, file string, v any, encode func(any) ([]byte, error)) {
	t.Helper()
	raw, err := encode(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// The e2e tests and the README rely on these names, ids and queries of the
// MQTT data source and its dashboard.
func TestProvisionedMQTTFixturesTheE2ETestsUse(t *testing.T) {
	p := readRepoProvisioning(t, filepath.Join(repoRoot, "provisioning"))

	var ds *DataSource
	for i := range p.DataSources {
		if p.DataSources[i].UID == "pulse-mqtt" {
			ds = &p.DataSources[i]
		}
	}
	if ds == nil || ds.Name != "Pulse MQTT" || ds.Type != pluginID || ds.IsDefault || filepath.Base(ds.File) != "pulse-mqtt.yaml" {
		t.Fatalf("want data source Pulse MQTT, uid pulse-mqtt, not the default, in datasources/pulse-mqtt.yaml; got %+v", ds)
	}
	topics, _ := stringList(ds.JSONData["allowedTopics"])
	if ds.Source() != "mqtt" || ds.JSONData["uri"] != "tcp://mosquitto:1883" || !slices.Equal(topics, []string{"home/#"}) {
		t.Errorf("jsonData %v, want source mqtt, uri tcp://mosquitto:1883, allowedTopics [home/#]", ds.JSONData)
	}

	dash := dashboardByUID(t, p, "pulse-mqtt")
	if dash["title"] != "Pulse — MQTT sensors" {
		t.Errorf("title %q", dash["title"])
	}
	if r, _ := dash["refresh"].(string); r != "" {
		t.Errorf("refresh is %q; live panels update by streaming, so it must be off", r)
	}
	if tr, _ := dash["time"].(map[string]any); tr["from"] != "now-5m" || tr["to"] != "now" {
		t.Errorf("time %v, want now-5m to now", dash["time"])
	}
	panels := map[string]map[string]any{}
	for _, raw := range dash["panels"].([]any) {
		panel := raw.(map[string]any)
		panels[panel["title"].(string)] = panel
		for _, q := range targets(panel) {
			if ref, _ := q["datasource"].(map[string]any); ref["uid"] != "pulse-mqtt" || ref["type"] != pluginID {
				t.Errorf("panel %q queries %v, want the Pulse MQTT data source", panel["title"], q["datasource"])
			}
		}
	}
	want := map[string]struct {
		id        float64
		kind      string
		streaming bool
	}{
		"Temperature per room (streaming)":                 {1, "timeseries", true},
		"Kitchen temperature":                              {2, "stat", true},
		"Temperature per room (alert-ready, no streaming)": {3, "timeseries", false},
		"Latest payloads (living room)":                    {4, "table", true},
	}
	if len(panels) != len(want) {
		t.Errorf("%d panels, want %d", len(panels), len(want))
	}
	for title, w := range want {
		panel, ok := panels[title]
		if !ok {
			t.Errorf("no panel %q", title)
			continue
		}
		if panel["id"] != w.id || panel["type"] != w.kind {
			t.Errorf("panel %q: id %v, type %v; want %v, %s", title, panel["id"], panel["type"], w.id, w.kind)
		}
		qs := targets(panel)
		if len(qs) != 1 || qs[0]["withStreaming"] != w.streaming || qs[0]["timeField"] != "ts" {
			t.Errorf("panel %q: queries %v, want one with withStreaming %v and timeField ts", title, qs, w.streaming)
		}
	}

	// One series per room: a wildcard topic with one field, streaming and
	// not, on the same tap (same topic, timeField and fields).
	live := targets(panels["Temperature per room (streaming)"])[0]
	still := targets(panels["Temperature per room (alert-ready, no streaming)"])[0]
	for _, q := range []map[string]any{live, still} {
		if fields, _ := stringList(q["fields"]); q["topic"] != "home/+/climate" || !slices.Equal(fields, []string{"temp"}) {
			t.Errorf("query %v, want topic home/+/climate and fields [temp]", q)
		}
	}
	// Rows of one topic leave the others' fields null in the streaming
	// frame: lines must span them.
	custom := panels["Temperature per room (streaming)"]["fieldConfig"].(map[string]any)["defaults"].(map[string]any)["custom"].(map[string]any)
	if custom["spanNulls"] != true {
		t.Errorf("the streaming time series has spanNulls %v, want true", custom["spanNulls"])
	}
	// The stat follows one room's temp, the fastest, with two decimals so
	// that its value changes as the stream goes.
	stat := panels["Kitchen temperature"]
	if q := targets(stat)[0]; q["topic"] != "home/kitchen/climate" || !slices.Equal(mustStrings(q["fields"]), []string{"temp"}) {
		t.Errorf("Kitchen temperature query %v", q)
	}
	calcs := stat["options"].(map[string]any)["reduceOptions"].(map[string]any)["calcs"].([]any)
	if len(calcs) != 1 || calcs[0] != "lastNotNull" {
		t.Errorf("Kitchen temperature reduces with %v, want lastNotNull", calcs)
	}
	if d := stat["fieldConfig"].(map[string]any)["defaults"].(map[string]any)["decimals"]; d != 2.0 {
		t.Errorf("Kitchen temperature shows %v decimals, want 2", d)
	}
	// The table shows whole payloads: no field selection.
	if q := targets(panels["Latest payloads (living room)"])[0]; q["fields"] != nil || strings.ContainsAny(q["topic"].(string), "+#") {
		t.Errorf("Latest payloads query %v, want one topic and no fields", q)
	}
}

func mustStrings(v any) []string {
	list, _ := stringList(v)
	return list
}

// Each case breaks a copy of the MQTT data source or its dashboard in one way.
func TestBrokenMQTTProvisioningFails(t *testing.T) {
	query := func(d map[string]any, title string) map[string]any {
		for _, raw := range d["panels"].([]any) {
			if p := raw.(map[string]any); p["title"] == title {
				return targets(p)[0]
			}
		}
		panic("no panel " + title)
	}
	live := func(d map[string]any) map[string]any { return query(d, "Temperature per room (streaming)") }
	cases := []struct {
		name   string
		breaks func(ds map[string]any, dash map[string]any)
		want   string
	}{
		{"topic outside allowedTopics", func(_, d map[string]any) { live(d)["topic"] = "office/+/climate" },
			`topic "office/+/climate" is not covered by data source "Pulse MQTT"'s allowedTopics [home/#]`},
		{"a wider topic than allowed", func(_, d map[string]any) { live(d)["topic"] = "#" }, `topic "#" is not covered`},
		{"no topic", func(_, d map[string]any) { delete(live(d), "topic") }, "topic is required by docs/mqtt.md"},
		{"an invalid filter", func(_, d map[string]any) { live(d)["topic"] = "home/#/climate" }, "# must be a level of its own"},
		{"a shared subscription", func(ds, d map[string]any) {
			jsonData(ds)["allowedTopics"] = []any{"#", "$share/#"}
			live(d)["topic"] = "$share/g/home/#"
		}, "shared subscription"},
		{"a signals field", func(_, d map[string]any) { live(d)["kind"] = "sine" }, `unknown field "kind" for MQTT data source "Pulse MQTT"`},
		{"fields as text", func(_, d map[string]any) { live(d)["fields"] = "temp" }, "fields: want a list of strings"},
		{"an empty field path", func(_, d map[string]any) { live(d)["fields"] = []any{""} }, "fields[0] is empty"},
		{"flushMs out of bounds", func(_, d map[string]any) { live(d)["flushMs"] = 5.0 }, "flushMs: 5 is outside 10 … 10000"},
		{"streaming as text", func(_, d map[string]any) { live(d)["withStreaming"] = "true" }, "withStreaming: want a bool"},
		{"dangling data source uid", func(_, d map[string]any) {
			live(d)["datasource"] = map[string]any{"type": pluginID, "uid": "pulse-mqtt-gone"}
		}, `data source uid "pulse-mqtt-gone" is not a provisioned Pulse data source`},
		{"a signals setting", func(ds, _ map[string]any) { jsonData(ds)["minStepMs"] = 5 }, "jsonData.minStepMs is not an MQTT setting of docs/mqtt.md"},
		{"a secret in jsonData", func(ds, _ map[string]any) { jsonData(ds)["password"] = "x" }, "jsonData.password is not an MQTT setting of docs/mqtt.md in jsonData"},
		{"no uri", func(ds, _ map[string]any) { delete(jsonData(ds), "uri") }, "jsonData.uri is required by docs/mqtt.md"},
		{"a uri of another scheme", func(ds, _ map[string]any) { jsonData(ds)["uri"] = "http://mosquitto:1883" }, "the scheme is none of docs/mqtt.md's"},
		{"credentials in the uri", func(ds, _ map[string]any) { jsonData(ds)["uri"] = "tcp://u:p@mosquitto:1883" }, "holds credentials"},
		{"a version as a number", func(ds, _ map[string]any) { jsonData(ds)["protocolVersion"] = 5 }, "protocolVersion: want a string"},
		{"an unknown version", func(ds, _ map[string]any) { jsonData(ds)["protocolVersion"] = "4" }, `protocolVersion: "4" is none of 3.1.1, 5`},
		{"allowedTopics as text", func(ds, _ map[string]any) { jsonData(ds)["allowedTopics"] = "home/#" }, "allowedTopics: want a list of strings"},
		{"an invalid allowed filter", func(ds, _ map[string]any) { jsonData(ds)["allowedTopics"] = []any{"home/#/x"} }, "jsonData.allowedTopics: topic filter"},
		{"history out of bounds", func(ds, _ map[string]any) { jsonData(ds)["historyMaxRows"] = 0 }, "historyMaxRows: 0 is outside 1 … 1e+06"},
		{"an unknown source", func(ds, _ map[string]any) { jsonData(ds)["source"] = "kafka" }, `jsonData.source is kafka, want one of signals, mqtt, http, nats, websocket`},
	}
	contract := loadRepoContract(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := editProvisioning(t, "pulse-mqtt.yaml", "pulse-mqtt.json", tc.breaks)
			expectFailure(t, readRepoProvisioning(t, dir).Check(contract, pluginID, provisioningPath), tc.want)
		})
	}
}
