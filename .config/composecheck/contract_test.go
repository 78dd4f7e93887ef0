package main

import (
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// loadRepoContract is the contract of docs/query-model.md and docs/mqtt.md.
func loadRepoContract(t *testing.T) *Contract {
	t.Helper()
	c, err := LoadContract(filepath.Join(repoRoot, "docs", "query-model.md"))
	if err != nil {
		t.Fatal(err)
	}
	if c.MQTT, err = LoadMQTTContract(filepath.Join(repoRoot, "docs", "mqtt.md")); err != nil {
		t.Fatal(err)
	}
	return c
}

// The parser reads what docs/query-model.md says; spot-check it so a change of
// the document's layout cannot silently empty the contract.
func TestContractIsReadFromTheDocs(t *testing.T) {
	c := loadRepoContract(t)
	wantQuery := []string{"amplitude", "flushMs", "kind", "offset", "periodMs", "seed", "seriesCount", "stepMs", "withStreaming"}
	if got := sortedKeys(c.Query); !slices.Equal(got, wantQuery) {
		t.Errorf("query fields %v, want %v", got, wantQuery)
	}
	if got := sortedKeys(c.Settings); !slices.Equal(got, []string{"maxSeries", "maxStreams", "minStepMs"}) {
		t.Errorf("settings %v, want maxSeries, maxStreams, minStepMs", got)
	}
	step := c.Query["stepMs"]
	if step.Type != TypeInteger || !step.HasRange || step.Min != 1 || step.Max != 3_600_000 || step.Default != 1000.0 {
		t.Errorf("stepMs = %+v", step)
	}
	if off := c.Query["offset"]; off.Type != TypeNumber || off.Min != -1e9 || off.Max != 1e9 {
		t.Errorf("offset = %+v", off)
	}
	if kind := c.Query["kind"]; !slices.Equal(kind.Enum, []string{"randomWalk", "sine", "square", "sawtooth", "counter"}) || kind.Default != "randomWalk" {
		t.Errorf("kind = %+v", kind)
	}
	if ws := c.Query["withStreaming"]; ws.Type != TypeBool || ws.Default != false {
		t.Errorf("withStreaming = %+v", ws)
	}
	if ms := c.Settings["maxSeries"]; ms.Max != 16 || ms.Default != 16.0 {
		t.Errorf("maxSeries = %+v", ms)
	}
}

func TestFieldCheck(t *testing.T) {
	c := loadRepoContract(t)
	vars := map[string]bool{"step": true}
	cases := []struct {
		field string
		value any
		want  string // "" when the value fits
	}{
		{"stepMs", 100.0, ""},
		{"stepMs", 1.0, ""},
		{"stepMs", 3_600_000.0, ""},
		{"stepMs", 0.0, "outside"},
		{"stepMs", 3_600_001.0, "outside"},
		{"stepMs", 2.5, "integer"},
		{"stepMs", "100", "number"},
		{"stepMs", "$step", ""},
		{"stepMs", "${step}", ""},
		{"stepMs", "$nope", "names no variable"},
		{"amplitude", 0.5, ""},
		{"offset", -1e9, ""},
		{"offset", -1e9 - 1, "outside"},
		{"seriesCount", 17.0, "outside"},
		{"kind", "sine", ""},
		{"kind", "triangle", "none of"},
		{"kind", 3.0, "string"},
		{"withStreaming", true, ""},
		{"withStreaming", "true", "bool"},
	}
	for _, tc := range cases {
		err := c.Query[tc.field].Check(tc.value, vars)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s=%v: %v", tc.field, tc.value, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s=%v: got %v, want an error mentioning %q", tc.field, tc.value, err, tc.want)
		}
	}
}

// The same spot-check for docs/mqtt.md's settings, query and uri schemes.
func TestMQTTContractIsReadFromTheDocs(t *testing.T) {
	c := loadRepoContract(t).MQTT
	wantSettings := []string{"allowedTopics", "clientID", "historyMaxBytes", "historyMaxRows", "lingerSeconds", "maxStreams",
		"password", "protocolVersion", "source", "tlsAuth", "tlsAuthWithCACert", "tlsCACert", "tlsClientCert", "tlsClientKey",
		"tlsSkipVerify", "uri", "username"}
	if got := sortedKeys(c.Settings); !slices.Equal(got, wantSettings) {
		t.Errorf("settings %v, want %v", got, wantSettings)
	}
	if src := c.Settings["source"]; src.Type != TypeString || !slices.Equal(src.Enum, []string{"signals", "mqtt"}) || src.Default != "signals" || src.In != "jsonData" {
		t.Errorf("source = %+v", src)
	}
	if uri := c.Settings["uri"]; uri.Type != TypeString || !uri.Required {
		t.Errorf("uri = %+v", uri)
	}
	if pv := c.Settings["protocolVersion"]; !slices.Equal(pv.Enum, []string{"3.1.1", "5"}) {
		t.Errorf("protocolVersion = %+v", pv)
	}
	if hb := c.Settings["historyMaxBytes"]; hb.Type != TypeInteger || hb.Min != 65_536 || hb.Max != 1_073_741_824 || hb.Default != 4194304.0 {
		t.Errorf("historyMaxBytes = %+v", hb)
	}
	if tls := c.Settings["tlsSkipVerify"]; tls.Type != TypeBool || tls.Default != false {
		t.Errorf("tlsSkipVerify = %+v", tls)
	}
	if pw := c.Settings["password"]; pw.In != "secureJsonData" || pw.Type != TypeString {
		t.Errorf("password = %+v", pw)
	}
	if at := c.Settings["allowedTopics"]; at.Type != TypeStringList {
		t.Errorf("allowedTopics = %+v", at)
	}

	if got := sortedKeys(c.Query); !slices.Equal(got, []string{"fields", "flushMs", "timeField", "topic", "withStreaming"}) {
		t.Errorf("query fields %v", got)
	}
	if topic := c.Query["topic"]; topic.Type != TypeString || !topic.Required {
		t.Errorf("topic = %+v", topic)
	}
	if fields := c.Query["fields"]; fields.Type != TypeStringList || fields.HasRange {
		t.Errorf("fields = %+v", fields)
	}
	if flush := c.Query["flushMs"]; flush.Type != TypeInteger || flush.Min != 10 || flush.Max != 10_000 || flush.Default != 100.0 {
		t.Errorf("flushMs = %+v", flush)
	}

	wantSchemes := map[string]int{"tcp": 1883, "mqtt": 1883, "ssl": 8883, "tls": 8883, "mqtts": 8883, "ws": 80, "wss": 443}
	if !maps.Equal(c.Schemes, wantSchemes) {
		t.Errorf("schemes %v, want %v", c.Schemes, wantSchemes)
	}
}

func TestTopicFilters(t *testing.T) {
	// docs/mqtt.md's allowedTopics table, row by row.
	for _, tc := range []struct {
		allowed         string
		allows, refuses []string
	}{
		{"plant/#", []string{"plant", "plant/line1/temp", "plant/+/temp", "plant/#"}, []string{"office/temp", "#"}},
		{"plant/+", []string{"plant/line1", "plant/+"}, []string{"plant/line1/temp", "plant/#"}},
		{"plant/line1/temp", []string{"plant/line1/temp"}, []string{"plant/+/temp"}},
		{"#", []string{"home/+/climate", "a"}, []string{"$SYS/#"}},
		{"+/climate", []string{"home/climate"}, []string{"$SYS/climate"}},
	} {
		for _, f := range tc.allows {
			if !covers(tc.allowed, f) {
				t.Errorf("%s should allow %s", tc.allowed, f)
			}
		}
		for _, f := range tc.refuses {
			if covers(tc.allowed, f) {
				t.Errorf("%s should refuse %s", tc.allowed, f)
			}
		}
	}
	if !coveredBy(nil, "anything/#") {
		t.Error("an empty allowedTopics allows any filter")
	}
	for filter, want := range map[string]string{
		"home/+/climate": "", "#": "", "home/#": "", "+": "", "home//x": "",
		"": "empty", "home/#/x": "# must be", "home/a#": "# must be", "home/a+/x": "+ must be", "a\x00b": "NUL",
	} {
		err := checkTopicFilter(filter)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("checkTopicFilter(%q) = %v, want %q", filter, err, want)
		}
	}
}
