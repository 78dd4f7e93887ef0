package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestNATSConf(t *testing.T) {
	for _, tc := range []struct {
		name, conf string
		want       natsConf
		err        string
	}{
		{"the repository's shape", "port: 4222\nhttp_port: 8222\njetstream {\n  store_dir: /data\n  port: 1\n}\n", natsConf{4222, 8222, true}, ""},
		{"defaults", "# nothing\n", natsConf{port: 4222}, ""},
		{"equals and spaces", "port = 4333 // comment\nmonitor_port 9000\njetstream: enabled\n", natsConf{4333, 9000, true}, ""},
		{"jetstream off", "jetstream: disabled\n", natsConf{port: 4222}, ""},
		{"a block on one line", "jetstream { max_memory_store: 1GB }\nhttp_port: 8222\n", natsConf{4222, 8222, true}, ""},
		{"a bad port", "port: x\n", natsConf{}, `port "x" is not a port`},
		{"an open block", "jetstream {\n", natsConf{}, "not closed"},
		{"a stray brace", "}\n", natsConf{}, "without its {"},
	} {
		got, err := parseNATSConf(tc.conf)
		switch {
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.err)
		case tc.err == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.err == "" && got != tc.want:
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestSubjectsAndPathsCovered(t *testing.T) {
	for _, tc := range []struct {
		allowed, filter string
		want            bool
	}{
		{"home.>", "home.*.climate", true},
		{"home.>", "home.kitchen.climate", true},
		{"home.>", "home", false},
		{"home.>", "home.>", true},
		{"home.*", "home.>", false},
		{"home.*.climate", "home.kitchen.climate", true},
		{"home.*.climate", "home.*.climate", true},
		{"home.kitchen.climate", "home.*.climate", false},
		{">", "office.x", true},
		{"office.>", "home.x", false},
	} {
		if got := subjectCovers(tc.allowed, tc.filter); got != tc.want {
			t.Errorf("subjectCovers(%q, %q) = %v", tc.allowed, tc.filter, got)
		}
	}
	for _, tc := range []struct {
		allowed, path string
		want          bool
	}{
		{"/sse/*", "/sse/home/kitchen", true},
		{"sse/*", "/sse/home/kitchen", true},
		{"/sse/*", "sse/home/kitchen", true},
		{"/sse/*", "/ndjson/home/kitchen", false},
		{"/sse/*", "/sse/../admin", false},
		{"/ws/home/kitchen", "/ws/home/kitchen", true},
		{"/ws/home/kitchen", "/ws/home/kitchen2", false},
		{"*", "/anything", true},
	} {
		if got := pathCovers(tc.allowed, tc.path); got != tc.want {
			t.Errorf("pathCovers(%q, %q) = %v", tc.allowed, tc.path, got)
		}
	}
	for _, bad := range []string{"", "home..x", "home.>.x", "home.k*", "home x"} {
		if checkSubject(bad) == nil {
			t.Errorf("checkSubject(%q) passed", bad)
		}
	}
}

// The e2e tests and the README rely on these uids, urls, dashboards and
// panel titles.
func TestProvisionedFeedFixtures(t *testing.T) {
	p := readRepoProvisioning(t, filepath.Join(repoRoot, "provisioning"))
	for _, want := range []struct {
		file, name, uid, source, url string
		allowed                      []string
		dashboard, title             string
		panels                       []string
	}{
		{"pulse-http.yaml", "Pulse HTTP", "pulse-http", sourceHTTP, "http://demofeed:8090", []string{"/sse/*", "/ndjson/*"},
			"pulse-http", "Pulse — HTTP sensors (SSE and NDJSON)", []string{"Kitchen climate (SSE)", "Kitchen temperature (SSE)", "Kitchen temperature (NDJSON)"}},
		{"pulse-websocket.yaml", "Pulse WebSocket", "pulse-websocket", sourceWebSocket, "ws://demofeed:8090", []string{"/ws/*"},
			"pulse-websocket", "Pulse — WebSocket sensors", []string{"Kitchen climate (WebSocket)", "Kitchen temperature"}},
		{"pulse-nats.yaml", "Pulse NATS", "pulse-nats", sourceNATS, "nats://nats:4222", []string{"home.>"},
			"pulse-nats", "Pulse — NATS sensors", []string{"Temperature per room (streaming)", "Kitchen temperature"}},
	} {
		var ds *DataSource
		for i := range p.DataSources {
			if p.DataSources[i].UID == want.uid {
				ds = &p.DataSources[i]
			}
		}
		if ds == nil || ds.Name != want.name || ds.Type != pluginID || ds.IsDefault || filepath.Base(ds.File) != want.file {
			t.Errorf("want data source %s, uid %s, not the default, in datasources/%s; got %+v", want.name, want.uid, want.file, ds)
			continue
		}
		allowed, _ := stringList(ds.JSONData["allowedTopics"])
		if ds.Source() != want.source || ds.JSONData["url"] != want.url || strings.Join(allowed, " ") != strings.Join(want.allowed, " ") {
			t.Errorf("%s: jsonData %v", want.uid, ds.JSONData)
		}
		dash := dashboardByUID(t, p, want.dashboard)
		if dash["title"] != want.title {
			t.Errorf("%s: title %q", want.dashboard, dash["title"])
		}
		if r, _ := dash["refresh"].(string); r != "" {
			t.Errorf("%s: refresh is %q; live panels update by streaming, so it must be off", want.dashboard, r)
		}
		titles := map[string]map[string]any{}
		for _, raw := range dash["panels"].([]any) {
			panel := raw.(map[string]any)
			titles[panel["title"].(string)] = panel
		}
		for _, title := range want.panels {
			panel, ok := titles[title]
			if !ok {
				t.Errorf("%s: no panel %q", want.dashboard, title)
				continue
			}
			qs := targets(panel)
			if len(qs) != 1 || qs[0]["withStreaming"] != true || qs[0]["timeField"] != "ts" {
				t.Errorf("%s: panel %q wants one streaming query on ts, got %v", want.dashboard, title, qs)
			}
			if ref, _ := qs[0]["datasource"].(map[string]any); ref["uid"] != want.uid {
				t.Errorf("%s: panel %q queries %v", want.dashboard, title, ref)
			}
		}
	}
}

func TestBrokenFeedProvisioningFails(t *testing.T) {
	first := func(d map[string]any) map[string]any {
		return targets(d["panels"].([]any)[0].(map[string]any))[0]
	}
	cases := []struct {
		name, source string
		breaks       func(ds, dash map[string]any)
		want         string
	}{
		{"a path outside allowedTopics", "http", func(_, d map[string]any) { first(d)["path"] = "/admin/x" },
			`path "/admin/x" is not covered by data source "Pulse HTTP"'s allowedTopics [/sse/* /ndjson/*]`},
		{"no path", "http", func(_, d map[string]any) { delete(first(d), "path") }, "path is required by the http source"},
		{"an unknown format", "http", func(_, d map[string]any) { first(d)["format"] = "csv" }, `format: "csv" is none of auto, sse, ndjson`},
		{"an MQTT field", "http", func(_, d map[string]any) { first(d)["topic"] = "home/#" }, `unknown field "topic" for http data source "Pulse HTTP"`},
		{"a full URL as path", "http", func(ds, d map[string]any) {
			jsonData(ds)["allowedTopics"] = []any{"*"}
			first(d)["path"] = "http://elsewhere/x"
		}, "is not a path under the data source's url"},
		{"flushMs out of bounds", "http", func(_, d map[string]any) { first(d)["flushMs"] = 1.0 }, "flushMs: 1 is outside 10 … 10000"},
		{"a url of another scheme", "http", func(ds, _ map[string]any) { jsonData(ds)["url"] = "ws://demofeed:8090" }, "the scheme must be one of http, https"},
		{"no url", "websocket", func(ds, _ map[string]any) { delete(jsonData(ds), "url") }, "jsonData.url is required"},
		{"credentials in the url", "websocket", func(ds, _ map[string]any) { jsonData(ds)["url"] = "ws://u:p@demofeed:8090" }, "holds credentials"},
		{"an empty subscribe message", "websocket", func(_, d map[string]any) { first(d)["subscribeMessage"] = "" }, "subscribeMessage is empty"},
		{"a wildcard inside an allowed path", "websocket", func(ds, _ map[string]any) { jsonData(ds)["allowedTopics"] = []any{"/ws/*/x"} }, "* may only end a path"},
		{"a subject outside allowedTopics", "nats", func(_, d map[string]any) { first(d)["subject"] = "office.*.climate" },
			`subject "office.*.climate" is not covered by data source "Pulse NATS"'s allowedTopics [home.>]`},
		{"an invalid subject", "nats", func(_, d map[string]any) { first(d)["subject"] = "home.>.climate" }, "> must be a token of its own, the last"},
		{"a path for NATS", "nats", func(_, d map[string]any) { first(d)["path"] = "/x" }, `unknown field "path" for nats data source "Pulse NATS"`},
		{"an invalid allowed subject", "nats", func(ds, _ map[string]any) { jsonData(ds)["allowedTopics"] = []any{"home..x"} }, "jsonData.allowedTopics[0]: subject"},
		{"credentials asked, none given", "nats", func(ds, _ map[string]any) { jsonData(ds)["authType"] = "userpass" }, `jsonData.authType is "userpass", but no credentials are set`},
		{"allowedTopics as text", "nats", func(ds, _ map[string]any) { jsonData(ds)["allowedTopics"] = "home.>" }, "allowedTopics: want a list of strings"},
	}
	contract := loadRepoContract(t)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := editProvisioning(t, "pulse-"+tc.source+".yaml", "pulse-"+tc.source+".json", tc.breaks)
			expectFailure(t, readRepoProvisioning(t, dir).Check(contract, pluginID, provisioningPath), tc.want)
		})
	}
}

// A provisioned HTTP, WebSocket or NATS data source must name the compose
// file's service that serves it, on its port.
func TestFeedDataSourcesNameTheirService(t *testing.T) {
	project := loadRepoProject(t)
	contract := loadRepoContract(t)
	for _, tc := range []struct {
		name, source, url string
		want              string // "" when it passes
	}{
		{"the repository's HTTP", "http", "", ""},
		{"the repository's NATS", "nats", "", ""},
		{"NATS on its default port", "nats", "nats://nats", ""},
		{"no such service", "http", "http://feed:8090", "names feed, which is no service of the compose file"},
		{"another service", "websocket", "ws://nats:8090", "names service nats, not demofeed"},
		{"a port the feed does not serve", "websocket", "ws://demofeed:8091", "demofeed serves on port 8090"},
		{"the HTTP default port", "http", "http://demofeed", "demofeed serves on port 8090"},
		{"NATS on the monitoring port", "nats", "nats://nats:8222", "nats serves on port 4222"},
		{"NATS at the feed", "nats", "nats://demofeed:4222", "names service demofeed, not nats"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := editProvisioning(t, "pulse-"+tc.source+".yaml", "", func(ds, _ map[string]any) {
				if tc.url != "" {
					jsonData(ds)["url"] = tc.url
				}
			})
			expectFailure(t, CheckStack(project, readRepoProvisioning(t, dir), contract.MQTT), tc.want)
		})
	}
}
